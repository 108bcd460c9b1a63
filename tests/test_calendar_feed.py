"""The private iCalendar feed, built with `icalendar`: alarms before due dates, overdue items
marked, SEQUENCE and LAST-MODIFIED that follow the item, and the private token."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
from flask import Flask
from reports_scenario import *  # noqa: F403  (fixtures clock, scenario)
from reports_scenario import OWNER
from webfixtures import services_of

from tracker.calendar import alarm_triggers, calendar, feed_token


def feed(app: Flask, person: str = "owner") -> icalendar.Calendar:
    secret = services_of(app).settings.secret_key
    response = app.test_client().get(f"/calendar/{person}/{feed_token(secret, person)}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"].startswith("private")
    return icalendar.Calendar.from_ical(response.get_data())


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["summary"]).removeprefix("Overdue: ").removeprefix("Item "): e
            for e in cal.walk("VEVENT")}


def test_calendar_feed_needs_the_private_token(scenario: Flask) -> None:
    client = scenario.test_client()
    assert client.get("/calendar/owner/wrong.ics").status_code == 404
    assert client.get("/calendar/nobody/" + "0" * 32 + ".ics").status_code == 404
    found = events(feed(scenario))
    assert "c" not in found  # done items are not due any more
    assert found["d"].decoded("dtstart") == date(2012, 5, 15)
    assert found["d"].decoded("dtend") == date(2012, 5, 16)


def test_overdue_items_are_marked_and_open_ones_ring_before_their_due_date(
        scenario: Flask) -> None:
    found = events(feed(scenario))
    overdue = found["d"]  # due 2012-05-15, today is 2012-06-01
    assert str(overdue["summary"]) == "Overdue: Item d"
    assert overdue.walk("VALARM") == [] and int(overdue["priority"]) == 1
    ahead = [e for e in found.values() if e.decoded("dtstart") >= date(2012, 6, 1)]
    assert ahead, found
    for event in ahead:
        assert not str(event["summary"]).startswith("Overdue")
        triggers = [a.decoded("trigger") for a in event.walk("VALARM")]
        assert triggers == alarm_triggers(3) == [-timedelta(days=2, hours=15),
                                                 -timedelta(hours=15)]
        assert all(str(a["action"]) == "DISPLAY" for a in event.walk("VALARM"))


def test_sequence_and_last_modified_follow_the_item(scenario: Flask, clock) -> None:
    before = events(feed(scenario))["d"]
    svc = services_of(scenario)
    item = svc.tracker.get_item("d", "web")
    clock.set(6, 1)
    svc.run(str(item.id), "report", OWNER, note="half done", on="2012-06-01")
    after = events(feed(scenario))["d"]
    assert int(after["sequence"]) > int(before["sequence"]) > 0
    assert after.decoded("last-modified") >= before.decoded("last-modified")
    assert str(after["uid"]) == str(before["uid"]) == f"{item.id}@tracker"


def test_long_lines_are_folded_at_75_octets_and_text_is_escaped() -> None:
    item = {"id": "x", "title": "基层组织建设年, 第一; 阶段\n" * 5, "due": date(2012, 6, 30),
            "status": "todo", "version": 2}
    body = calendar("名单", [item], today=date(2012, 6, 1))
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed.walk("VEVENT")[0]["summary"]) == item["title"]
