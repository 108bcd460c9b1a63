"""Parse and validate plan files (YAML or JSON, UTF-8) into typed specs; problems carry lines.

The format is documented in docs/plan-file.md."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from yaml.nodes import MappingNode, Node, ScalarNode

from tracker.domain.leadership import PLAN_ROLES
from tracker.domain.org import EMAIL_RE
from tracker.errors import N_
from tracker.planitems import ItemReader
from tracker.planperiods import MAX_COPIES, language_of
from tracker.planspecs import (
    GoalSpec,
    ItemSpec,
    PersonSpec,
    PhaseSpec,
    PlanFile,
    PlanFileError,
    PlanSpec,
    Problem,
    UnitSpec,
)
from tracker.planyaml import TEXT_MAX, compose, line_of

ROLES = ("group_leader", "deputy", "member", "none")
LANGUAGES = ("zh", "en")

_COPY_KEY_RE = re.compile(r"#[0-9]+$")
_COPY_TITLE_RE = re.compile(r"（([0-9]{4}-[0-9]{2}-[0-9]{2})—([0-9]{4}-[0-9]{2}-[0-9]{2})）$")

__all__ = ["GoalSpec", "ItemSpec", "PersonSpec", "PhaseSpec", "PlanFile", "PlanFileError",
           "PlanSpec", "Problem", "UnitSpec", "parse_plan_file", "shift_dates"]


class _Parser(ItemReader):
    def plan(self, node: Node) -> PlanSpec | None:
        f = self.fields(node, "plan", ("key", "title", "starts", "ends"),
                        ("description", "goals", "phases", "organisation", "language"))
        if f is None:
            return None
        key = self.plan_key = self.text(f.get("key"), "key", key=True)
        title = self.text(f.get("title"), "title")
        starts, ends = self.date(f.get("starts"), "starts"), self.date(f.get("ends"), "ends")
        description = self.text(f.get("description"), "description", TEXT_MAX, nonempty=False)
        organisation = self.text(f.get("organisation"), "organisation") or ""
        language = self.text(f.get("language"), "language")
        if language is not None and language not in LANGUAGES:
            self.add(f["language"], N_("field 'language' must be zh or en, not %(value)r"),
                     value=language)
        self.language = language or language_of(title or "")
        if starts and ends and starts > ends:
            self.add(f["starts"], N_("the plan starts (%(starts)s) after it ends (%(ends)s)"),
                     starts=starts, ends=ends)
        elif starts and ends:
            self.period = (starts, ends)
        goal_nodes = self.seq(f.get("goals"), "goals")
        phases = tuple(p for p in map(self.phase, self.seq(f.get("phases"), "phases")) if p)
        if key is None or title is None or starts is None or ends is None:
            return None
        self.goal_nodes = goal_nodes
        return PlanSpec(key, title, starts, ends, (), phases, description or "", line_of(node),
                        organisation, self.language)

    def goal(self, node: Node) -> GoalSpec | None:
        f = self.fields(node, "goal", ("key", "title"), ("leader",))
        if f is None:
            return None
        key, title = self.text(f.get("key"), "key", key=True), self.text(f.get("title"), "title")
        self.register(self.goals, key, node, N_("duplicate %(what)s key '%(key)s' (first on line "
                                                "%(first)s)"), "goal")
        leader = self.ref(f.get("leader"), "leader", self.people, "person")
        if key is None or title is None:
            return None
        return GoalSpec(key, title, line_of(node), leader)

    def phase(self, node: Node) -> PhaseSpec | None:
        f = self.fields(node, "phase", ("key", "title", "starts", "ends"), ())
        if f is None:
            return None
        key, title = self.text(f.get("key"), "key", key=True), self.text(f.get("title"), "title")
        self.register(self.phases, key, node, N_("duplicate %(what)s key '%(key)s' (first on "
                                                 "line %(first)s)"), "phase")
        starts, ends = self.date(f.get("starts"), "starts"), self.date(f.get("ends"), "ends")
        if starts is None or ends is None:
            return None
        if starts > ends:
            self.add(f["starts"], N_("phase '%(key)s' starts (%(starts)s) after it ends "
                                     "(%(ends)s)"), key=key, starts=starts, ends=ends)
        elif self.period and (starts < self.period[0] or ends > self.period[1]):
            self.add(f["starts"], N_("phase '%(key)s' (%(starts)s to %(ends)s) lies outside the "
                                     "plan period (%(first)s to %(last)s)"), key=key,
                     starts=starts, ends=ends, first=self.period[0], last=self.period[1])
        if key is None or title is None:
            return None
        return PhaseSpec(key, title, starts, ends, line_of(node))

    def unit(self, node: Node) -> UnitSpec | None:
        f = self.fields(node, "unit", ("key", "name"), ("contact", "parent"))
        if f is None:
            return None
        key, name = self.text(f.get("key"), "key", key=True), self.text(f.get("name"), "name")
        self.register(self.units, key, node, N_("duplicate %(what)s key '%(key)s' (first on line "
                                                "%(first)s)"), "unit")
        contact = self.text(f.get("contact"), "contact", key=True)
        parent = self.text(f.get("parent"), "parent", key=True)
        if contact is not None:
            self.later.append((f["contact"], "contact", "person"))
        if parent is not None:
            self.later.append((f["parent"], "parent", "unit"))
        if key is None or name is None:
            return None
        return UnitSpec(key, name, line_of(node), contact, parent)

    def person(self, node: Node) -> PersonSpec | None:
        f = self.fields(node, "person", ("key", "name"), ("role", "liaison", "unit", "email"))
        if f is None:
            return None
        key, name = self.text(f.get("key"), "key", key=True), self.text(f.get("name"), "name")
        self.register(self.people, key, node, N_("duplicate %(what)s key '%(key)s' (first on "
                                                 "line %(first)s)"), "person")
        role = self.text(f.get("role"), "role") if "role" in f else "member"
        if role is not None and role not in ROLES:
            self.add(f["role"], N_("field 'role' must be one of %(roles)s, not %(value)r"),
                     roles=", ".join(ROLES), value=role)
        liaison = self.refs(f.get("liaison"), "liaison", self.units, "unit")
        unit = self.ref(f.get("unit"), "unit", self.units, "unit")
        email = self.text(f.get("email"), "email") if "email" in f else None
        if email is not None and not EMAIL_RE.fullmatch(email):
            self.add(f["email"], N_("field 'email' is not a mail address: %(value)r"),
                     value=email[:100])
            email = None
        if key is None or name is None or role is None:
            return None
        return PersonSpec(key, name, role, liaison, line_of(node), unit, "role" in f, email)

    def leadership(self, node: Node | None) -> dict[str, str] | None:
        """The explicit ``leadership:`` section (role → people of the file) as {person: role};
        None when the file has none."""
        if node is None:
            return None
        f = self.fields(node, "leadership", (), PLAN_ROLES)
        if f is None:
            return None
        out: dict[str, tuple[str, int]] = {}
        for role in PLAN_ROLES:
            entries = [f[role]] if isinstance(f.get(role), ScalarNode) else self.seq(f.get(role),
                                                                                      role)
            for entry in entries:
                key = self.ref(entry, role, self.people, "person")
                if key is None:
                    continue
                if key in out:
                    self.add(entry, N_("person '%(key)s' has two roles in 'leadership' "
                                       "('%(first)s' on line %(line)s and '%(second)s')"),
                             key=key, first=out[key][0], line=out[key][1], second=role)
                else:
                    out[key] = (role, line_of(entry))
        return {key: role for key, (role, _) in out.items()}

    def check_units(self, units: tuple[UnitSpec, ...]) -> None:
        """Contacts and parents name known people and units; the unit tree has no cycle."""
        for node, field, what in self.later:
            self.ref(node, field, self.people if what == "person" else self.units, what)
        parents = {u.key: u.parent for u in units if u.parent}
        for u in units:
            seen, cur = {u.key}, parents.get(u.key)
            while cur is not None and cur not in seen:
                seen.add(cur)
                cur = parents.get(cur)
            if cur == u.key:
                self.add(u.line, N_("unit '%(key)s' is its own ancestor (its 'parent' fields "
                                    "form a cycle)"), key=u.key)

    def build(self, root: Node) -> PlanFile | None:
        f = self.fields(root, "the plan file", ("plan",),
                        ("units", "people", "leadership", "items"))
        if f is None:
            return None
        plan = self.plan(f["plan"]) if "plan" in f else None
        units = tuple(u for u in map(self.unit, self.seq(f.get("units"), "units")) if u)
        people = tuple(p for p in map(self.person, self.seq(f.get("people"), "people")) if p)
        goals = tuple(g for g in map(self.goal, getattr(self, "goal_nodes", [])) if g)
        leadership = self.leadership(f.get("leadership"))
        self.check_units(units)
        self.contacts = {u.key: u.contact for u in units if u.contact}
        nodes = self.seq(f.get("items"), "items")
        self.count_titles(nodes)
        items = [i for node in nodes for i in self.item(node)]
        self.check_parents(items)
        if plan is None:
            return None
        return PlanFile(replace(plan, goals=goals), units, people, tuple(items), leadership)

    def count_titles(self, nodes: list[Node]) -> None:
        """How often each title of a keyless item occurs (repeated titles take their unit)."""
        for node in nodes:
            if not isinstance(node, MappingNode):
                continue
            names = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
            title = names.get("title")
            if "key" not in names and isinstance(title, ScalarNode):
                text = title.value.strip()
                self.title_counts[text] = self.title_counts.get(text, 0) + 1


def parse_plan_file(text: str | bytes) -> PlanFile:
    """Parse plan-file text (YAML or JSON) or raise PlanFileError listing every problem."""
    parser = _Parser(MAX_COPIES)
    root = compose(text, parser)
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
