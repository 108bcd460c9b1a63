"""The past against the present, in the same run: the board and the leader report (its ledger
figures) live, and as of the instant of the event at 10 % and at 100 % of the log, both as
recorded and as in effect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bench.measure import Results, timed
from projections.queries import Queries

GROUP = "as of vs live"
CARDS = 50
BOARD_REPS = 20  # a board takes milliseconds: enough repetitions for a steady median


def _ms(func: Callable[[], Any], reps: int) -> list[float]:
    func()  # warm-up: statement caches, pages in memory
    return [timed(func) * 1e3 for _ in range(reps)]


def asof_vs_live(results: Results, queries: Queries, plan_key: str, items: int,
                 reps: int) -> None:
    """Live board and report, then each as of 10 % and 100 % of the log (both meanings)."""
    app = queries.rm.app
    head = queries.rm.head()
    live_board, live_report = f"live board, {items} items", f"live leader report, {items} items"
    results.add(GROUP, live_board, "ms",
                _ms(lambda: queries.board(plan_key, limit=CARDS), max(reps, BOARD_REPS)),
                note=f"{CARDS} cards")
    results.add(GROUP, live_report, "ms", _ms(lambda: queries.ledger(plan_key), reps),
                note="every person's figures and the items behind them")
    for label, seq in (("10% of the log", max(1, head // 10)), ("whole log", head)):
        notes = app.recorder.select_notifications(seq, 1)
        if not notes:
            continue
        at: datetime = app.mapper.to_domain_event(notes[0]).timestamp
        day = queries._day_of(at)
        for basis in ("recorded", "effect"):
            view = queries.as_of(day, basis, at if basis == "recorded" else None)
            note = f"as {basis} at seq {view.seq}, {day.isoformat()}"
            results.add(GROUP, f"as-of board ({basis}), {label}", "ms",
                        _ms(lambda v=view: queries.board(plan_key, as_of=v, limit=CARDS),  # type: ignore[misc]
                            max(reps, BOARD_REPS)), baseline=live_board, note=note)
            results.add(GROUP, f"as-of leader report ({basis}), {label}", "ms",
                        _ms(lambda v=view: queries.ledger(plan_key, as_of=v), reps),  # type: ignore[misc]
                        baseline=live_report, note=note)
