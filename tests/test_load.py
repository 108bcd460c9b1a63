"""The load test at a reduced size (20 clients × 15 s) against real processes: every
acknowledged command is one stored event, no 5xx, every conflict a 409 with the current
version, and a reader tailing the notification log saw every event. Full size: make load."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ is not an installed package
from bench.loadtest import PG_DEFAULT, run  # noqa: E402

PG_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
pytestmark = pytest.mark.slow
STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="TRACKER_TEST_POSTGRES_URL is not set (PostgreSQL not configured)"))]


@pytest.mark.parametrize("store", STORES)
def test_load_loses_nothing_and_answers_every_conflict_with_409(store: str,
                                                                tmp_path: Path) -> None:
    figures = run(clients=20, seconds=15, store=store, pg_url=PG_URL or PG_DEFAULT,
                  workdir=tmp_path)
    print(figures)
    assert figures["broken"] == []
    assert figures["acked"] == figures["events"] > 100
    assert figures["conflicts"] > 0  # the hot items were contended
