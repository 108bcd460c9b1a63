"""Unit grading 分类定级: criteria, weights, combined score and grade thresholds."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.errors import N_, IllegalStateError, ValidationError

# 领导班子好、党员队伍好、工作机制好、工作业绩好、群众反映好
CRITERIA = ("leadership", "membership", "mechanisms", "results", "reputation")
DEFAULT_WEIGHTS = {"self": 40, "superior": 60}
# From the lowest to the highest: a move to a later grade is a move up 晋位升级.
GRADES = ("lagging", "average", "good", "advanced")
# The lowest combined score of each grade above lagging (a plan may set its own).
DEFAULT_THRESHOLDS = {"advanced": 90.0, "good": 75.0, "average": 60.0}
THRESHOLD_GRADES = ("advanced", "good", "average")


CRITERION_LABELS = {"leadership": N_("Leadership team"), "membership": N_("Membership"),
                    "mechanisms": N_("Working mechanisms"), "results": N_("Results"),
                    "reputation": N_("Reputation")}


class ScoreOutOfRangeError(ValidationError):
    """A criterion's score is not a number from 0 to 100."""

    code = "score_out_of_range"



def _score(value: object) -> float | None:
    """A score from 0 to 100 (a number, or text that reads as one), else None."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        return None
    return float(value)

def check_scores(scores: object, field: str) -> dict[str, float]:
    """Every criterion scored 0–100, no unknown criterion; refuse anything else with a message."""
    if not isinstance(scores, Mapping):
        raise ValidationError(N_("The %(field)s must give a score for each criterion."),
                              field=field)
    unknown = sorted(set(scores) - set(CRITERIA))
    if unknown:
        raise ValidationError(N_("Unknown criterion %(key)s (use %(criteria)s)."),
                              field=field, key=unknown[0], criteria=CRITERIA)
    out: dict[str, float] = {}
    for criterion in CRITERIA:
        value = scores.get(criterion)
        if value is None:
            raise ValidationError(N_("%(field)s: no score given."),
                                  field=f"{field}.{criterion}")
        value = _score(value)
        if value is None:
            raise ScoreOutOfRangeError(
                N_("%(field)s: the score must be from 0 to 100 (got %(value)s)."),
                field=f"{field}.{criterion}", value=scores.get(criterion))
        out[criterion] = float(value)
    return out


def check_weights(weights: object | None) -> dict[str, int]:
    """Self and superior weights as whole percents adding up to 100 (default 40 / 60)."""
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping) or set(weights) != set(DEFAULT_WEIGHTS):
        raise ValidationError(N_("The weights must name self and superior."), field="weights")
    out = {}
    for key in DEFAULT_WEIGHTS:
        value = weights[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ValidationError(N_("A weight must be a whole percent from 0 to 100."),
                                  field=f"weights.{key}")
        out[key] = value
    if sum(out.values()) != 100:
        raise ValidationError(N_("The self and superior weights must add up to 100."),
                              field="weights.superior")
    return out


def check_thresholds(thresholds: object | None) -> dict[str, float]:
    """The lowest scores of advanced, good and average: numbers 0–100, each above the next."""
    if thresholds is None:
        return dict(DEFAULT_THRESHOLDS)
    if not isinstance(thresholds, Mapping) or set(thresholds) != set(THRESHOLD_GRADES):
        raise ValidationError(N_("The thresholds must name advanced, good and average."),
                              field="thresholds")
    out: dict[str, float] = {}
    for key in THRESHOLD_GRADES:
        value = _score(thresholds[key])
        if value is None:
            raise ValidationError(N_("A threshold must be a score from 0 to 100."),
                                  field=f"thresholds.{key}")
        out[key] = float(value)
    for higher, lower in zip(THRESHOLD_GRADES, THRESHOLD_GRADES[1:], strict=False):
        if out[lower] >= out[higher]:
            raise ValidationError(
                N_("Each grade's threshold must be below the one of the grade above it."),
                field=f"thresholds.{lower}")
    return out


def combined_score(self_scores: Mapping[str, float], superior_scores: Mapping[str, float],
                   weights: Mapping[str, int]) -> float:
    """The weighted score of each criterion, averaged over the criteria (two decimals)."""
    per = [(weights["self"] * self_scores[c] + weights["superior"] * superior_scores[c]) / 100
           for c in CRITERIA]
    return round(sum(per) / len(per), 2)


def grade_of(score: float, thresholds: Mapping[str, float] | None = None) -> str:
    """By default ≥ 90 advanced, 75–89 good, 60–74 average, below 60 lagging."""
    floors = thresholds or DEFAULT_THRESHOLDS
    return next((grade for grade in THRESHOLD_GRADES if score >= floors[grade]), "lagging")


def rank(grade: str) -> int:
    """The grade's place from lagging (0) to advanced (3)."""
    return GRADES.index(grade)


# 评选推荐: an advanced unit 先进党支部 or an outstanding member 优秀党员, nominated for a plan.
NOMINATION_KINDS = ("unit", "person")


class DuplicateNominationError(IllegalStateError):
    """The unit or person is already nominated for the plan."""

    code = "duplicate_nomination"


class NotNominatedError(IllegalStateError):
    """There is no standing nomination to withdraw."""

    code = "not_nominated"


def check_kind(kind: object) -> str:
    """A nomination is of a unit or of a person."""
    if kind not in NOMINATION_KINDS:
        raise ValidationError(N_("Unknown nomination kind %(kind)s (use unit or person)."),
                              kind=kind, field="kind")
    return str(kind)


def parse_scores(text: object, field: str) -> dict[str, object]:
    """'80,85,90,75,88' → a score per criterion, in the order of CRITERIA (checked later)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(N_("The %(field)s must give a score for each criterion."),
                              field=field)
    parts = [p.strip() for p in text.replace("，", ",").split(",")]
    if len(parts) != len(CRITERIA):
        raise ValidationError(
            N_("The %(field)s needs %(n)s scores separated by commas (%(criteria)s)."),
            field=field, n=len(CRITERIA), criteria=CRITERIA)
    return dict(zip(CRITERIA, parts, strict=True))
