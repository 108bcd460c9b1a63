"""Read the items of a plan file: keys (from the key, or the title and, when the title repeats,
the lead unit), references, recurrence (`every`, `due_day`) and per-unit duties (`for_each`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from yaml.nodes import Node

from tracker.errors import N_
from tracker.planperiods import DUE_DAYS, due_day_fits, parse_every, schedule
from tracker.planspecs import ItemSpec, MilestoneSpec
from tracker.planyaml import TEXT_MAX, Reader, line_of

MAX_ITEMS = 5000
_ITEM_FIELDS = ("key", "owner", "lead_unit", "lead_units", "units", "leaders", "phase", "goal",
                "deliverable", "description", "every", "due_day", "for_each", "parent",
                "report_every_days", "milestones")
_DUP = N_("duplicate %(what)s key '%(key)s' (first on line %(first)s)")
_DUP_TITLE = N_("duplicate item title '%(key)s' (an item without a key takes its key from its "
                "title and lead unit; first on line %(first)s)")


class ItemReader(Reader):
    """Parser state shared by the plan, directory and item readers."""

    def __init__(self, max_copies: int) -> None:
        super().__init__()
        self.max_copies = max_copies
        self.plan_key: str | None = None
        self.language = "zh"
        self.period: tuple[date, date] | None = None
        self.goals: dict[str, int] = {}
        self.phases: dict[str, int] = {}
        self.units: dict[str, int] = {}
        self.people: dict[str, int] = {}
        self.items: dict[str, int] = {}
        self.contacts: dict[str, str] = {}
        self.title_counts: dict[str, int] = {}
        self.recurring: set[str] = set()
        self.parent_refs: list[tuple[str, Node]] = []
        self.later: list[tuple[Node, str, str]] = []
        self.total = 0

    def every(self, node: Node) -> tuple[int, str] | None:
        text = self.text(node, "every")
        if text is None:
            return None
        every = parse_every(text)
        if every is None:
            self.add(node, N_("field 'every' must be a period such as '1 month', '2 weeks', "
                              "'6 months' or '1 year', not %(value)r"), value=text[:40])
        return every

    def lead_units(self, f: dict[str, Node], node: Node) -> tuple[str, ...]:
        if "lead_unit" in f and "lead_units" in f:
            self.add(f["lead_units"], N_("give either 'lead_unit' or 'lead_units', not both"))
        if "lead_unit" in f:
            lead = self.ref(f["lead_unit"], "lead_unit", self.units, "unit")
            return (lead,) if lead is not None else ()
        leads = self.refs(f.get("lead_units"), "lead_units", self.units, "unit")
        if not leads and "lead_units" not in f:
            self.add(node, N_("%(what)s is missing required field '%(field)s'"), what="item",
                     field="lead_unit")
        return leads

    def item_key(self, f: dict[str, Node], title: str | None,
                 leads: tuple[str, ...]) -> str | None:
        if "key" in f:
            return self.text(f["key"], "key", key=True)
        if title is None:
            return None
        if self.title_counts.get(title, 0) > 1 and leads:
            return f"{self.plan_key}:{title}@{leads[0]}"
        return f"{self.plan_key}:{title}"

    def owner_of(self, f: dict[str, Node], node: Node, unit: str | None) -> str | None:
        if "owner" in f:
            return self.ref(f["owner"], "owner", self.people, "person")
        if unit is not None and unit in self.contacts:
            return self.contacts[unit]
        if unit is not None:
            self.add(node, N_("item has no 'owner' and its lead unit '%(key)s' has no "
                              "'contact'"), key=unit)
        return None

    def item(self, node: Node) -> list[ItemSpec]:
        f = self.fields(node, "item", ("title",), _ITEM_FIELDS + ("due",))
        if f is None:
            return []
        title = self.text(f.get("title"), "title")
        leads = self.lead_units(f, node)
        key = self.item_key(f, title, leads)
        units = self.refs(f.get("units"), "units", self.units, "unit")
        for lead in leads:
            if lead in units:
                self.add(f["units"], N_("lead unit '%(key)s' is also listed in field 'units'"),
                         key=lead)
        leaders = self.refs(f.get("leaders"), "leaders", self.people, "person")
        due_day = self.whole(f.get("due_day"), "due_day", *DUE_DAYS)
        due = self.due(f, node, due_day)
        every = self.every(f["every"]) if "every" in f else None
        each = self.for_each(f)
        if due_day is not None and every is not None and not due_day_fits(every, due_day):
            self.add(f["due_day"], N_("field 'due_day' needs 'every' in months or years"))
        common: dict[str, Any] = {
            "phase": self.ref(f.get("phase"), "phase", self.phases, "phase"),
            "goal": self.ref(f.get("goal"), "goal", self.goals, "goal"),
            "deliverable": self.text(f.get("deliverable"), "deliverable", TEXT_MAX,
                                     nonempty=False) or "",
            "description": self.text(f.get("description"), "description", TEXT_MAX,
                                     nonempty=False) or "",
            "parent": self.text(f.get("parent"), "parent", key=True),
            "report_every_days": self.whole(f.get("report_every_days"), "report_every_days",
                                            1, 366),
        }
        if common["parent"] is not None:
            self.parent_refs.append((common["parent"], f["parent"]))
        if "key" in f or key is None or key not in self.items:
            self.register(self.items, key, node, _DUP, "item")
        else:
            self.add(node, _DUP_TITLE, key=title, first=self.items[key])
        if every and key is not None:
            self.recurring.add(key)
        if key is None or title is None or not leads or (due is None and due_day is None):
            return []
        steps = self.milestones(f.get("milestones"), due)
        if steps and every is not None:
            self.add(f["milestones"], N_("a recurring item cannot have milestones"))
        owners = [(lead, self.owner_of(f, node, lead)) for lead in (leads if each else leads[:1])]
        out: list[ItemSpec] = []
        for lead, owner in owners:
            if owner is None:
                continue
            base = ItemSpec(f"{key}@{lead}" if each else key, title, owner, lead,
                            tuple(u for u in units if u not in leads), due or date.min,
                            line=line_of(node), leaders=leaders,
                            co_leads=() if each else leads[1:], milestones=steps, **common)
            if each:
                self.register(self.items, base.key, node, _DUP, "item")
            out += self.occurrences(base, f, every, due_day)
        return out

    def milestones(self, node: Node | None, due: date | None) -> tuple[MilestoneSpec, ...]:
        """The item's milestones, each due inside the plan and not after the item."""
        out: list[MilestoneSpec] = []
        seen: dict[str, int] = {}
        for n, entry in enumerate(self.seq(node, "milestones"), 1):
            f = self.fields(entry, "milestone", ("title", "due"), ("key", "deliverable"))
            if f is None:
                continue
            key = self.text(f.get("key"), "key", key=True) or str(n)
            self.register(seen, key, entry, _DUP, "milestone")
            title = self.text(f.get("title"), "title")
            when = self.date(f.get("due"), "due")
            if when and due and when > due:
                self.add(f["due"], N_("the milestone is due (%(when)s) after its item "
                                      "(%(due)s)"), when=when, due=due)
            elif when and self.period and not self.period[0] <= when <= self.period[1]:
                self.add(f["due"], N_("due date %(due)s is outside the plan period (%(first)s "
                                      "to %(last)s)"), due=when, first=self.period[0],
                         last=self.period[1])
            deliverable = self.text(f.get("deliverable"), "deliverable", TEXT_MAX,
                                    nonempty=False) or ""
            if title is not None and when is not None:
                out.append(MilestoneSpec(key, title, when, deliverable))
        return tuple(out)

    def due(self, f: dict[str, Node], node: Node, due_day: int | None) -> date | None:
        due = self.date(f.get("due"), "due")
        if due is None and due_day is None and "due" not in f:
            self.add(node, N_("%(what)s is missing required field '%(field)s'"), what="item",
                     field="due")
        if due and self.period and not self.period[0] <= due <= self.period[1]:
            self.add(f["due"], N_("due date %(due)s is outside the plan period (%(first)s to "
                                  "%(last)s)"), due=due, first=self.period[0],
                     last=self.period[1])
        return due

    def for_each(self, f: dict[str, Node]) -> bool:
        if "for_each" not in f:
            return False
        value = self.text(f["for_each"], "for_each")
        if value != "lead_units":
            if value is not None:
                self.add(f["for_each"], N_("field 'for_each' can only be lead_units, not "
                                           "%(value)r"), value=value[:40])
            return False
        return True

    def occurrences(self, base: ItemSpec, f: dict[str, Node], every: tuple[int, str] | None,
                    due_day: int | None) -> list[ItemSpec]:
        """The item itself, or one item per period of a recurring one (bounded)."""
        if every is None or self.period is None:
            if due_day is not None and every is None:
                self.add(f["due_day"], N_("field 'due_day' needs 'every'"))
                return []
            return self.counted([base], f)
        spans = schedule(self.period, base.title, base.due, every, due_day, self.language,
                         self.max_copies)
        if spans is None:
            self.add(f["every"], N_("field 'every' would make more than %(max)s copies"),
                     max=self.max_copies)
            return []
        out = []
        for k, (title, due) in enumerate(spans, 1):
            copy_key = f"{base.key}#{k}"
            self.register(self.items, copy_key, f["every"], _DUP, "item")
            out.append(replace(base, key=copy_key, title=title, due=due))
        return self.counted(out, f)

    def counted(self, items: list[ItemSpec], f: dict[str, Node]) -> list[ItemSpec]:
        """Keep a running total: a file never makes more than MAX_ITEMS items."""
        self.total += len(items)
        if self.total > MAX_ITEMS:
            if self.total - len(items) <= MAX_ITEMS:
                where = f.get("every") or f["title"]
                self.add(where, N_("the plan would have more than %(max)s items"), max=MAX_ITEMS)
            return []
        return items

    def check_parents(self, items: list[ItemSpec]) -> None:
        for parent, node in self.parent_refs:
            if parent in self.recurring:
                self.add(node, N_("parent cannot be a recurring item ('%(key)s' repeats with "
                                  "'every'; name one of its copies, such as '%(key)s#1')"),
                         key=parent)
            elif parent not in self.items:
                self.add(node, N_("field '%(field)s' refers to unknown %(what)s '%(key)s'"),
                         field="parent", what="item", key=parent)
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
                self.add(item.line, N_("item '%(key)s' is its own ancestor (its 'parent' fields "
                                       "form a cycle)"), key=item.key)
