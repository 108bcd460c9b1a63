"""Domain errors name fields by id and carry values; every reader sees the field's label and
the message in their language, with no English word inside a Chinese message."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from webfixtures import *  # noqa: F403
from webfixtures import api_token, bearer

from tracker.cli import main
from tracker.domain import WorkItem
from tracker.errors import TrackerError, ValidationError
from tracker.grading import check_scores
from tracker.messages import render

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PERIOD = (date(2012, 3, 20), date(2012, 12, 31))


def refusal(action: object) -> TrackerError:
    with pytest.raises(TrackerError) as caught:
        action()  # type: ignore[operator]
    return caught.value


def chinese() -> object:
    from babel.support import Translations

    from tracker.cli import CATALOGUES
    return Translations.load(str(CATALOGUES), ["zh_Hans_CN"]).gettext


def test_errors_name_fields_by_id_and_carry_their_values() -> None:
    item = WorkItem.create(actor="a", plan_key="p", period=PERIOD, key="k", title="t",
                           owner="o", lead_unit="u", due=date(2012, 6, 30))
    error = refusal(lambda: item.request_extension(actor="o", new_due=date(2013, 1, 1),
                                                   reason="r", period=PERIOD))
    assert error.params["field"] == "new_due" and error.params["date"] == "2013-01-01"
    assert refusal(lambda: item.cancel(actor="a", reason=" ")).params["field"] == "reason"
    scores = {"leadership": 101, "membership": 1, "mechanisms": 1, "results": 1,
              "reputation": 1}
    error = refusal(lambda: check_scores(scores, "scores.self"))
    assert error.params == {"field": "scores.self.leadership", "value": 101}


@pytest.mark.parametrize("error", [
    ValidationError("The %(field)s must not be empty.", field="title"),
    ValidationError("The %(field)s must not be empty.", field="reason"),
    ValidationError("The %(field)s %(date)s is outside the plan period %(starts)s to %(ends)s.",
                    field="new_due", date="2028-01-01", starts="2012-01-01", ends="2012-12-31"),
    ValidationError("%(field)s: the score must be from 0 to 100 (got %(value)s).",
                    field="scores.self.leadership", value=101),
    ValidationError("Unknown criterion %(key)s (use %(criteria)s).", field="scores.self",
                    key="x", criteria=("leadership", "membership", "mechanisms", "results",
                                       "reputation")),
])
def test_a_chinese_reader_sees_no_english_word(error: TrackerError) -> None:
    text = render(error, chinese())  # type: ignore[arg-type]
    assert LATIN_WORD.findall(text.replace("%", "")) in ([], ["x"]), text


def test_the_api_answers_in_the_clients_language_with_the_field_label(
        seeded_app: Flask) -> None:
    from boardfixtures import iid
    client = seeded_app.test_client()
    headers = {**bearer(api_token(seeded_app, "leader")), "Accept-Language": "zh-CN"}
    response = client.post(f"/api/items/{iid('mine')}/cancel", json={"reason": "  "},
                           headers=headers)
    assert response.status_code == 422
    assert "理由" in response.get_json()["message"]
    assert LATIN_WORD.findall(response.get_json()["message"]) == []


def test_the_cli_prints_the_message_in_the_readers_language(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init"]).exit_code == 0
    args = ["--db", db, "units", "assess", "nowhere", "--plan", "p", "--label", "2012",
            "--self", "1,2,3", "--superior", "1,2,3,4,5"]
    zh = runner.invoke(main, args, env={"TRACKER_LANGUAGE": "zh_CN"})
    en = runner.invoke(main, args, env={"TRACKER_LANGUAGE": "en"})
    assert zh.exit_code == en.exit_code == 2
    assert "自评" in zh.stderr and LATIN_WORD.findall(zh.stderr) == []
    assert "Self-assessment" in en.stderr
