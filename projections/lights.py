"""The red / yellow / green light of a card, judged at query time by the domain's rule."""

from __future__ import annotations

from tracker.domain.status import CLOSED, LIGHTS, OPEN_STATUSES, Light, light, report_missed

__all__ = ["CLOSED", "LIGHTS", "OPEN", "light", "report_missed", "worst"]

OPEN = OPEN_STATUSES
RANK: dict[str | None, int] = {None: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}


def worst(lights: list[str | None]) -> str | None:
    """The most alarming of several lights."""
    return max(lights, key=lambda value: RANK[value], default=None)
