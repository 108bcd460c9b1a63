"""Unit grading 分类定级: scores, weights, thresholds, grade history and movement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from projections.engine import ReadModels
from projections.grades import movement, unit_grades
from tracker.application import TrackerApplication
from tracker.domain import Unit
from tracker.errors import PermissionDeniedError, ValidationError
from tracker.grading import CRITERIA, ScoreOutOfRangeError, combined_score, grade_of
from tracker.permissions import SYSTEM, Actor
from tracker.storage import Store


def scores(value: float, **overrides: float) -> dict[str, float]:
    return {**dict.fromkeys(CRITERIA, value), **overrides}


@pytest.mark.parametrize(("score", "grade"), [
    (100, "advanced"), (90, "advanced"), (89.99, "good"), (75, "good"), (74.5, "average"),
    (60, "average"), (59.99, "lagging"), (0, "lagging"),
])
def test_thresholds_give_the_four_grades(score: float, grade: str) -> None:
    assert grade_of(score) == grade


def test_default_weights_are_forty_self_sixty_superior() -> None:
    assert combined_score(scores(100), scores(50), {"self": 40, "superior": 60}) == 70.0


def test_score_outside_0_to_100_is_refused_with_a_message() -> None:
    unit = Unit.create(actor="a", key="u1", name="Unit")
    with pytest.raises(ScoreOutOfRangeError) as err:
        unit.assess(actor="a", plan_key="p", label="H1", on=date(2012, 6, 30),
                    self_scores=scores(80, results=140), superior_scores=scores(80))
    assert "results" in str(err.value) and "0 to 100" in str(err.value)
    assert isinstance(err.value, ValidationError)
    assert len(unit.pending_events) == 1  # only Created: nothing about the assessment


def test_a_missing_criterion_or_bad_weights_are_refused() -> None:
    unit = Unit.create(actor="a", key="u1", name="Unit")
    partial = scores(80)
    del partial["reputation"]
    with pytest.raises(ValidationError):
        unit.assess(actor="a", plan_key="p", label="H1", on=date(2012, 6, 30),
                    self_scores=partial, superior_scores=scores(80))
    with pytest.raises(ValidationError):
        unit.assess(actor="a", plan_key="p", label="H1", on=date(2012, 6, 30),
                    self_scores=scores(80), superior_scores=scores(80),
                    weights={"self": 50, "superior": 60})


@pytest.fixture
def graded(app: TrackerApplication,
           store: Store) -> Iterator[tuple[TrackerApplication, ReadModels]]:
    app.create_plan(SYSTEM, key="p", title="Plan", starts=date(2012, 3, 20),
                    ends=date(2012, 12, 31), goals=[], phases=[])
    app.add_unit(SYSTEM, "u1", "Unit 1")
    app.add_unit(SYSTEM, "u2", "Unit 2")
    rm = ReadModels(app, store)
    rm.create_tables()
    yield app, rm
    rm.close()


def test_assessment_sequence_average_to_good_shows_in_the_movement_report(
        graded: tuple[TrackerApplication, ReadModels]) -> None:
    app, rm = graded
    app.assess_unit(SYSTEM, "u1", "p", label="2012 first half", self_scores=scores(70),
                    superior_scores=scores(65), on=date(2012, 6, 30))
    app.assess_unit(SYSTEM, "u1", "p", label="2012 second half", self_scores=scores(85),
                    superior_scores=scores(80), on=date(2012, 12, 20))
    app.assess_unit(SYSTEM, "u2", "p", label="2012 first half", self_scores=scores(95),
                    superior_scores=scores(92), on=date(2012, 6, 30))
    app.assess_unit(SYSTEM, "u2", "p", label="2012 second half", self_scores=scores(95),
                    superior_scores=scores(70), on=date(2012, 12, 20))
    rm.catch_up()
    history = unit_grades(rm.engine, "u1")
    assert [(h["label"], h["score"], h["grade"]) for h in history] == [
        ("2012 first half", 67.0, "average"), ("2012 second half", 82.0, "good")]
    moves = movement(rm.engine, "p")
    assert [(m["unit"], m["direction"], m["from_grade"], m["to_grade"], m["from_label"],
             m["to_label"]) for m in moves] == [
        ("u1", "up", "average", "good", "2012 first half", "2012 second half"),
        ("u2", "down", "advanced", "good", "2012 first half", "2012 second half")]


def test_weights_are_stored_with_the_assessment(
        graded: tuple[TrackerApplication, ReadModels]) -> None:
    app, rm = graded
    app.assess_unit(SYSTEM, "u1", "p", label="H1", self_scores=scores(100),
                    superior_scores=scores(50), weights={"self": 20, "superior": 80})
    rm.catch_up()
    (row,) = unit_grades(rm.engine, "u1")
    assert (row["weights"], row["score"], row["grade"]) == (
        {"self": 20, "superior": 80}, 60.0, "average")


def test_refused_score_stores_nothing_and_only_admins_assess(
        graded: tuple[TrackerApplication, ReadModels]) -> None:
    app, rm = graded
    before = app.recorder.max_notification_id()
    with pytest.raises(ScoreOutOfRangeError):
        app.assess_unit(SYSTEM, "u1", "p", label="H1", self_scores=scores(140),
                        superior_scores=scores(80))
    with pytest.raises(PermissionDeniedError):
        app.assess_unit(Actor("chief", "leader"), "u1", "p", label="H1",
                        self_scores=scores(80), superior_scores=scores(80))
    assert app.recorder.max_notification_id() == before
    rm.rebuild()
    assert unit_grades(rm.engine, "u1") == []
