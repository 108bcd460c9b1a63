"""Plan import stays bounded: an alias bomb, a file of thousands of generated items and huge
numbers are refused with a problem by line (API 422, CLI exit 2), in little memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from webfixtures import api_token, bearer, seed, services_of
from webfixtures import web_app as web_app  # noqa: F401  (fixture)

from tracker.cli import main
from tracker.planfile import PlanFileError, parse_plan_file

ROOT = Path(__file__).resolve().parents[1]
HEAD = """plan: {key: bomb, title: 炸弹, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u, name: 单位}]
people: [{key: p, name: 人}]
"""


def alias_bomb() -> str:
    """An item that repeats every day, referenced 3,000 times: about 9 KB."""
    item = "&a {title: 每日, owner: p, lead_unit: u, due: 2012-01-02, every: 1 day}"
    return HEAD + "items: [" + item + "," + ",".join(["*a"] * 3000) + "]\n"


def many_daily_items(n: int) -> str:
    """n distinct daily items (no aliases): each would make up to 366 items."""
    rows = "".join(f"  - {{key: k{i}, title: 每日{i}, owner: p, lead_unit: u, "
                   f"due: 2012-01-02, every: 1 day}}\n" for i in range(n))
    return HEAD + "items:\n" + rows


HUGE_DAYS = HEAD + ("items:\n  - {key: k, title: 事, owner: p, lead_unit: u, due: 2012-01-02, "
                    f"report_every_days: {'9' * 5000}}}\n")

# The peak is VmHWM, this process image's own high-water mark: getrusage's ru_maxrss
# survives fork and exec, so it would report the (large) test worker that started us.
CLI_SCRIPT = """
import json, sys, time

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024

from tracker.cli import main
start = time.monotonic()
try:
    main(sys.argv[1:], standalone_mode=False)
    code = 0
except SystemExit as e:
    code = e.code
print(json.dumps({"code": code, "seconds": time.monotonic() - start,
                  "rss_mb": peak_mb()}))
"""

API_SCRIPT = """
import json, sys, time

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024

sys.path.insert(0, "tests")
from webfixtures import api_token, bearer, make_web_app
app = make_web_app(sys.argv[1], __import__("pathlib").Path(sys.argv[2]))
app.extensions["tracker"].accounts.add("admin", "admin", password="admin-password-long")
headers = bearer(api_token(app, "admin"))
body = open(sys.argv[3], "rb").read()
start = time.monotonic()
response = app.test_client().post("/api/plans", data=body, headers=headers,
                                  content_type="application/yaml")
print(json.dumps({"code": response.status_code, "seconds": time.monotonic() - start,
                  "rss_mb": peak_mb(),
                  "answer": response.get_json()}))
"""


def _measure(script: str, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, check=False)
    assert done.stdout, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_alias_bomb_is_refused_at_its_first_alias() -> None:
    text = alias_bomb()
    assert 8_000 < len(text.encode()) < 10_000
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(text)
    (problem,) = info.value.problems
    assert problem.line == 4 and "aliases" in problem.message


def test_alias_bomb_is_refused_by_the_cli_with_exit_2_in_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    found = _measure(CLI_SCRIPT, "--db", db, "--instance", str(tmp_path), "import", str(bomb))
    print("CLI alias bomb:", found)
    assert found["code"] == 2
    assert float(found["rss_mb"]) < 200  # type: ignore[arg-type]


def test_alias_bomb_is_refused_by_the_api_with_422_in_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    found = _measure(API_SCRIPT, f"sqlite:///{tmp_path / 'api.db'}", str(tmp_path / "inst"),
                     str(bomb))
    print("API alias bomb:", {k: v for k, v in found.items() if k != "answer"})
    assert found["code"] == 422
    assert "aliases" in json.dumps(found["answer"], ensure_ascii=False)
    assert float(found["rss_mb"]) < 200  # type: ignore[arg-type]


def test_a_file_that_would_make_more_than_5000_items_is_refused_once() -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(many_daily_items(20))
    (problem,) = info.value.problems
    assert "more than 5000 items" in problem.message


def test_a_5000_digit_number_is_a_problem_on_its_line() -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(HUGE_DAYS)
    (problem,) = info.value.problems
    assert problem.line == 5 and "report_every_days" in problem.message


def test_a_5000_digit_number_is_422_on_the_api_and_exit_2_on_the_cli(
        web_app: Flask, tmp_path: Path) -> None:  # noqa: F811
    seed(web_app)
    before = services_of(web_app).tracker.recorder.max_notification_id()
    response = web_app.test_client().post("/api/plans", data=HUGE_DAYS.encode(),
                                          headers=bearer(api_token(web_app, "admin")),
                                          content_type="application/yaml")
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["line"] == 5
    assert services_of(web_app).tracker.recorder.max_notification_id() == before
    path = tmp_path / "huge.yaml"
    path.write_text(HUGE_DAYS, encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--instance",
                                       str(tmp_path), "import", str(path)])
    assert result.exit_code == 2 and "line 5" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_file_over_2_mb_is_refused_before_it_is_read() -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_file(b"#" * (2 * 1024 * 1024 + 1))
    assert "larger than 2 MB" in info.value.problems[0].message


def test_the_api_imports_a_task_sheet_and_names_sheet_row_and_column_of_problems(
        web_app: Flask) -> None:  # noqa: F811
    from tasksheets import ROWS, task_sheet

    seed(web_app)
    client, headers = web_app.test_client(), bearer(api_token(web_app, "admin"))
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = [list(r) for r in ROWS]
    rows[1][6] = "尽快"
    before = services_of(web_app).tracker.recorder.max_notification_id()
    refused = client.post("/api/plans", data=task_sheet(rows), headers=headers,
                          content_type=xlsx)
    assert refused.status_code == 422
    assert refused.get_json()["problems"][0] | {"message": ""} == {
        "line": 4, "sheet": "任务分解", "row": 4, "column": "G（完成时限）", "message": ""}
    assert services_of(web_app).tracker.recorder.max_notification_id() == before
    done = client.post("/api/plans?update_directory=false", data=task_sheet(), headers=headers,
                       content_type=xlsx)
    assert done.status_code == 201 and done.get_json()["plan"] == "city2026"
