"""Parse and validate plan files (YAML or JSON, UTF-8) into typed specs; problems carry lines."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tracker.domain.org import EMAIL_RE

TITLE_MAX = 500
TEXT_MAX = 20_000
MAX_COPIES = 400
ROLES = ("group_leader", "deputy", "member")

_T = "tag:yaml.org,2002:"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_RE = re.compile(r"[-+]?[0-9]+")
_EVERY_RE = re.compile(r"([0-9]+)\s*(day|week|month|year)s?", re.IGNORECASE)
_EVERY_ZH = {"每周": (1, "week"), "每月": (1, "month"), "每季度": (3, "month"),
             "每半年": (6, "month"), "每年": (1, "year")}
_COPY_KEY_RE = re.compile(r"#[0-9]+$")
_COPY_TITLE_RE = re.compile(r"（([0-9]{4}-[0-9]{2}-[0-9]{2})—([0-9]{4}-[0-9]{2}-[0-9]{2})）$")
_ITEM_FIELDS = ("key", "units", "phase", "goal", "deliverable", "description", "every", "parent",
                "report_every_days")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


class PlanFileError(ValueError):
    """A plan file that cannot be imported; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"line {p.line}: {p.message}" for p in problems))


@dataclass(frozen=True)
class GoalSpec:
    key: str
    title: str
    line: int


@dataclass(frozen=True)
class PhaseSpec:
    key: str
    title: str
    starts: date
    ends: date
    line: int


@dataclass(frozen=True)
class PlanSpec:
    key: str
    title: str
    starts: date
    ends: date
    goals: tuple[GoalSpec, ...]
    phases: tuple[PhaseSpec, ...]
    description: str
    line: int


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    line: int


@dataclass(frozen=True)
class PersonSpec:
    key: str
    name: str
    role: str
    liaison: tuple[str, ...]
    line: int
    email: str | None = None


@dataclass(frozen=True)
class ItemSpec:
    key: str
    title: str
    owner: str
    lead_unit: str
    units: tuple[str, ...]
    due: date
    phase: str | None
    goal: str | None
    deliverable: str
    description: str
    parent: str | None
    report_every_days: int | None
    line: int


@dataclass(frozen=True)
class PlanFile:
    plan: PlanSpec
    units: tuple[UnitSpec, ...]
    people: tuple[PersonSpec, ...]
    items: tuple[ItemSpec, ...]


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _T + "null"


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    names = {"str": "a string", "int": "a number", "float": "a number", "bool": "true/false",
             "null": "empty", "timestamp": "a date"}
    kind = names.get(node.tag.removeprefix(_T), f"a value tagged {node.tag}")
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"{kind} ({value!r})" if value else kind


def _add_period(d: date, n: int, unit: str) -> date:
    """Return `d` moved forward by n units (months keep the day, clamped to the month's end)."""
    try:
        if unit in ("day", "week"):
            return d + timedelta(days=n * (7 if unit == "week" else 1))
        y, m = divmod(d.month - 1 + n * (12 if unit == "year" else 1), 12)
        year = d.year + y
        return date(year, m + 1, min(d.day, calendar.monthrange(year, m + 1)[1]))
    except (OverflowError, ValueError):
        return date.max


def _periods(starts: date, ends: date, n: int, unit: str) -> Iterator[tuple[date, date]]:
    """Yield (start, end) of each n-unit period from `starts` to `ends`, at most MAX_COPIES+1."""
    for k in range(MAX_COPIES + 1):
        begin = _add_period(starts, k * n, unit)
        if begin > ends:
            return
        nxt = _add_period(starts, (k + 1) * n, unit)
        yield begin, min(nxt - timedelta(days=1) if nxt != date.max else ends, ends)


class _Parser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.plan_key: str | None = None
        self.period: tuple[date, date] | None = None
        self.goals: dict[str, int] = {}
        self.phases: dict[str, int] = {}
        self.units: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.recurring: set[str] = set()
        self.parent_refs: list[tuple[str, Node]] = []

    def add(self, where: Node | int, message: str) -> None:
        self.problems.append(Problem(where if isinstance(where, int) else _line(where), message))

    def fields(self, node: Node, what: str, required: tuple[str, ...],
               optional: tuple[str, ...]) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.add(node, f"{what} must be a mapping, not {_kind(node)}")
            return None
        out: dict[str, Node] = {}
        seen: set[str] = set()
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                self.add(k, f"field names in {what} must be plain words, not {_kind(k)}")
            elif k.value in seen:
                self.add(k, f"duplicate field '{k.value}' in {what}")
            elif k.value not in required and k.value not in optional:
                self.add(k, f"unknown field '{k.value}' in {what}")
            elif not _is_null(v):
                out[k.value] = v
            if isinstance(k, ScalarNode):
                seen.add(k.value)
        for name in required:
            if name not in out:
                self.add(node, f"{what} is missing required field '{name}'")
        return out

    def text(self, node: Node | None, field: str, limit: int = TITLE_MAX, *,
             key: bool = False, nonempty: bool = True) -> str | None:
        if node is None:
            return None
        tags = (_T + "str", _T + "int") if key else (_T + "str",)
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            want = "a string or whole number" if key else "a string"
            self.add(node, f"field '{field}' must be {want}, not {_kind(node)}")
            return None
        value = node.value
        if re.search("[\ud800-\udfff]", value):  # JSON escapes a character beyond U+FFFF as a pair
            try:
                value = value.encode("utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                self.add(node, f"field '{field}' contains an invalid Unicode escape")
                return None
        value = value.strip()
        if "\x00" in value:
            self.add(node, f"field '{field}' contains a NUL character")
        elif len(value) > limit:
            self.add(node, f"field '{field}' is longer than {limit} characters ({len(value)})")
        elif nonempty and not value:
            self.add(node, f"field '{field}' must not be empty")
        else:
            return value
        return None

    def date(self, node: Node | None, field: str) -> date | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag not in (_T + "str", _T + "timestamp"):
            self.add(node, f"field '{field}' must be a date (YYYY-MM-DD), not {_kind(node)}")
            return None
        text = node.value.strip()
        try:
            if _DATE_RE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.add(node, f"field '{field}' is not a valid date (YYYY-MM-DD): {text!r}")
        return None

    def seq(self, node: Node | None, field: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.add(node, f"field '{field}' must be a list, not {_kind(node)}")
            return []
        return list(node.value)

    def register(self, seen: dict[str, int], key: str | None, node: Node, label: str) -> None:
        if key is None:
            return
        if key in seen:
            self.add(node, f"duplicate {label} (first on line {seen[key]})")
        else:
            seen[key] = _line(node)

    def ref(self, node: Node | None, field: str, known: dict[str, int], what: str) -> str | None:
        key = self.text(node, field, key=True)
        if node is not None and key is not None and key not in known:
            self.add(node, f"field '{field}' refers to unknown {what} '{key}'")
        return key

    def refs(self, node: Node | None, field: str, known: dict[str, int],
             what: str) -> tuple[str, ...]:
        out: list[str] = []
        for entry in self.seq(node, field):
            key = self.ref(entry, field, known, what)
            if key is not None and key in out:
                self.add(entry, f"{what} '{key}' is listed twice in field '{field}'")
            elif key is not None:
                out.append(key)
        return tuple(out)

    def plan(self, node: Node) -> PlanSpec | None:
        f = self.fields(node, "plan", ("key", "title", "starts", "ends"),
                        ("description", "goals", "phases"))
        if f is None:
            return None
        key = self.plan_key = self.text(f.get("key"), "key", key=True)
        title = self.text(f.get("title"), "title")
        starts, ends = self.date(f.get("starts"), "starts"), self.date(f.get("ends"), "ends")
        description = self.text(f.get("description"), "description", TEXT_MAX, nonempty=False)
        if starts and ends and starts > ends:
            self.add(f["starts"], f"the plan starts ({starts}) after it ends ({ends})")
        elif starts and ends:
            self.period = (starts, ends)
        goals = tuple(g for g in map(self.goal, self.seq(f.get("goals"), "goals")) if g)
        phases = tuple(p for p in map(self.phase, self.seq(f.get("phases"), "phases")) if p)
        if key is None or title is None or starts is None or ends is None:
            return None
        return PlanSpec(key, title, starts, ends, goals, phases, description or "", _line(node))

    def goal(self, node: Node) -> GoalSpec | None:
        f = self.fields(node, "goal", ("key", "title"), ())
        if f is None:
            return None
        key, title = self.text(f.get("key"), "key", key=True), self.text(f.get("title"), "title")
        self.register(self.goals, key, node, f"goal key '{key}'")
        return GoalSpec(key, title, _line(node)) if key is not None and title is not None else None

    def phase(self, node: Node) -> PhaseSpec | None:
        f = self.fields(node, "phase", ("key", "title", "starts", "ends"), ())
        if f is None:
            return None
        key, title = self.text(f.get("key"), "key", key=True), self.text(f.get("title"), "title")
        self.register(self.phases, key, node, f"phase key '{key}'")
        starts, ends = self.date(f.get("starts"), "starts"), self.date(f.get("ends"), "ends")
        if starts is None or ends is None:
            return None
        if starts > ends:
            self.add(f["starts"], f"phase '{key}' starts ({starts}) after it ends ({ends})")
        elif self.period and (starts < self.period[0] or ends > self.period[1]):
            self.add(f["starts"], f"phase '{key}' ({starts} to {ends}) lies outside the plan "
                                  f"period ({self.period[0]} to {self.period[1]})")
        if key is None or title is None:
            return None
        return PhaseSpec(key, title, starts, ends, _line(node))

    def unit(self, node: Node) -> UnitSpec | None:
        f = self.fields(node, "unit", ("key", "name"), ())
        if f is None:
            return None
        key, name = self.text(f.get("key"), "key", key=True), self.text(f.get("name"), "name")
        self.register(self.units, key, node, f"unit key '{key}'")
        return UnitSpec(key, name, _line(node)) if key is not None and name is not None else None

    def person(self, node: Node) -> PersonSpec | None:
        f = self.fields(node, "person", ("key", "name"), ("role", "liaison", "email"))
        if f is None:
            return None
        key, name = self.text(f.get("key"), "key", key=True), self.text(f.get("name"), "name")
        self.register(self.people, key, node, f"person key '{key}'")
        role = self.text(f.get("role"), "role") if "role" in f else "member"
        if role is not None and role not in ROLES:
            self.add(f["role"], f"field 'role' must be one of {', '.join(ROLES)}, not {role!r}")
        liaison = self.refs(f.get("liaison"), "liaison", self.units, "unit")
        email = self.text(f.get("email"), "email") if "email" in f else None
        if email is not None and not EMAIL_RE.fullmatch(email):
            self.add(f["email"], f"field 'email' is not a mail address: {email[:100]!r}")
            email = None
        if key is None or name is None or role is None:
            return None
        return PersonSpec(key, name, role, liaison, _line(node), email)

    def every(self, node: Node) -> tuple[int, str] | None:
        text = self.text(node, "every")
        if text is None:
            return None
        if text in _EVERY_ZH:
            return _EVERY_ZH[text]
        m = _EVERY_RE.fullmatch(text)
        if m is None or int(m[1]) < 1:
            self.add(node, "field 'every' must be a period such as '1 month', '2 weeks', "
                           f"'6 months' or '1 year', not {text!r}")
            return None
        return int(m[1]), m[2].lower()

    def days(self, node: Node | None) -> int | None:
        if node is None:
            return None
        if (not isinstance(node, ScalarNode) or node.tag != _T + "int"
                or not _INT_RE.fullmatch(node.value.strip())):
            self.add(node, f"field 'report_every_days' must be a whole number, not {_kind(node)}")
            return None
        if not 1 <= int(node.value) <= 366:
            self.add(node, "field 'report_every_days' must be from 1 to 366, "
                           f"not {int(node.value)}")
            return None
        return int(node.value)

    def item(self, node: Node) -> list[ItemSpec]:
        f = self.fields(node, "item", ("title", "owner", "lead_unit", "due"), _ITEM_FIELDS)
        if f is None:
            return []
        title = self.text(f.get("title"), "title")
        if "key" in f:
            key = self.text(f["key"], "key", key=True)
            label = f"item key '{key}'"
        else:
            key = f"{self.plan_key}:{title}" if title is not None else None
            label = f"item title '{title}' (an item without a key takes its key from its title)"
        owner = self.ref(f.get("owner"), "owner", self.people, "person")
        lead = self.ref(f.get("lead_unit"), "lead_unit", self.units, "unit")
        units = self.refs(f.get("units"), "units", self.units, "unit")
        if lead is not None and lead in units:
            self.add(f["units"], f"lead unit '{lead}' is also listed in field 'units'")
        due = self.date(f.get("due"), "due")
        if due and self.period and not self.period[0] <= due <= self.period[1]:
            self.add(f["due"], f"due date {due} is outside the plan period "
                               f"({self.period[0]} to {self.period[1]})")
        phase = self.ref(f.get("phase"), "phase", self.phases, "phase")
        goal = self.ref(f.get("goal"), "goal", self.goals, "goal")
        deliverable = self.text(f.get("deliverable"), "deliverable", TEXT_MAX, nonempty=False)
        description = self.text(f.get("description"), "description", TEXT_MAX, nonempty=False)
        parent = self.text(f.get("parent"), "parent", key=True)
        if parent is not None:
            self.parent_refs.append((parent, f["parent"]))
        report = self.days(f.get("report_every_days"))
        every = self.every(f["every"]) if "every" in f else None
        self.register(self.items, key, node, label)
        if every and key is not None:
            self.recurring.add(key)
        if key is None or title is None or owner is None or lead is None or due is None:
            return []
        base = ItemSpec(key, title, owner, lead, units, due, phase, goal, deliverable or "",
                        description or "", parent, report, _line(node))
        if every is None or self.period is None:
            return [base]
        copies = list(_periods(*self.period, *every))
        if len(copies) > MAX_COPIES:
            self.add(f["every"], f"field 'every' would make more than {MAX_COPIES} copies")
            return []
        out = []
        for k, (begin, end) in enumerate(copies, 1):
            copy_key = f"{key}#{k}"
            self.register(self.items, copy_key, node, f"item key '{copy_key}'")
            out.append(replace(base, key=copy_key, title=f"{title}（{begin}—{end}）",
                               due=min(_add_period(due, (k - 1) * every[0], every[1]), end)))
        return out

    def check_parents(self, items: list[ItemSpec]) -> None:
        for parent, node in self.parent_refs:
            if parent in self.recurring:
                self.add(node, f"parent cannot be a recurring item ('{parent}' repeats with "
                               f"'every'; name one of its copies, such as '{parent}#1')")
            elif parent not in self.items:
                self.add(node, f"field 'parent' refers to unknown item '{parent}'")
        parents = {i.key: i.parent for i in items if i.parent}
        done: set[str] = set()
        cyclic: set[str] = set()
        for item in items:
            path: list[str] = []
            cur: str | None = item.key
            while cur is not None and cur not in done and cur not in path:
                path.append(cur)
                cur = parents.get(cur)
            if cur is not None and cur in path:
                cyclic.update(path[path.index(cur):])
            done.update(path)
        for item in items:
            if item.key in cyclic:
                self.add(item.line, f"item '{item.key}' is its own ancestor (its 'parent' "
                                    "fields form a cycle)")

    def build(self, root: Node) -> PlanFile | None:
        f = self.fields(root, "the plan file", ("plan",), ("units", "people", "items"))
        if f is None:
            return None
        plan = self.plan(f["plan"]) if "plan" in f else None
        units = tuple(u for u in map(self.unit, self.seq(f.get("units"), "units")) if u)
        people = tuple(p for p in map(self.person, self.seq(f.get("people"), "people")) if p)
        items = [i for node in self.seq(f.get("items"), "items") for i in self.item(node)]
        self.check_parents(items)
        return PlanFile(plan, units, people, tuple(items)) if plan else None


def _compose(text: str | bytes, parser: _Parser) -> Node | None:
    """Decode and compose the YAML node tree, recording a problem instead of raising."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            parser.add(1, f"the file is not UTF-8 text (byte 0x{e.object[e.start]:02x} "
                          f"at offset {e.start})")
            return None
    if text.lstrip()[:1] in ("{", "["):  # in valid JSON a tab is only whitespace; YAML refuses it
        try:
            json.loads(text)
            text = text.replace("\t", " ")
        except (ValueError, RecursionError):
            pass
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        parser.add(mark.line + 1 if mark else 1, f"not valid YAML: {e.problem or e.context}")
        return None
    except yaml.reader.ReaderError as e:
        code = e.character
        what = "a NUL character" if code == 0 else f"a forbidden character (#x{code:x})"
        parser.add(text.count("\n", 0, e.position) + 1, f"the file contains {what}")
        return None
    except yaml.YAMLError as e:
        parser.add(1, f"not valid YAML: {e}")
        return None
    except RecursionError:
        parser.add(1, "the file is nested too deeply")
        return None
    if node is None:
        parser.add(1, "the file is empty")
    return node


def parse_plan_file(text: str | bytes) -> PlanFile:
    """Parse plan-file text (YAML or JSON) or raise PlanFileError listing every problem."""
    parser = _Parser()
    root = _compose(text, parser)
    result = parser.build(root) if root is not None else None
    if parser.problems or result is None:
        problems = sorted(dict.fromkeys(parser.problems), key=lambda p: p.line)
        raise PlanFileError(problems or [Problem(1, "the plan file could not be read")])
    return result


def _shift_title(item: ItemSpec, delta: timedelta) -> str:
    m = _COPY_TITLE_RE.search(item.title)
    if m is None or not _COPY_KEY_RE.search(item.key):
        return item.title
    begin, end = (date.fromisoformat(s) + delta for s in m.groups())
    return f"{item.title[:m.start()]}（{begin}—{end}）"


def shift_dates(pf: PlanFile, days: int) -> PlanFile:
    """Return `pf` with every date (and the period in recurring copies' titles) moved by `days`."""
    d = timedelta(days=days)
    phases = tuple(replace(p, starts=p.starts + d, ends=p.ends + d) for p in pf.plan.phases)
    plan = replace(pf.plan, starts=pf.plan.starts + d, ends=pf.plan.ends + d, phases=phases)
    items = tuple(replace(i, due=i.due + d, title=_shift_title(i, d)) for i in pf.items)
    return replace(pf, plan=plan, items=items)
