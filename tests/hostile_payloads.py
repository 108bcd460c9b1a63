"""Hostile inputs for the battery: nasty-but-valid text, invalid values, bodies and plan files.

Every script-like payload would set ``window.__pwned`` or call ``alert`` if a browser ran it,
so the Chromium test can prove that none ran.
"""

from __future__ import annotations

import json
from typing import Any

PWN = "window.__pwned=1"

# Text a user may legitimately type: stored exactly, always rendered escaped.
SCRIPTY: list[str] = [
    f"<script>{PWN}</script>",
    f"<SCRIPT SRC=//127.0.0.1:9/x.js></SCRIPT><script>{PWN}</script>",
    f"<img src=x onerror=\"{PWN}\">",
    f"<svg onload={PWN}>",
    f"<svg><script>{PWN}</script></svg>",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    f"<body onload={PWN}>",
    f"<details open ontoggle={PWN}>",
    f"<a href=\"javascript:{PWN}\">click</a>",
    f"javascript:{PWN}",
    "JaVaScRiPt:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "<div hx-get=\"/logout\" hx-trigger=\"load\">x</div>",
    f"<div hx-on:load=\"{PWN}\">x</div>",
    f"<div hx-on::load=\"{PWN}\" hx-trigger=load hx-get=/api/health>x</div>",
    f"<button hx-post=\"/logout\" hx-trigger=\"load\" hx-on=\"htmx:load: {PWN}\">x</button>",
    f"<form action=\"javascript:{PWN}\"><input type=submit></form>",
    f"\"><script>{PWN}</script>",
    f"'><img src=x onerror={PWN}>",
    f"\" onmouseover=\"{PWN}\" x=\"",
    f"' onfocus='{PWN}' autofocus='",
    f"</textarea><script>{PWN}</script>",
    f"</title><script>{PWN}</script>",
    f"<style>*{{background:url(javascript:{PWN})}}</style>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={PWN}>",
    f"<noscript><p title=\"</noscript><img src=x onerror={PWN}>\">",
    f"<template><script>{PWN}</script></template>",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{PWN}\">",
    f"<object data=\"javascript:{PWN}\"></object>",
    f"<embed src=\"javascript:{PWN}\">",
    f"<base href=\"javascript:{PWN}//\">",
    f"{{{{ config }}}} {{{{7*7}}}} {{% print(1) %}} <script>{PWN}</script>",
    "${7*7} #{7*7} <%= 7*7 %>",
    f"<scr<script>ipt>{PWN}</scr</script>ipt>",
    f"&lt;script&gt;{PWN}&lt;/script&gt;",
    f"\\u003cscript\\u003e{PWN}\\u003c/script\\u003e",
    "<!--",
    "]]><![CDATA[<script>alert(1)</script>",
    f"<x onclick={PWN}>click</x>",
]
FORMULAS: list[str] = [
    "=1+1", "=HYPERLINK(\"http://127.0.0.1:9\",\"x\")", "+cmd|' /C calc'!A0", "-2+3",
    "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=cmd|'/c notepad'!'A1'", "＝1+1",
    "=IMPORTXML(CONCAT(\"http://127.0.0.1:9/\",A1),\"//a\")",
]
UNICODE: list[str] = [
    "\u202egnp.exe", "abc\u202edef\u202cghi", "\u2066isolate\u2069", "\u200f\u200eRTL marks",
    "zero\u200bwidth\u200cjoin\u200d", "\ufeffBOM at start", "e\u0301\u0301\u0301 combining",
    "Z̷̡̢̛͖̝a̸̗̓l̴̢̇g̵̣̈o̶͙̊", "😀👩‍👩‍👧‍👦🏳️‍🌈", "𠜎𠜱𠝹𠱓 supplementary",
    "基层组织建设年活动<script>window.__pwned=1</script>", "עִבְרִית العربية",
    "line1\nline2\r\nline3", "tab\there", "\x01\x02\x07\x1b[31mansi", "\u2028\u2029 separators",
    "   leading and trailing   ", "'; DROP TABLE stored_events; --", "\" OR 1=1 --",
    "%s%s%s%n %(field)s {0} {field}", "../../../../etc/passwd", "C:\\Windows\\system32",
    "\\x00 literally", "null", "undefined", "NaN", "true", "[]", "{}", "0", "-0", "1e309",
]
NASTY_TEXT: list[str] = SCRIPTY + FORMULAS + UNICODE
# Text no field may hold: NUL characters and megabyte strings (both refused, nothing stored).
NUL_TEXT: list[str] = ["\x00", "a\x00b", "<script>\x00</script>", "\x00" * 100]
BIG_TEXT: list[str] = ["x" * 20001, "字" * 1_000_000, "<script>" * 200_000]
INVALID_TEXT: list[str] = NUL_TEXT + BIG_TEXT
# Values of the wrong JSON type for a text field.
WRONG_TYPES: list[Any] = [
    1, -1, 0, 1.5, True, False, [], ["a"], {}, {"a": 1}, [None], 10**30, -(10**30),
]
HUGE_NUMBERS: list[Any] = [
    10**12, 10**30, -(10**30), 2**63, 2**64, -(2**63) - 1, 1e308, -1e308, 101, -1, 1.5,
    "1e3", "99999999999", "0x10", "½", "٣", "  7", "7 ", "+5", True, None,
]
# Digit strings that str.isdigit() accepts but int() does not (see test_hostile_api).
UNPARSABLE_DIGITS: list[str] = ["--5", "²", "-²", "-" * 5 + "1"]
BAD_DATES: list[Any] = [
    "2012-02-30", "2012-13-01", "2012-00-10", "12/06/2012", "30.06.2012", "2012/06/30",
    "0000-01-01", "9999-99-99", "2012-06-31", "2012-6-3", "20120630x", "2012-06-30T25:00",
    "yesterday", "<script>alert(1)</script>", "2012-06-30\x00", "", " ", "\u202e03-06-2102",
    "1e10", "-2012-06-30", "2012-06-30; DROP TABLE x", 20120630, 2012.0630, [2012, 6, 30],
    {"y": 2012}, True, "9" * 400,
]


def nested_list(depth: int) -> str:
    """A JSON text of `depth` nested arrays."""
    return "[" * depth + "]" * depth


def nested_object(depth: int) -> str:
    """A JSON object whose `text` is nested `depth` objects deep."""
    return '{"text": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


# Raw request bodies no command may accept (each answered 4xx, nothing stored).
BAD_BODIES: list[bytes] = [
    nested_list(100_000).encode(), nested_object(50_000).encode(), nested_list(500).encode(),
    b"\xff\xfe\x00{", b'{"text": "\xc3\x28"}', b'{"text": "\xed\xa0\x80"}', b"\x80\x81\x82",
    b'{"text": "unterminated', b"{'text': 'single quotes'}", b'{"text": NaN}',
    b'{"text": Infinity}', b'{"text": -Infinity}', b"[]", b"[1, 2]", b'"just a string"',
    b"42", b"null", b"true", b'{"text": "a"} trailing', b"{,}", b'{"text": "\\ud800"}',
    b'{"text": "\\udfff\\ud800"}', b'{"text": "a\\u0000b"}', b"<xml/>", b"--boundary",
    b'{"text": "x", "text": "\\u0000"}', b'{"expected_version": "1", "text": "x"}',
    b'{"expected_version": 0, "text": "x"}', b'{"expected_version": -5, "text": "x"}',
    b'{"expected_version": 1e400, "text": "x"}', b'{"expected_version": true, "text": "x"}',
    b'{"expected_version": 1.5, "text": "x"}', b'{"text": "x", "unknown": 1}',
    b'{"text": "x", "__proto__": {"admin": true}}', b'{"' + b"k" * 100_000 + b'": 1}',
    json.dumps({"text": "x", "expected_version": 10**40}).encode(),
]

GOOD_PLAN = """\
plan:
  key: hp
  title: Hostile plan
  starts: 2012-01-01
  ends: 2012-12-31
  goals: [{key: G1, title: goal}]
  phases: [{key: P1, title: phase, starts: 2012-01-01, ends: 2012-12-31}]
units: [{key: u1, name: unit}]
people: [{key: p1, name: person, role: group_leader}]
items:
  - {key: i1, title: item, owner: p1, lead_unit: u1, due: 2012-06-30, phase: P1, goal: G1}
"""


def _plan_with(old: str, new: str) -> bytes:
    assert old in GOOD_PLAN
    return GOOD_PLAN.replace(old, new, 1).encode("utf-8")


BAD_PLANS: list[bytes] = [
    b"", b"   ", b"\xff\xfe\xfa", b"plan: [", b"plan: {key: hp", b"- - - -", b"{{{{", b"]]]",
    b"plan:\n\tkey: tab", b"plan: !!python/object/apply:os.system ['echo pwned']",
    b"plan: !!python/name:os.system", b"&a [*a]",
    b"a: &a ['x','x']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
    b"[" * 10_000 + b"]" * 10_000, b"{a: " * 5_000 + b"1" + b"}" * 5_000,
    b"plan: 1", b"plan: null", b"[1, 2, 3]", b"just text", b"42", b"\x00\x01\x02",
    b"plan:\n  key: hp\n  key: dup\n", GOOD_PLAN.encode("utf-16"), GOOD_PLAN.encode("utf-32"),
    GOOD_PLAN.encode("utf-8").replace(b"Hostile", b"Host\xffile"),
    _plan_with("title: Hostile plan", "title: \"a\\0b\""),
    _plan_with("title: Hostile plan", "title: [1, 2]"),
    _plan_with("title: Hostile plan", "title: {a: b}"),
    _plan_with("title: Hostile plan", "title: " + "x" * 600),
    _plan_with("title: Hostile plan", "title: \"\""),
    _plan_with("starts: 2012-01-01", "starts: 2012-02-30"),
    _plan_with("starts: 2012-01-01", "starts: yesterday"),
    _plan_with("starts: 2012-01-01", "starts: 2013-01-01"),
    _plan_with("starts: 2012-01-01", "starts: 99999999999"),
    _plan_with("due: 2012-06-30", "due: 2012-13-45"),
    _plan_with("due: 2012-06-30", "due: 2099-06-30"),
    _plan_with("due: 2012-06-30", "due: [2012, 6, 30]"),
    _plan_with("due: 2012-06-30", "due: 2012-06-30T10:00:00"),
    _plan_with("owner: p1", "owner: nobody"),
    _plan_with("owner: p1", "owner: 12345678901234567890"),
    _plan_with("lead_unit: u1", "lead_unit: [u1]"),
    _plan_with("role: group_leader", "role: emperor"),
    _plan_with("phase: P1, goal: G1}", "phase: P9, goal: G9}"),
    _plan_with("key: hp", "key: \"\""),
    _plan_with("items:", "items: 7\nextra:"),
    _plan_with("  - {key: i1", "  - {key: i1, every: 0 months, report_every_days: 10000000000000"),
    _plan_with("  - {key: i1", "  - {key: i1, parent: i1"),
    _plan_with("  - {key: i1", "  - {key: i1, every: -3 weeks"),
    _plan_with("  - {key: i1", "  - {key: i1, units: [u1, u1, u404]"),
]
# Plan files that are valid though nasty: imported, their text kept exactly.
NASTY_PLANS: list[bytes] = [
    _plan_with("key: hp", "key: \"<script>window.__pwned=1</script>\""),
    _plan_with("key: hp", "key: 1e999"),
    _plan_with("title: Hostile plan",
               "title: \"=HYPERLINK(1) \\u202e <img src=x onerror=alert(1)>\""),
]
