"""Domain errors: each carries a stable code, an English message template and its parameters.

The template is marked with ``N_`` so the web layer can translate it; ``str(error)`` is the
English text with parameters filled in.
"""

from __future__ import annotations

from typing import Any


def N_(msgid: str) -> str:
    """Mark a message for translation without translating it here."""
    return msgid


class TrackerError(Exception):
    """Base class of every error a user can cause and act on."""

    code = "invalid"
    status = 422

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)

    @property
    def message(self) -> str:
        return str(self)


class ValidationError(TrackerError):
    """A value is not acceptable (empty title, percent of 140, date outside the plan)."""

    code = "invalid"


class UnknownReferenceError(ValidationError):
    """A key names a person, unit, phase, goal or item that does not exist."""

    code = "unknown_reference"


class IllegalStateError(TrackerError):
    """The command is not allowed in the item's current state."""

    code = "illegal_state"
    status = 409


class NotFoundError(TrackerError):
    """No aggregate with that id or key."""

    code = "not_found"
    status = 404


class PermissionDeniedError(TrackerError):
    """The actor may not do this."""

    code = "forbidden"
    status = 403


class ConflictError(TrackerError):
    """The aggregate changed since the caller read it (stale expected_version or a lost race)."""

    code = "conflict"
    status = 409

    def __init__(self, current_version: int | None, msgid: str | None = None) -> None:
        self.current_version = current_version
        super().__init__(
            msgid or N_("This was changed by someone else (now at version %(version)s)."),
            version=current_version,
        )
