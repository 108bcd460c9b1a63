"""The bench harness runs end to end at the tiny size: it prints the table and writes JSON.

It measures nothing here (figures are never asserted); `make bench` is where numbers come from.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_tiny_prints_table_and_writes_json(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "tiny", "--no-postgres", "--quiet",
         "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "bench size tiny" in done.stdout
    assert "median" in done.stdout and "ratio" in done.stdout
    data = json.loads(output.read_text("utf-8"))
    assert data["size"] == "tiny"
    names = {f["name"] for f in data["figures"]}
    assert "[sqlite] full rebuild" in names
    assert any(name.startswith("board query") for name in names)
    for figure in data["figures"]:
        assert {"median", "min", "max", "values", "unit"} <= set(figure)


def test_bench_measures_the_past_again_on_a_kept_store(tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"

    def bench(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bench", "--size", "tiny", "--only", "asof",
                               "--quiet", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=240, check=False)

    kept = bench("--keep", "--output", str(first))
    assert kept.returncode == 0, kept.stderr[-2000:]
    note = next(n for n in json.loads(first.read_text("utf-8"))["notes"] if "kept in" in n)
    store = Path(note.rsplit(" ", 1)[1])
    try:
        again = bench("--reuse", str(store), "--output", str(second))
        assert again.returncode == 0, again.stderr[-2000:]
        data = json.loads(second.read_text("utf-8"))
        assert data["meta"]["sqlite"]["reused"] is True
        names = {f["name"] for f in data["figures"]}
        assert "as-of board (effect), whole log" in names
        assert "live board, 20 items" in names
        refused = bench("--reuse", str(tmp_path / "nothing"), "--output", str(second))
        assert refused.returncode == 2 and "--reuse" in refused.stderr
    finally:
        shutil.rmtree(store, ignore_errors=True)
