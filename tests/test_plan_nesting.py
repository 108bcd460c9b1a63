"""A deeply nested plan file is refused at a fixed depth, long before the interpreter's
recursion limit (at that limit anything run meanwhile, such as a finalizer the garbage collector
calls, fails with a RecursionError of its own)."""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from tracker.planyaml import MAX_DEPTH, Reader, compose

DEEP = [b"[" * 10_000 + b"]" * 10_000, b"{a: " * 5_000 + b"1" + b"}" * 5_000,
        "".join(f"{' ' * n}a:\n" for n in range(1500)).encode() + b" " * 1500 + b"1\n",
        b'{"a": ' * 3_000 + b"1" + b"}" * 3_000]


@pytest.mark.parametrize("raw", DEEP, ids=["lists", "flow-maps", "block-maps", "json"])
def test_a_deep_plan_is_refused_without_deep_recursion(raw: bytes) -> None:
    deepest = depth = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal deepest, depth
        if event == "call":
            depth += 1
            deepest = max(deepest, depth)
        elif event == "return":
            depth -= 1

    reader = Reader()
    sys.setprofile(profile)
    try:
        node = compose(raw, reader)
    finally:
        sys.setprofile(None)
    assert node is None
    assert [p.message for p in reader.problems] == ["the file is nested too deeply"]
    assert deepest < 10 * MAX_DEPTH < sys.getrecursionlimit()


def test_a_plan_nested_within_the_bound_is_read() -> None:
    reader = Reader()
    node = compose(b"a: " + b"[" * (MAX_DEPTH - 2) + b"1" + b"]" * (MAX_DEPTH - 2), reader)
    assert node is not None and not reader.problems
