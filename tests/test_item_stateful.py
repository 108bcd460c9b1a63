"""A hypothesis state machine over item commands through the application (on SQLite)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tracker.application import TrackerApplication
from tracker.domain import STATUSES
from tracker.errors import TrackerError
from tracker.permissions import SYSTEM, Actor

PEOPLE = ("owner", "leader", "other")
OWNER, LEADER = Actor("owner", "member"), Actor("leader", "leader")
ACTORS = st.sampled_from(
    [
        OWNER,
        LEADER,
        OWNER,
        LEADER,
        Actor("other", "member"),
        Actor("viewer", "viewer"),
        Actor(None, "admin", "root"),
    ]
)
TEXT = st.one_of(st.text(min_size=1, max_size=12).filter(str.strip), st.just(""))
DAYS = st.integers(min_value=-150, max_value=150)
START = date(2012, 3, 20)


def arguments(command: str) -> st.SearchStrategy[dict]:
    """Plausible and implausible arguments for each command."""
    day = DAYS.map(lambda d: (START + timedelta(days=200 + d)).isoformat())
    table: dict[str, st.SearchStrategy[dict]] = {
        "start": st.just({}),
        "report": st.fixed_dictionaries(
            {"note": TEXT}, optional={"percent": st.integers(-20, 150), "on": day}
        ),
        "comment": st.fixed_dictionaries({"text": TEXT}),
        "chase": st.fixed_dictionaries({"note": TEXT}),
        "request-extension": st.fixed_dictionaries({"new_due": day, "reason": TEXT}),
        "decide-extension": st.fixed_dictionaries({"grant": st.booleans(), "note": TEXT}),
        "reassign": st.fixed_dictionaries(
            {"owner": st.sampled_from(PEOPLE + ("ghost",)), "reason": TEXT}
        ),
        "units": st.fixed_dictionaries(
            {
                "lead_unit": st.sampled_from(["u1", "u2", "zz"]),
                "units": st.lists(st.sampled_from(["u1", "u2"]), max_size=2),
            }
        ),
        "reschedule": st.fixed_dictionaries({"due": day, "reason": TEXT}),
        "submit": st.fixed_dictionaries({"outcome": TEXT}, optional={"on": day}),
        "accept": st.fixed_dictionaries({"note": TEXT}),
        "return": st.fixed_dictionaries({"reason": TEXT}),
        "cancel": st.fixed_dictionaries({"reason": TEXT}),
        "reopen": st.fixed_dictionaries({"reason": TEXT}),
        "edit": st.fixed_dictionaries({}, optional={"title": TEXT, "description": TEXT}),
    }
    return table[command]


COMMAND = st.sampled_from(
    [
        "start",
        "report",
        "comment",
        "chase",
        "request-extension",
        "decide-extension",
        "reassign",
        "units",
        "reschedule",
        "submit",
        "accept",
        "return",
        "cancel",
        "reopen",
        "edit",
    ]
).flatmap(lambda c: st.tuples(st.just(c), arguments(c)))


class ItemMachine(RuleBasedStateMachine):
    """Random commands by random actors; refused ones must store nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.app = TrackerApplication(
            env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"}
        )
        self.app.create_plan(SYSTEM, key="p", title="Plan", starts=START, ends=date(2012, 12, 31))
        for key in PEOPLE:
            self.app.add_person(SYSTEM, key, key, "deputy" if key == "leader" else "member")
        self.app.set_leadership(SYSTEM, "p", {"leader": "deputy"})
        self.app.add_unit(SYSTEM, "u1", "U1")
        self.app.add_unit(SYSTEM, "u2", "U2")
        self.item_id = self.app.create_item(
            SYSTEM, "p", title="t", owner="owner", lead_unit="u1", due=date(2012, 6, 30)
        ).id
        self.refused = 0

    @rule(command=COMMAND, actor=ACTORS, stale=st.integers(0, 7).map(lambda n: n == 0))
    def run_command(self, command: tuple[str, dict], actor: Actor, stale: bool) -> None:
        name, args = command
        before = self.app.recorder.max_notification_id()
        version = self.app.get_item(self.item_id).version
        try:
            self.app.execute(self.item_id, name, actor, version - 1 if stale else version, **args)
        except TrackerError:
            self.refused += 1
            assert self.app.recorder.max_notification_id() == before, "a refused command stored"
            assert self.app.get_item(self.item_id).version == version

    @invariant()
    def item_is_consistent(self) -> None:
        item = self.app.get_item(self.item_id)
        assert item.status in STATUSES
        assert item.percent is None or 0 <= item.percent <= 100
        assert item.returns >= 0 and item.chases >= 0
        if item.status == "submitted":
            assert item.completion is not None
        if item.status in ("todo", "doing"):
            assert item.completion is None
        assert item.pending_extension is None or item.status in ("todo", "doing", "submitted")
        assert START <= item.due <= date(2012, 12, 31)

    @invariant()
    def rebuilt_from_stored_events_equals_live(self) -> None:
        live = self.app.get_item(self.item_id)
        events = self.app.events.get(self.item_id)
        rebuilt = None
        for event in events:
            rebuilt = event.mutate(rebuilt)
        assert rebuilt is not None and rebuilt.__dict__ == live.__dict__

    def teardown(self) -> None:
        self.app.close()


ItemMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_item_commands_keep_invariants = ItemMachine.TestCase
