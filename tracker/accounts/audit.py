"""Sign-in facts in the event store, so they reach the audit trail and its export.

Each account has an aggregate whose events are appended without replaying it (nothing is
decided from them): ``Account.SignedIn``, ``Account.SignInFailed``, ``Account.Locked``,
``Account.PasswordChanged`` and so on, each with the actor (the account's person, or
``user:<login>``) and the client's address.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from tracker.domain.base import NAMESPACE

log = logging.getLogger("tracker.auth")
ATTEMPTS = 5


def account_id(login: str) -> UUID:
    """The id of the account aggregate of this login."""
    return uuid5(NAMESPACE, f"account:{login}")


class Account(Aggregate):
    """An account's history of sign-ins and credential changes (appended, never replayed)."""

    class SignedIn(Aggregate.Event):
        actor: str
        login: str
        client: str

    class SignInFailed(Aggregate.Event):
        actor: str
        login: str
        client: str

    class Locked(Aggregate.Event):
        actor: str
        login: str
        client: str
        seconds: int

    class PasswordChanged(Aggregate.Event):
        actor: str
        login: str
        by: str

    class TokenIssued(Aggregate.Event):
        actor: str
        login: str
        token: int

    class TokenRevoked(Aggregate.Event):
        actor: str
        login: str
        token: int

    class Disabled(Aggregate.Event):
        actor: str
        login: str

    class Enabled(Aggregate.Event):
        actor: str
        login: str


def record(app: Application[Any], kind: type[Aggregate.Event], actor: str, login: str,
           **fields: Any) -> int | None:
    """Append one account event; its notification id (None if the store would not take it)."""
    originator = account_id(login)
    for _ in range(ATTEMPTS):
        last = app.recorder.select_events(originator, desc=True, limit=1)
        version = last[0].originator_version + 1 if last else 1
        event = kind(originator_id=originator, originator_version=version,  # type: ignore[call-arg]
                     timestamp=kind.create_timestamp(), actor=actor, login=login, **fields)
        try:
            recordings = app.save(event)
        except IntegrityError:  # another process appended first: take the next version
            continue
        return recordings[-1].notification.id if recordings else None
    log.error("could not record %s for %s", kind.__name__, login)
    return None
