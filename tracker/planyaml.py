"""Read the YAML (or JSON) node tree of a plan file within bounds, and check its values;
every problem is recorded with its line, as an English message and a msgid with params."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tracker.errors import N_
from tracker.planspecs import Problem

TITLE_MAX = 500
TEXT_MAX = 20_000
MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
# Nesting beyond this is refused before any parser recurses into it: a parser left to reach
# the interpreter's recursion limit fails anything run at that depth meanwhile (a finalizer
# the garbage collector calls there raises RecursionError of its own).
MAX_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")

_T = "tag:yaml.org,2002:"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_RE = re.compile(r"[-+]?[0-9]{1,9}")


class _Refused(Exception):
    def __init__(self, line: int, msgid: str) -> None:
        self.line, self.msgid = line, msgid


class _BoundedLoader(yaml.SafeLoader):
    """A safe composer that refuses aliases (they let a small file expand without bound) and
    stops after MAX_NODES nodes."""

    nodes = 0
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            raise _Refused(mark.line + 1, N_("aliases (*name) are not allowed in a plan file; "
                                             "write each entry out"))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            mark = self.peek_event().start_mark
            raise _Refused(mark.line + 1, N_("the file has too many entries (at most 200000 "
                                             "values)"))
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(self.peek_event().start_mark.line + 1,
                           N_("the file is nested too deeply"))
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


def _nests_deeper(text: str, limit: int) -> bool:
    """Whether JSON-like brackets outside quoted strings nest deeper than limit."""
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _T + "null"


def kind(node: Node) -> str:
    """What a node is, in words, for messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    names = {"str": "a string", "int": "a number", "float": "a number", "bool": "true/false",
             "null": "empty", "timestamp": "a date"}
    what = names.get(node.tag.removeprefix(_T), f"a value tagged {node.tag}")
    value = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"{what} ({value!r})" if value else what


class Reader:
    """Problems, and typed reading of fields from mapping nodes."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: Node | int, msgid: str, **params: Any) -> None:
        line = where if isinstance(where, int) else line_of(where)
        message = msgid % params if params else msgid
        self.problems.append(Problem(line, message, msgid, tuple(params.items())))

    def fields(self, node: Node, what: str, required: tuple[str, ...],
               optional: tuple[str, ...]) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.add(node, N_("%(what)s must be a mapping, not %(kind)s"), what=what,
                     kind=kind(node))
            return None
        out: dict[str, Node] = {}
        seen: set[str] = set()
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                self.add(k, N_("field names in %(what)s must be plain words, not %(kind)s"),
                         what=what, kind=kind(k))
            elif k.value in seen:
                self.add(k, N_("duplicate field '%(field)s' in %(what)s"), field=k.value,
                         what=what)
            elif k.value not in required and k.value not in optional:
                self.add(k, N_("unknown field '%(field)s' in %(what)s"), field=k.value, what=what)
            elif not is_null(v):
                out[k.value] = v
            if isinstance(k, ScalarNode):
                seen.add(k.value)
        for name in required:
            if name not in out:
                self.add(node, N_("%(what)s is missing required field '%(field)s'"), what=what,
                         field=name)
        return out

    def text(self, node: Node | None, field: str, limit: int = TITLE_MAX, *,
             key: bool = False, nonempty: bool = True) -> str | None:
        if node is None:
            return None
        tags = (_T + "str", _T + "int") if key else (_T + "str",)
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            if key:
                self.add(node, N_("field '%(field)s' must be a string or whole number, not "
                                  "%(kind)s"), field=field, kind=kind(node))
            else:
                self.add(node, N_("field '%(field)s' must be a string, not %(kind)s"),
                         field=field, kind=kind(node))
            return None
        value = node.value
        if re.search("[\ud800-\udfff]", value):  # JSON escapes a character beyond U+FFFF as a pair
            try:
                value = value.encode("utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                self.add(node, N_("field '%(field)s' contains an invalid Unicode escape"),
                         field=field)
                return None
        value = value.strip()
        if "\x00" in value:
            self.add(node, N_("field '%(field)s' contains a NUL character"), field=field)
        elif len(value) > limit:
            self.add(node, N_("field '%(field)s' is longer than %(limit)s characters "
                              "(%(length)s)"), field=field, limit=limit, length=len(value))
        elif nonempty and not value:
            self.add(node, N_("field '%(field)s' must not be empty"), field=field)
        else:
            return value
        return None

    def date(self, node: Node | None, field: str) -> date | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode) or node.tag not in (_T + "str", _T + "timestamp"):
            self.add(node, N_("field '%(field)s' must be a date (YYYY-MM-DD), not %(kind)s"),
                     field=field, kind=kind(node))
            return None
        text = node.value.strip()
        try:
            if _DATE_RE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.add(node, N_("field '%(field)s' is not a valid date (YYYY-MM-DD): %(value)r"),
                 field=field, value=text[:40])
        return None

    def whole(self, node: Node | None, field: str, low: int, high: int) -> int | None:
        """A whole number from low to high; long digit strings are refused before conversion."""
        if node is None:
            return None
        if (not isinstance(node, ScalarNode) or node.tag != _T + "int"
                or not _INT_RE.fullmatch(node.value.strip())):
            if isinstance(node, ScalarNode) and node.tag == _T + "int":
                self.add(node, N_("field '%(field)s' must be from %(low)s to %(high)s"),
                         field=field, low=low, high=high)
            else:
                self.add(node, N_("field '%(field)s' must be a whole number, not %(kind)s"),
                         field=field, kind=kind(node))
            return None
        value = int(node.value)
        if not low <= value <= high:
            self.add(node, N_("field '%(field)s' must be from %(low)s to %(high)s, not "
                              "%(value)s"), field=field, low=low, high=high, value=value)
            return None
        return value

    def seq(self, node: Node | None, field: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.add(node, N_("field '%(field)s' must be a list, not %(kind)s"), field=field,
                     kind=kind(node))
            return []
        return list(node.value)

    def register(self, seen: dict[str, int], key: str | None, node: Node, label: str,
                 what: str) -> None:
        """Record a key; a second one is a duplicate (label: the msgid naming it)."""
        if key is None:
            return
        if key in seen:
            self.add(node, label, key=key, first=seen[key], what=what)
        else:
            seen[key] = line_of(node)

    def ref(self, node: Node | None, field: str, known: dict[str, int], what: str) -> str | None:
        key = self.text(node, field, key=True)
        if node is not None and key is not None and key not in known:
            self.add(node, N_("field '%(field)s' refers to unknown %(what)s '%(key)s'"),
                     field=field, what=what, key=key)
        return key

    def refs(self, node: Node | None, field: str, known: dict[str, int],
             what: str) -> tuple[str, ...]:
        out: list[str] = []
        for entry in self.seq(node, field):
            key = self.ref(entry, field, known, what)
            if key is not None and key in out:
                self.add(entry, N_("%(what)s '%(key)s' is listed twice in field '%(field)s'"),
                         what=what, key=key, field=field)
            elif key is not None:
                out.append(key)
        return tuple(out)


def compose(text: str | bytes, reader: Reader) -> Node | None:
    """Decode and compose the YAML node tree within bounds, recording a problem instead of
    raising."""
    if len(text) > MAX_BYTES:
        reader.add(1, N_("the file is larger than 2 MB"))
        return None
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            reader.add(1, N_("the file is not UTF-8 text (byte 0x%(byte)s at offset "
                             "%(offset)s)"), byte=f"{e.object[e.start]:02x}", offset=e.start)
            return None
    # In valid JSON a tab is only whitespace; YAML refuses it. (Too deep for a plan: the
    # composer below refuses it.)
    if text.lstrip()[:1] in ("{", "[") and not _nests_deeper(text, MAX_DEPTH):
        try:
            json.loads(text)
            text = text.replace("\t", " ")
        except (ValueError, RecursionError):
            pass
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text)
        node = loader.get_single_node()
    except _Refused as e:
        reader.add(e.line, e.msgid)
        return None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        reader.add(mark.line + 1 if mark else 1, N_("not valid YAML: %(problem)s"),
                   problem=e.problem or e.context)
        return None
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        if e.character == 0:
            reader.add(line, N_("the file contains a NUL character"))
        else:
            reader.add(line, N_("the file contains a forbidden character (#x%(code)s)"),
                       code=f"{e.character:x}")
        return None
    except yaml.YAMLError as e:
        reader.add(1, N_("not valid YAML: %(problem)s"), problem=str(e))
        return None
    except RecursionError:
        reader.add(1, N_("the file is nested too deeply"))
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        reader.add(1, N_("the file is empty"))
    return node
