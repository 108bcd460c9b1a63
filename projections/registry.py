"""Every projection the engine runs, in the order they are caught up."""

from __future__ import annotations

from projections import (
    audit_projection,
    board_projection,
    directory,
    grades,
    inbox,
    ledger_projection,
    nominations,
    versions,
)
from projections.base import Projection

PROJECTIONS: tuple[Projection, ...] = (
    directory.PROJECTION,
    board_projection.PROJECTION,
    audit_projection.PROJECTION,
    ledger_projection.PROJECTION,
    grades.PROJECTION,
    nominations.PROJECTION,
    versions.PROJECTION,
    inbox.PROJECTION,
)
BY_NAME: dict[str, Projection] = {p.name: p for p in PROJECTIONS}
