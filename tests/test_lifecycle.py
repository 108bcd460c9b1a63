"""The lifecycle table reaches every layer: each command and each event has its UI action,
board move, label, description, permission, API route, OpenAPI path and both translations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from test_api_commands import CASES, fresh_item
from webfixtures import *  # noqa: F403
from webfixtures import csrf_token, login, services_of

from projections.board_projection import to_state
from tracker.domain import WorkItem
from tracker.domain.lifecycle import (
    ANSWERABLE,
    BADGES,
    COMMANDS,
    EVENTS,
    LEDGER_COUNTERS,
    RULES,
    Party,
    moves,
)
from tracker.domain.state import ItemState
from tracker.domain.status import STATUS_LABELS, Status
from tracker.permissions import ADMIN_ONLY, LEADER_COMMANDS, OWNER_COMMANDS, Actor
from web.api.openapi import build_spec
from web.items.forms import available
from web.labels import event_label

ROOT = Path(__file__).resolve().parents[1]
LEADER = Actor("chief", "leader", "leader")
OWNER = Actor("owner", "member", "member")


def catalogue(locale: str) -> dict[str, str]:
    po = ROOT / "web" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fp:
        return {str(m.id): str(m.string) for m in read_po(fp) if m.id and m.string}


def item_events() -> set[type]:
    """Every event class nested in WorkItem."""
    return {v for v in vars(WorkItem).values()
            if isinstance(v, type) and issubclass(v, WorkItem.Event | WorkItem.Created)
            and v is not WorkItem.Event}


def texts() -> list[str]:
    out = [*STATUS_LABELS.values()]
    for rule in RULES.values():
        out.append(rule.label)
    for info in EVENTS.values():
        out += [info.done, info.sentence] + ([info.undo] if info.undo else [])
    return out + list(LEDGER_COUNTERS.values()) + [b.text for b in BADGES]


def test_every_item_event_has_an_entry_and_every_recorded_event_is_known() -> None:
    assert item_events() == set(EVENTS)
    for rule in RULES.values():
        assert rule.records and all(e in EVENTS for e in rule.records), rule.name


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_every_label_and_description_is_in_the_catalogue(locale: str) -> None:
    translated = catalogue(locale)
    missing = [t for t in texts() if t not in translated]
    assert missing == []


def test_every_counter_badge_and_answerable_field_names_something_real() -> None:
    state_fields = set(ItemState.__dataclass_fields__)
    for info in EVENTS.values():
        for kind, person_field in info.counts:
            assert kind in LEDGER_COUNTERS, kind
            assert person_field is None or person_field in info.event.__annotations__, kind
    assert {b.field for b in BADGES} <= state_fields
    assert set(ANSWERABLE) <= state_fields


def test_every_command_has_a_permission() -> None:
    for name, rule in RULES.items():
        granted = {Party.OWNER: name in OWNER_COMMANDS, Party.ADMIN: name in ADMIN_ONLY}
        for party in (Party.LEADER, Party.SUPERVISOR, Party.REVIEWER):
            granted[party] = name in LEADER_COMMANDS
        assert all(granted[p] for p in rule.parties), name


def card_where(rule_name: str) -> dict[str, object]:
    """A card (owned by `owner`) in a state the command may start from."""
    rule = RULES[rule_name]
    state = ItemState(plan_key="p", key="k", title="t", owner="owner", lead_unit="u",
                      status=sorted(rule.starts)[0], due=ItemState().due.replace(year=2012),
                      original_due=ItemState().due.replace(year=2012))
    if not rule.when(state):
        state = replace(state, pending_extension={"new_due": state.due, "reason": "r",
                                                  "by": "owner"})
    if not rule.when(state):  # a change of the deliverable waiting for a decision
        state = replace(state, pending_extension=None, pending_deliverable={
            "deliverable": "d", "reason": "r", "by": "owner"})
    if not rule.when(state):  # milestone and notice commands need an open one
        state = replace(state, pending_extension=None, milestones=[
            {"key": "1", "title": "m", "due": state.due, "deliverable": "", "done_on": None}],
            notices=[{"requirement": "r", "reply_by": state.due, "by": "chief",
                      "issued_on": state.due, "acknowledged_on": None,
                      "answered_on": None, "reply": None}])
    card = {"id": "x", "extension_pending": state.pending_extension is not None,
            "pending_due": state.pending_extension and state.pending_extension["new_due"],
            **{k: getattr(state, k) for k in ItemState.__dataclass_fields__}}
    card["status"] = str(state.status)
    card["facts"] = {"pending_deliverable": state.pending_deliverable}  # as the card keeps it
    assert to_state(card).status == state.status
    return card


def test_every_form_command_is_offered_on_the_item_page_to_someone() -> None:
    for name in COMMANDS:
        if name in ("edit", "undo"):  # inline edits and the undo offer have their own controls
            continue
        card = card_where(name)
        roles = {"chief": "group_leader"}  # the plan's roles: chief leads it
        assert name in available(LEADER, card, roles) + available(OWNER, card, roles), name


def test_every_status_changing_command_is_a_board_move_and_every_move_a_command() -> None:
    board = moves()
    for rule in COMMANDS.values():
        if rule.leads_to is not None:
            assert {start for (start, _to), r in board.items() if r is rule} == \
                set(rule.starts) - {rule.leads_to}, rule.name
    assert all(r.leads_to == to and start in r.starts for (start, to), r in board.items())


def test_every_form_command_is_an_api_route_and_an_openapi_operation(seeded_app: Flask) -> None:
    rules = {str(r.rule) for r in seeded_app.url_map.iter_rules()}
    with seeded_app.test_request_context():
        paths = build_spec()["paths"]
    for name in COMMANDS:
        assert f"/api/items/<item_id>/{name}" in rules, name
        assert "post" in paths[f"/api/items/{{item_id}}/{name}"], name
        assert "/items/<item_id>/commands/<command>" in rules


def test_every_event_reads_as_a_sentence_in_both_languages(seeded_app: Flask) -> None:
    for locale in ("zh_Hans_CN", "en"):
        with seeded_app.test_request_context(headers={"Accept-Language": locale[:2]}):
            for event in EVENTS:
                assert event_label(event.__name__) != event.__name__


@pytest.mark.parametrize("command", list(CASES))
def test_each_api_command_through_the_item_form_answers_without_error_and_shows_its_change(
        seeded_app: Flask, client: FlaskClient, command: str) -> None:
    svc = services_of(seeded_app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "leader")
    prepare, values = CASES[command]
    item_id = fresh_item(svc, f"form-{command}")
    prepare(svc, item_id)
    before = svc.queries.get_card(item_id)
    token = csrf_token(client, f"/items/{item_id}")
    form = {k: ("true" if v is True else v) for k, v in values.items()}
    response = client.post(f"/items/{item_id}/commands/{command}",
                           data={**form, "csrf_token": token,
                                 "expected_version": before["version"]})
    assert response.status_code < 500
    after = svc.queries.get_card(item_id)
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    if response.status_code >= 400:  # refused (a leader does not submit for the owner): nothing
        assert after["version"] == before["version"]
        return
    assert response.status_code in (200, 302, 303)
    latest = svc.queries.history(item_id)[-1]
    assert after["version"] == before["version"] + 1
    assert event_label_in_english(latest["event_type"]) in page
    assert STATUS_LABELS[Status(after["status"])] in page
    rule = COMMANDS[command]
    for field in rule.fields:
        if field.type == "text" and values.get(field.name):
            assert values[field.name] in page, (command, field.name)


def event_label_in_english(name: str) -> str:
    return next(info.done for e, info in EVENTS.items() if e.__name__ == name)
