"""The domain's fast ``replace`` makes exactly what ``dataclasses.replace`` makes."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.state import ItemState, replace
from tracker.domain.status import Status

NAMES = [f.name for f in dataclasses.fields(ItemState)]
VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.dates(),
                   st.sampled_from(list(Status)), st.lists(st.text(max_size=3), max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6),
       st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6))
def test_replace_is_dataclasses_replace(first: dict[str, object],
                                        then: dict[str, object]) -> None:
    base = dataclasses.replace(ItemState(title="原来", due=date(2012, 6, 1)), **first)
    ours, theirs = replace(base, **then), dataclasses.replace(base, **then)
    assert ours == theirs and type(ours) is ItemState
    assert {n: getattr(ours, n) for n in NAMES} == {n: getattr(theirs, n) for n in NAMES}
    assert base == dataclasses.replace(ItemState(title="原来", due=date(2012, 6, 1)), **first)


def test_replace_keeps_the_state_frozen_and_refuses_unknown_fields() -> None:
    new = replace(ItemState(), owner="zhang")
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.owner = "li"  # type: ignore[misc]
    with pytest.raises(TypeError):
        replace(new, not_a_field=1)
    assert new.is_open and hash(new.owner) == hash("zhang")
