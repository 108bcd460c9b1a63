"""No module outside tracker/domain/ compares against, maps or dispatches on a status or an
event name written as a string literal: they all use the domain's Status and event classes."""

from __future__ import annotations

import ast
from pathlib import Path

from tracker.domain.lifecycle import EVENT_NAMES
from tracker.domain.status import STATUSES

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tracker", "projections", "web", "bench")
NAMES = {str(s) for s in STATUSES} | set(EVENT_NAMES)
ALLOW = "# not a status"  # a line that only shares a word with a status (a URL argument …)


def modules() -> list[Path]:
    domain = ROOT / "tracker" / "domain"
    return [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))
            if domain not in p.parents]


def _literals(node: ast.AST) -> list[ast.Constant]:
    """String constants in a node, looking inside tuples, lists and sets."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [c for e in node.elts for c in _literals(e)]
    return []


TRANSLATED = {"_", "_l", "N_", "gettext", "lazy_gettext", "ngettext"}  # English text, not keys


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(
        func, ast.Attribute) else ""


def offending(tree: ast.AST) -> list[ast.Constant]:
    """Literals used as a comparison operand, a mapping key or value, an index, a call
    argument or a match pattern."""
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                found += _literals(operand)
        elif isinstance(node, ast.Dict):
            for part in (*node.keys, *node.values):
                if part is not None:
                    found += _literals(part)
        elif isinstance(node, ast.Subscript):
            found += _literals(node.slice)
        elif isinstance(node, ast.Call) and _name(node.func) not in TRANSLATED:
            for arg in (*node.args, *(k.value for k in node.keywords)):
                found += _literals(arg)
        elif isinstance(node, ast.MatchValue):
            found += _literals(node.value)
    return [c for c in found if c.value in NAMES]


def test_the_scan_catches_each_kind_of_use() -> None:
    source = ('a == "done"\nb in ("todo", "x")\n{"Reassigned": 1}\nrow["cancelled"]\n'
              'f("Started")\nmatch x:\n    case "doing": pass\n')
    assert len(offending(ast.parse(source))) == 6


def test_no_status_or_event_name_literal_outside_the_domain() -> None:
    problems = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for literal in offending(ast.parse(text)):
            if ALLOW not in lines[literal.lineno - 1]:
                problems.append(f"{path.relative_to(ROOT)}:{literal.lineno}: {literal.value!r}")
    assert problems == []
