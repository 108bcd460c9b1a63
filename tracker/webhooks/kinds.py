"""The event types a webhook may ask for: every event of every aggregate, by class."""

from __future__ import annotations

from functools import cache

from eventsourcing.domain import DomainEvent

from tracker.errors import N_, ValidationError


@cache
def event_types() -> frozenset[str]:
    """``Started`` and ``WorkItem.Started`` for every event class the aggregates define."""
    from tracker.accounts.audit import Account
    from tracker.domain import Person, Plan, Unit, WorkItem

    names: set[str] = set()
    for aggregate in (Plan, Unit, Person, WorkItem, Account):
        for name in dir(aggregate):
            value = getattr(aggregate, name)
            if name != "Event" and isinstance(value, type) and issubclass(value, DomainEvent):
                names.update((name, f"{aggregate.__name__}.{name}"))
    return frozenset(names)


def check_event_types(types: object) -> list[str]:
    """A non-empty list of known event types ("*" for all)."""
    known = event_types()
    if not isinstance(types, list) or not types or len(types) > 100 or not all(
            isinstance(t, str) for t in types):
        raise ValidationError(N_("event_types must be a list of event types such as "
                                 "\"Reassigned\", \"WorkItem.Accepted\" or \"*\"."))
    for kind in types:
        if kind != "*" and kind not in known:
            raise ValidationError(N_("There is no event type %(type)s (use names such as "
                                     "\"Reassigned\", \"WorkItem.Accepted\" or \"*\")."),
                                  type=kind[:130])
    return list(dict.fromkeys(types))
