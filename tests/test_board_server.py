"""The board's server side: counts per column and lane, column limits (shown, optionally
enforced in the domain), 协办 marks in unit lanes, saved views, and grouped boards paged per
lane without building every card."""

from __future__ import annotations

import re
from datetime import date

import pytest
from boardfixtures import BOARD, hx_get, hx_post, iid, move, sign_in
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, api_token, bearer, services_of

import projections.cards
from tracker.domain import Plan, Status
from tracker.domain.wip import WipLimitError
from tracker.errors import ValidationError
from tracker.permissions import SYSTEM

LIMITS = f"/plans/{PLAN_KEY}/board/limits"
VIEWS = f"/plans/{PLAN_KEY}/views"


def zh(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    return client


def column_head(html: str, status: str, lane: int = 0) -> str:
    """The header of one status column (of the n-th lane)."""
    sections = re.findall(r'<section class="column column-' + status + r'[^"]*".*?</div>',
                          html, re.S)
    return sections[lane]


def column_classes(html: str, status: str) -> list[str]:
    return re.findall(r'<section class="(column column-' + status + r'[^"]*)"', html)


def add_item(app: Flask, key: str, lead: str = "u1", units: list[str] | None = None,
             owner: str = "owner", due: date = date(2012, 9, 30)) -> None:
    svc = services_of(app)
    result = svc.tracker.create_item(SYSTEM, PLAN_KEY, key=key, title=f"事项{key}", owner=owner,
                                     lead_unit=lead, units=units or [], due=due, phase="P1")
    svc.sync(result.notification_id)


def set_limits(client: FlaskClient, token: str, **fields: str) -> tuple[int, str]:
    response = client.post(LIMITS, data={"csrf_token": token, **fields})
    return response.status_code, response.get_data(as_text=True)


def lanes_of(html: str) -> list[tuple[str, str]]:
    """(lane title, lane count) in order."""
    return re.findall(r'<h2 class="lane-title"[^>]*>([^<]+?) <span class="count lane-count"'
                      r'[^>]*>(\d+)</span>', html)


# -- counts -------------------------------------------------------------------------------------

def test_columns_and_lanes_show_their_counts_in_both_languages(client: FlaskClient) -> None:
    sign_in(client, "member")
    html = client.get(BOARD).get_data(as_text=True)
    assert re.search(r'aria-label="3 items">3</span>', column_head(html, "todo"))
    assert re.search(r'aria-label="0 items">0</span>', column_head(html, "doing"))
    html = client.get(f"{BOARD}?lane=unit").get_data(as_text=True)
    assert lanes_of(html) == [("第一支部", "2"), ("第二支部", "1")]
    html = zh(client).get(f"{BOARD}?lane=unit").get_data(as_text=True)
    assert lanes_of(html) == [("第一支部", "2"), ("第二支部", "1")]
    assert 'aria-label="2 项"' in html or 'aria-label="2项"' in html or "2 项" in html


# -- column limits --------------------------------------------------------------------------------

def test_the_plan_keeps_column_limits_and_refuses_a_move_into_a_full_column_only_if_enforced(
        ) -> None:
    plan = Plan.create(actor="admin", key="p", title="方案", starts=date(2012, 1, 1),
                       ends=date(2012, 12, 31))
    plan.set_wip_limits(actor="admin", limits={"doing": "2", "submitted": None})
    assert plan.wip_limits == {"doing": 2} and not plan.wip_enforced
    plan.check_wip(Status.DOING, 5)  # shown, not enforced
    plan.set_wip_limits(actor="admin", limits={"doing": 2}, enforced=True)
    plan.check_wip(Status.DOING, 1)
    plan.check_wip(Status.SUBMITTED, 99)  # no limit on that column
    with pytest.raises(WipLimitError):
        plan.check_wip(Status.DOING, 2)
    before = len(plan.collect_events())
    plan.set_wip_limits(actor="admin", limits={"doing": 2}, enforced=True)
    assert before and not plan.collect_events()  # unchanged: nothing recorded
    for bad in ({"done": 1}, {"doing": 0}, {"doing": True}, {"doing": 2.5}, ["doing"]):
        with pytest.raises(ValidationError):
            plan.set_wip_limits(actor="admin", limits=bad)


def test_a_leader_sets_column_limits_and_an_over_full_column_is_marked(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "leader")
    status, _ = set_limits(client, token, limit_todo="2", limit_doing="")
    assert status == 302
    plan = services_of(seeded_app).tracker.get_plan(PLAN_KEY)
    assert plan.wip_limits == {"todo": 2} and plan.wip_enforced is False
    html = client.get(BOARD).get_data(as_text=True)
    assert ">3/2</span>" in column_head(html, "todo")
    assert "over-limit" in column_classes(html, "todo")[0]
    assert "over-limit" not in column_classes(html, "doing")[0]
    filtered = client.get(f"{BOARD}?owner=owner").get_data(as_text=True)
    assert "plan 3/2" in column_head(filtered, "todo")  # the plan's figure beside the count
    chinese = zh(client).get(BOARD).get_data(as_text=True)
    assert "超出上限" in column_head(chinese, "todo")
    audit = [r for r in services_of(seeded_app).queries.audit(plan=PLAN_KEY)
             if r["event_type"] == "WipLimitsSet"]
    assert len(audit) == 1 and audit[0]["actor"] == "chief"


def test_members_cannot_set_limits_and_bad_limits_change_nothing(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "member")
    assert 'name="limit_todo"' not in client.get(BOARD).get_data(as_text=True)
    status, _ = set_limits(client, token, limit_todo="2")
    assert status == 403
    token = sign_in(client, "admin")
    for bad in ("0", "abc", "-3", "100000"):
        status, html = set_limits(zh(client), token, limit_doing=bad)
        assert status == 422
        assert "列上限必须是 1 到 9999 之间的整数" in html and 'id="err-limits"' in html
    assert services_of(seeded_app).tracker.get_plan(PLAN_KEY).wip_limits == {}


def test_an_enforced_limit_refuses_a_move_into_a_full_column_in_the_domain(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "admin")
    assert set_limits(client, token, limit_doing="1", enforced="1")[0] == 302
    assert move(client, token, "mine", "doing").status_code == 200
    refused = move(zh(client), token, "theirs", "doing")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "“进行中”列已满：已有 1 项，上限为 1 项。" in html
    assert str(services_of(seeded_app).tracker.get_item(iid("theirs")).status) == "todo"
    # The API runs the same rule: refused with its code, nothing written.
    api = client.post(f"/api/items/{iid('theirs')}/start",
                      headers=bearer(api_token(seeded_app, "admin")))
    assert api.status_code == 409 and api.get_json()["error"] == "wip_limit"
    # Unenforced, the same move is allowed and the column is marked over its limit.
    assert set_limits(client, token, limit_doing="1")[0] == 302
    html = move(client, token, "theirs", "doing").get_data(as_text=True)
    assert "over-limit" in column_classes(html, "doing")[0]


def test_the_api_reads_and_sets_column_limits(seeded_app: Flask, client: FlaskClient) -> None:
    url = f"/api/plans/{PLAN_KEY}/wip-limits"
    admin = bearer(api_token(seeded_app, "admin"))
    done = client.put(url, json={"limits": {"doing": 4, "submitted": 2}, "enforced": True},
                      headers=admin)
    assert done.status_code == 200
    assert done.get_json() == {"plan": PLAN_KEY, "limits": {"doing": 4, "submitted": 2},
                               "enforced": True, "counts": {"todo": 3}}
    assert client.get(url, headers=admin).get_json()["limits"] == {"doing": 4, "submitted": 2}
    bad = client.put(url, json={"limits": {"done": 3}}, headers=admin)
    assert bad.status_code == 422 and bad.get_json()["field"] == "wip_limits"
    bad = client.put(url, json={"limits": {"doing": 2}, "enforced": "yes"}, headers=admin)
    assert bad.status_code == 422 and bad.get_json()["field"] == "wip_enforced"
    member = client.put(url, json={"limits": {}}, headers=bearer(api_token(seeded_app,
                                                                            "member")))
    assert member.status_code == 403
    assert client.get(url, headers=admin).get_json()["limits"] == {"doing": 4, "submitted": 2}


# -- unit lanes: 协办 ------------------------------------------------------------------------------

def test_unit_lanes_mark_supporting_cards_and_hold_each_card_once(
        seeded_app: Flask, client: FlaskClient) -> None:
    add_item(seeded_app, "joint", lead="u1", units=["u2", "u2", "u1"])
    sign_in(client, "member")
    html = client.get(f"{BOARD}?lane=unit").get_data(as_text=True)
    lanes = html.split('<h2 class="lane-title"')[1:]
    first, second = lanes
    card = f'id="card-{iid("joint")}"'
    assert first.count(card) == 1 and second.count(card) == 1
    joint_in = {name: part[part.index(card):].split("</article>")[0]
                for name, part in (("u1", first), ("u2", second))}
    assert "badge-supporting" not in joint_in["u1"]
    assert ">Supporting</span>" in joint_in["u2"]
    chinese = zh(client).get(f"{BOARD}?lane=unit&unit=u2").get_data(as_text=True)
    assert ">协办</span>" in chinese and lanes_of(chinese) == [("第二支部", "2")]
    plain = client.get(BOARD).get_data(as_text=True)
    assert "badge-supporting" not in plain  # only unit lanes say so


# -- grouped boards paged per lane ---------------------------------------------------------------

def test_a_lane_column_shows_a_page_and_loads_the_rest_on_demand(
        seeded_app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(4):
        add_item(seeded_app, f"extra{n}", lead="u2", units=["u1"], due=date(2012, 10, 1 + n))
    monkeypatch.setattr("web.board.model.LANE_PAGE", 2)
    sign_in(client, "member")
    html = client.get(f"{BOARD}?lane=unit").get_data(as_text=True)
    assert lanes_of(html) == [("第一支部", "6"), ("第二支部", "5")]
    first = html.split('<h2 class="lane-title"')[1]
    assert first.count('class="card ') == 2
    more = re.search(r'<a href="([^"]+)" hx-get="[^"]+" hx-target="closest \.more"[^>]*>'
                     r'More \((\d+) left\)</a>', first)
    assert more and more.group(2) == "4"
    url = more.group(1).replace("&amp;", "&")
    page = hx_get(client, url).get_data(as_text=True)
    assert page.count('class="card ') == 2 and "More (2 left)" in page
    assert page.count("badge-supporting") == 2  # u1 only supports the extra items
    next_url = re.search(r'<a href="([^"]+)" hx-get', page)
    assert next_url
    rest = hx_get(client, next_url.group(1).replace("&amp;", "&"))
    assert rest.get_data(as_text=True).count('class="card ') == 2
    assert "left)" not in rest.get_data(as_text=True)
    assert client.get(url).status_code == 200  # without JavaScript: a page of its own


def test_a_grouped_board_builds_only_the_cards_it_shows(
        seeded_app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(6):
        add_item(seeded_app, f"many{n}", lead="u1", units=["u2"], owner="other")
    built: list[str] = []
    real = projections.cards.to_card

    def counting(row, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(row["id"])
        return real(row, *args, **kwargs)

    monkeypatch.setattr(projections.cards, "to_card", counting)
    monkeypatch.setattr("web.board.model.LANE_PAGE", 1)
    monkeypatch.setattr("web.board.model.LANES_PAGE", 1)
    many = {iid(f"many{n}") for n in range(6)}
    sign_in(client, "member")
    built.clear()
    html = client.get(f"{BOARD}?lane=owner").get_data(as_text=True)
    assert html.count('class="card ') == 1 and not many & set(built)  # lane 组长 only
    more = re.search(r'<div class="more-lanes">\s*<a href="([^"]+)"', html)
    assert more and "More lanes (1 of 3 shown)" in html
    built.clear()
    page = hx_get(client, more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert page.count('<h2 class="lane-title"') == 1 and "More lanes (2 of 3 shown)" in page
    assert lanes_of(page) == [("另一负责人", "7")] and page.count('class="card ') == 1
    assert len(many & set(built)) <= 1  # of the lane's seven cards, only the one shown


def test_column_totals_count_a_card_in_two_lanes_once(seeded_app: Flask,
                                                      client: FlaskClient) -> None:
    add_item(seeded_app, "joint", lead="u1", units=["u2"])
    sign_in(client, "member")
    html = client.get(f"{BOARD}?lane=unit").get_data(as_text=True)
    tab = re.search(r'data-tab="todo"[^>]*>[^<]*<span class="count">(\d+)</span>', html)
    assert tab and tab.group(1) == "4"


# -- saved views ----------------------------------------------------------------------------------

def save(client: FlaskClient, token: str, name: str, current: str | None = None,
         **fields: str) -> tuple[int, str]:
    data = {"name": name, **{f"f_{k}": v for k, v in fields.items()}}
    shared = data.pop("f_shared", None)
    if shared:
        data["shared"] = shared
    response = hx_post(client, VIEWS, token, current, **data)
    return response.status_code, response.get_data(as_text=True)


def view_links(html: str) -> dict[str, str]:
    return {name: href.replace("&amp;", "&") for href, name in
            re.findall(r'<li class="view[^"]*">\s*<a href="([^"]+)"[^>]*>([^<]+)</a>', html)}


def test_a_personal_view_is_saved_listed_applied_and_deleted_by_its_owner(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "member")
    status, html = save(client, token, "别人的红灯", owner="other", light="red", lane="unit")
    assert status == 200 and "别人的红灯" in html
    link = view_links(client.get(BOARD).get_data(as_text=True))["别人的红灯"]
    assert link.startswith(BOARD) and "owner=other" in link and "lane=unit" in link
    applied = client.get(link).get_data(as_text=True)
    assert 'aria-current="true">别人的红灯' in applied
    assert f'id="card-{iid("theirs")}"' in applied and f'id="card-{iid("mine")}"' not in applied
    duplicate, html = save(zh(client), token, "别人的红灯")
    assert duplicate == 409 and "已有名为“别人的红灯”的视图。" in html
    empty, html = save(client, token, "   ")
    assert empty == 422 and 'id="err-view-name"' in html
    # Another member neither sees nor deletes it.
    other = seeded_app.test_client()
    other_token = sign_in(other, "other")
    assert "别人的红灯" not in other.get(BOARD).get_data(as_text=True)
    view = services_of(seeded_app).saved_views.list(PLAN_KEY, SYSTEM)
    mine = [v for v in services_of(seeded_app).saved_views.list(
        PLAN_KEY, type(SYSTEM)(person="owner", role="member", login="member"))]
    assert view == [] and len(mine) == 1
    url = f"{VIEWS}/{mine[0]['id']}/delete"
    assert hx_post(other, url, other_token).status_code == 404
    deleted = hx_post(client, url, token)
    assert deleted.status_code == 200 and "别人的红灯" not in view_links(
        deleted.get_data(as_text=True))


def test_shared_views_are_made_by_leaders_and_seen_by_everyone(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "member")
    status, _ = save(client, token, "全部进行中", shared="1")
    assert status == 403
    leader = seeded_app.test_client()
    leader_token = sign_in(leader, "leader")
    assert 'name="shared"' in leader.get(BOARD).get_data(as_text=True)
    assert 'name="shared"' not in client.get(BOARD).get_data(as_text=True)
    assert save(leader, leader_token, "第二支部", unit="u2", shared="1")[0] == 200
    html = client.get(BOARD).get_data(as_text=True)
    assert "第二支部" in view_links(html) and "Delete the view 第二支部" not in html
    viewer = seeded_app.test_client()
    sign_in(viewer, "viewer")
    seen = viewer.get(BOARD).get_data(as_text=True)
    assert "第二支部" in view_links(seen) and 'name="name"' not in seen  # viewers only read


def test_saved_views_survive_a_rebuild_of_the_read_models(
        seeded_app: Flask, client: FlaskClient) -> None:
    token = sign_in(client, "member")
    assert save(client, token, "我的视图", owner="owner")[0] == 200
    services_of(seeded_app).read_models.rebuild()
    assert "我的视图" in view_links(client.get(BOARD).get_data(as_text=True))


def test_saving_without_javascript_goes_back_to_the_board(client: FlaskClient) -> None:
    token = sign_in(client, "member")
    response = client.post(VIEWS, data={"csrf_token": token, "name": "纸面", "f_phase": "P1"})
    assert response.status_code == 302 and "phase=P1" in response.headers["Location"]


def test_a_past_board_groups_its_replayed_cards_into_lanes_with_the_same_marks(
        seeded_app: Flask, client: FlaskClient) -> None:
    add_item(seeded_app, "joint", lead="u1", units=["u2"])
    sign_in(client, "member")
    today = services_of(seeded_app).tracker.today().isoformat()
    html = client.get(f"{BOARD}?lane=unit&as_of={today}").get_data(as_text=True)
    assert lanes_of(html) == [("第一支部", "3"), ("第二支部", "2")]
    second = html.split('<h2 class="lane-title"')[2]
    assert ">Supporting</span>" in second and 'name="limit_todo"' not in html
