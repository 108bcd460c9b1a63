"""Read-side measurements: projection catch-up and rebuild, board queries, board as of a date."""

from __future__ import annotations

import time
from datetime import date, datetime
from uuid import UUID

from bench.baselines import read_decode
from bench.measure import Results, timed
from projections.engine import ReadModels
from projections.queries import Queries
from tracker.application import TrackerApplication

TODAY = date(2012, 6, 1)
CARDS = 50


def append_events(app: TrackerApplication, item_ids: list[UUID], count: int,
                  batch: int = 500) -> int:
    """Write count new progress reports over the items, saved in batches (for catch-up)."""
    written = 0
    while written < count:
        loaded = [app.repository.get(i) for i in item_ids[:min(batch, count - written)]]
        for n, item in enumerate(loaded):
            item.report_progress(actor=item.owner, note=f"补充进展 {written + n}")
        app.save(*loaded)
        written += len(loaded)
    return written


def rebuild(results: Results, rm: ReadModels, reps: int, first: float | None) -> None:
    """Full rebuild of every read model (the initial build counts as the first repetition)."""
    events = rm.head()
    app = rm.app
    rates = [events / first] if first else []
    for _ in range(reps - len(rates)):
        rates.append(events / timed(rm.rebuild))
    base = [events / timed(lambda: read_decode(app)) for _ in range(max(1, len(rates)))]
    prefix = f"[{rm.store.kind}] "
    results.add("projections", prefix + "read+decode (library)", "events/s", base,
                higher_is_better=True, note=f"{events} events")
    results.add("projections", prefix + "full rebuild", "events/s", rates,
                baseline=prefix + "read+decode (library)", higher_is_better=True,
                note=f"{events} events, all read models")


def catch_up(results: Results, rm: ReadModels, item_ids: list[UUID], count: int,
             reps: int) -> None:
    """Catch up after count new events, several times; baseline: read+decode the same events."""
    app = rm.app
    rates, base = [], []
    for _ in range(reps):
        start = rm.head()
        append_events(app, item_ids, count)
        stop = rm.head()
        base.append(count / timed(lambda s=start, e=stop: read_decode(app, s, e)))  # type: ignore[misc]
        rates.append(count / timed(rm.catch_up))
    prefix = f"[{rm.store.kind}] "
    results.add("projections", prefix + "read+decode new events", "events/s", base,
                higher_is_better=True, note=f"{count} events per repetition")
    results.add("projections", prefix + "catch-up", "events/s", rates,
                baseline=prefix + "read+decode new events", higher_is_better=True)


def board(results: Results, queries: Queries, plans: dict[str, int], reps: int) -> None:
    """Board query (first CARDS cards) per plan size; the smallest plan is the baseline."""
    smallest = min(plans, key=lambda k: plans[k])
    for key, size in sorted(plans.items(), key=lambda kv: kv[1]):
        times = [timed(lambda k=key: queries.board(k, limit=CARDS)) * 1e3  # type: ignore[misc]
                 for _ in range(reps)]
        results.add("board", f"board query, {size} items", "ms", times,
                    baseline=None if key == smallest else
                    f"board query, {plans[smallest]} items", note=f"{CARDS} cards")


def board_as_of(results: Results, queries: Queries, plan_key: str, reps: int) -> None:
    """The board as of the instant of the event at 10 % and at 100 % of the log."""
    app = queries.rm.app
    head = queries.rm.head()
    for label, seq in (("10% of the log", max(1, head // 10)), ("whole log", head)):
        notes = app.recorder.select_notifications(seq, 1)
        if not notes:
            continue
        at: datetime = app.mapper.to_domain_event(notes[0]).timestamp
        times = []
        for _ in range(reps):
            began = time.perf_counter()
            queries.board(plan_key, as_of=at, limit=CARDS)
            times.append((time.perf_counter() - began) * 1e3)
        results.add("board as of", f"board as of, {label} ({seq} events)", "ms", times,
                    note=f"cutoff {at.isoformat()}")


def make_queries(rm: ReadModels) -> Queries:
    return Queries(rm, lambda: TODAY, rm.yellow_days)
