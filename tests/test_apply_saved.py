"""The command path: a command's saved events applied to every read model in one transaction.

On both stores: the envelopes made from the saved events equal those decoded from the store;
applying them gives the rows a replay gives; another writer's events in between send the
command path to a catch-up; two processes' commands at once leave every projection as a
rebuild would; a web process needs no projection process to show its own writes.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from projections_fixtures import *  # noqa: F403
from projections_fixtures import drive, load_demo, snapshot_tables
from webfixtures import PLAN_KEY, api_token, bearer, make_web_app, seed, services_of

from projections import ReadModels
from projections.events import decode, envelope
from tracker.application import Result, TrackerApplication
from tracker.errors import ConflictError
from tracker.permissions import SYSTEM
from tracker.storage import parse_database_url


def applying(app: TrackerApplication, rm: ReadModels, direct: list[bool]) -> None:
    """Make every save of the application apply its events at once (as Services.sync does)."""
    commit = app._commit

    def commit_and_apply(*aggregates: Any) -> Result:
        result = commit(*aggregates)
        direct.append(rm.apply_saved(result.recordings))
        return result

    app._commit = commit_and_apply  # type: ignore[method-assign]


def comment(app: TrackerApplication, item: Any, text: str) -> Result:
    return app.execute(item, "comment", SYSTEM, text=text)


def test_a_saved_event_makes_the_envelope_decoding_it_makes(
        app: TrackerApplication, clock, stamped) -> None:
    saved: list[Any] = []
    commit = app._commit

    def keep(*aggregates: Any) -> Result:
        result = commit(*aggregates)
        assert result.recordings and result.recordings[-1].notification.id == \
            result.notification_id
        saved.extend(result.recordings)
        return result

    app._commit = keep  # type: ignore[method-assign]
    load_demo(app)
    drive(app, random.Random(11), 80, clock)
    stored = {n.id: n for n in app.recorder.select_notifications(1, 100_000)}
    assert [r.notification.id for r in saved] == sorted(stored)
    for recording in saved:
        built = envelope(recording.domain_event, recording.notification, app.timezone)
        assert built == decode(app, stored[built.seq], app.timezone)
        assert built.data == decode(app, stored[built.seq], app.timezone).data


def test_applying_each_commands_events_gives_the_rows_a_replay_gives(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    direct: list[bool] = []
    applying(app, read_models, direct)
    load_demo(app)
    drive(app, random.Random(20120320), 200, clock)
    assert direct and all(direct)  # nothing else wrote: every command took the direct path
    head = read_models.head()
    assert read_models.positions() == dict.fromkeys(read_models.names, head)
    live = snapshot_tables(read_models)
    assert len(live["rm_events"]) == head
    read_models.rebuild()
    assert snapshot_tables(read_models) == live


def test_events_saved_in_between_send_the_command_to_a_catch_up(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    load_demo(app)
    read_models.catch_up()
    items = app.list_item_ids()
    elsewhere = comment(app, items[0], "saved by another path, not applied")
    ours = comment(app, items[1], "ours")
    assert not read_models.apply_saved(ours.recordings)  # positions stand before `elsewhere`
    head = read_models.head()
    assert read_models.positions() == dict.fromkeys(read_models.names, head)
    # The other path's apply comes late: the projections are past it, nothing is applied twice.
    assert not read_models.apply_saved(elsewhere.recordings)
    # One projection already has the next command (the projection process got there first).
    third = comment(app, items[2], "one projection is ahead")
    read_models.catch_up(["audit"])
    assert not read_models.apply_saved(third.recordings)
    assert read_models.positions() == dict.fromkeys(read_models.names, read_models.head())
    live = snapshot_tables(read_models)
    assert len(live["rm_events"]) == read_models.head()
    read_models.rebuild()
    assert snapshot_tables(read_models) == live


def test_a_gap_in_the_notification_ids_keeps_the_direct_path(
        app: TrackerApplication, read_models: ReadModels, clock, stamped) -> None:
    """A refused save may use up an id (PostgreSQL's sequence): the store is asked what came
    before, not first id - 1."""
    load_demo(app)
    read_models.catch_up()
    item = app.list_item_ids()[0]
    first, second = app.get_item(item), app.get_item(item)
    first.comment(actor="a", text="one")
    second.comment(actor="b", text="two")
    before = app._commit(first).notification_id
    read_models.catch_up()
    with pytest.raises(ConflictError):
        app._commit(second)
    ours = comment(app, item, "after the refused save")
    assert before is not None
    gap = ours.recordings[0].notification.id - before - 1
    assert gap == (1 if read_models.store.kind == "postgres" else 0)
    assert read_models.apply_saved(ours.recordings)
    assert read_models.positions() == dict.fromkeys(read_models.names, read_models.head())


def test_two_processes_commanding_at_once_leave_the_read_models_as_a_rebuild(
        app: TrackerApplication, read_models: ReadModels, database_url: str, clock,
        stamped) -> None:
    load_demo(app)
    read_models.catch_up()
    items = app.list_item_ids()
    webs: list[tuple[TrackerApplication, ReadModels]] = []
    for _ in range(2):  # two "web processes": an application and read models each
        store = parse_database_url(database_url, create_table=False)
        web_app = TrackerApplication(env=store.es_env, timezone=ZoneInfo("Asia/Shanghai"),
                                     clock=clock)
        webs.append((web_app, ReadModels(web_app, store)))
    errors: list[BaseException] = []
    direct: list[bool] = []
    start = threading.Barrier(len(webs))

    def work(n: int, web_app: TrackerApplication, rm: ReadModels) -> None:
        rng = random.Random(n)
        try:
            start.wait()
            late: list[Result] = []  # some applies come late, as from a slow process
            for step in range(25):
                result = comment(web_app, rng.choice(items[:4]), f"进程 {n} 第 {step} 条")
                if rng.random() < 0.3:
                    late.append(result)
                    continue
                direct.append(rm.apply_saved(result.recordings))
                for stale in late:
                    direct.append(rm.apply_saved(stale.recordings))
                late.clear()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n, *web)) for n, web in enumerate(webs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for web_app, rm in webs:
        rm.close()
        web_app.close()
    assert errors == []
    assert True in direct and False in direct  # both paths were taken
    head = read_models.head()
    assert read_models.positions() == dict.fromkeys(read_models.names, head)
    live = snapshot_tables(read_models)
    stored = app.recorder.select_notifications(1, 100_000)  # ids may have gaps (conflicts)
    assert [row[0] for row in live["rm_events"]] == [n.id for n in stored]
    read_models.rebuild()
    assert snapshot_tables(read_models) == live


def test_a_web_process_shows_its_own_write_without_a_projection_process(
        database_url: str, tmp_path: Path) -> None:
    web = make_web_app(database_url, tmp_path / "instance", SYNC_PROJECTIONS=False)
    try:
        seed(web)
        svc = services_of(web)
        item = svc.tracker.get_item("mine", PLAN_KEY)
        headers = bearer(api_token(web, "member"))
        client = web.test_client()
        answer = client.post(f"/api/items/{item.id}/comment", headers=headers,
                             json={"text": "自己写的", "expected_version": item.version})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        card = client.get(f"/api/items/{item.id}", headers=headers).get_json()
        assert card["version"] == item.version + 1
        history = client.get(f"/api/items/{item.id}/history", headers=headers).get_json()
        assert history["events"][-1]["text"] == "自己写的"
    finally:
        services_of(web).close()
