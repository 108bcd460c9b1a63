"""An item command's route does not ask whether the read models stand behind the store before
it runs (its own sync brings them up, catching up first when they do): what another process
wrote (the CLI, another web process) still shows in the command's answer, in a refusal and in
the conflict view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from boardfixtures import iid, run, sign_in
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import services_of

from tracker.application import TrackerApplication
from tracker.permissions import Actor
from tracker.runtime import build_application

OWNER = Actor("owner", "member")


@pytest.fixture
def elsewhere(seeded_app: Flask) -> Iterator[TrackerApplication]:
    """Another process's application on the same store (as `tracker` on the command line)."""
    other = build_application(services_of(seeded_app).settings, create_table=False)
    yield other
    other.close()


def stored_version(app: Flask, key: str) -> int:
    """The item's version in the event store (the read models may not know it yet)."""
    return int(services_of(app).tracker.get_item(iid(key)).version)


def test_a_command_answers_with_what_another_process_wrote_before_it(
        seeded_app: Flask, client: FlaskClient, elsewhere: TrackerApplication) -> None:
    token = sign_in(client, "member")
    elsewhere.execute(iid("mine"), "report", OWNER, note="命令行报的进展", percent=30)
    html = run(client, token, "mine", "comment", version=stored_version(seeded_app, "mine"),
               text="网页上的评论").get_data(as_text=True)
    assert '<progress max="100" value="30">' in html and "网页上的评论" in html


def test_a_refusal_shows_what_another_process_wrote(
        seeded_app: Flask, client: FlaskClient, elsewhere: TrackerApplication) -> None:
    token = sign_in(client, "member")
    elsewhere.execute(iid("mine"), "report", OWNER, note="命令行报的进展", percent=30)
    refused = run(client, token, "mine", "report", version=stored_version(seeded_app, "mine"),
                  note="", percent="101")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "命令行报的进展" in html


def test_the_conflict_view_lists_what_another_process_wrote_first(
        seeded_app: Flask, client: FlaskClient, elsewhere: TrackerApplication) -> None:
    token = sign_in(client, "member")
    rendered = stored_version(seeded_app, "mine")
    elsewhere.execute(iid("mine"), "report", OWNER, note="命令行报的进展", percent=30)
    stale = run(client, token, "mine", "comment", version=rendered, text="后到")
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'data-conflict="true"' in html
    conflict = html.split('data-conflict="true"')[1].split('id="item-head"')[0]
    assert "命令行报的进展" in conflict


def test_a_column_limit_counts_what_another_process_moved_into_the_column(
        seeded_app: Flask, client: FlaskClient, elsewhere: TrackerApplication) -> None:
    svc = services_of(seeded_app)
    svc.sync(svc.tracker.set_wip_limits(Actor("director", "admin"), "web", limits={"doing": 1},
                                        enforced=True))
    token = sign_in(client, "member")
    elsewhere.execute(iid("theirs"), "start", Actor("other", "member"))
    refused = run(client, token, "mine", "start", version=stored_version(seeded_app, "mine"))
    assert refused.status_code == 409
    assert "column is full: it holds 1 items" in refused.get_data(as_text=True)
    assert str(svc.tracker.get_item(iid("mine")).status) == "todo"
