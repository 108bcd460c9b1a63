"""``@name`` mentions in an item's comments: who a text names, and where."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

MARK = "@"


def _candidates(people: Mapping[str, str]) -> list[tuple[str, str]]:
    """(what may follow the @, the person's key), longest first so "@张三丰" beats "@张三"."""
    pairs = {(name, key) for key, name in people.items() if name} | {(k, k) for k in people}
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


def scan(text: str, people: Mapping[str, str]) -> Iterator[tuple[int, int, str]]:
    """Each mention in the text: (start of the @, end of the name, the person's key).

    ``people`` maps keys to names; an @ followed by neither a known name nor a known key is
    left as text. Names and keys match exactly (case-sensitively), the longest one first."""
    candidates = _candidates(people)
    pos = text.find(MARK)
    while pos >= 0:
        found = next(((word, key) for word, key in candidates
                      if text.startswith(word, pos + 1)), None)
        if found is None:
            pos = text.find(MARK, pos + 1)
            continue
        end = pos + 1 + len(found[0])
        yield pos, end, found[1]
        pos = text.find(MARK, end)


def mentions(text: str, people: Mapping[str, str]) -> list[list[str]]:
    """The mentions a text makes, in order, each as [the words after the @, the person's key]
    (what a Commented event records, so a later rename does not change what it meant)."""
    return [[text[start + 1:end], key] for start, end, key in scan(text, people)]


def mentioned(found: list[list[str]]) -> list[str]:
    """The people a text mentions, each once, in order of first mention."""
    return list(dict.fromkeys(key for _word, key in found))
