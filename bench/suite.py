"""One store end to end: generate, build the read models, then measure on it."""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench import asof, audit, pages, readside
from bench.baselines import ConventionalCommand, bare_command, copy_rows
from bench.commandpath import CommandPath
from bench.generator import generate
from bench.measure import Results, Run, add_runs, loop, percentile, timed
from projections.engine import ReadModels
from tracker.application import TrackerApplication
from tracker.storage import parse_database_url

log = logging.getLogger("bench")


@dataclass(frozen=True)
class Size:
    """How big a run is and how often each measurement repeats."""

    plans: tuple[int, ...]  # items per plan (the board is measured on each)
    pg_plans: tuple[int, ...]
    reps: int
    commands: int  # per repetition (a time budget stops earlier)
    command_budget: float  # seconds per repetition and design
    catch_up: int  # new events per catch-up repetition
    rebuild_reps: int  # the initial build counts as the first
    asof_reps: int
    export_reps: int


SIZES = {
    "tiny": Size((20, 60, 150), (20, 60), 2, 20, 1.5, 100, 1, 1, 1),
    "small": Size((50, 500, 5000), (50, 500, 1500), 3, 200, 10.0, 1000, 1, 1, 2),
    "large": Size((1000, 10000, 100000), (1000, 10000), 3, 300, 20.0, 5000, 1, 1, 2),
}


def step(results: Results, what: str, func: object, *args: object) -> None:
    """Run one measurement; a failure is noted in the results and the run goes on."""
    log.info("%s …", what)
    try:
        func(*args)  # type: ignore[operator]
    except Exception as e:  # noqa: BLE001 — a bench reports and goes on
        log.exception("%s failed", what)
        results.notes.append(f"{what} failed: {type(e).__name__}: {str(e)[:300]}")


def run_store(results: Results, url: str, plans: tuple[int, ...], size: Size,
              workdir: Path, full: bool, only: str | None = None, reuse: bool = False) -> None:
    """Generate a store at url and measure on it (full: the SQLite-only measurements too;
    only="asof": just the as-of against live figures, on the same store (with reuse, on the
    store a kept run left at url, its read models brought up to this version first);
    only="rebuild": just the full rebuild against read+decode)."""
    store = parse_database_url(url)
    kind = store.kind
    app = TrackerApplication(env=store.es_env, timezone=ZoneInfo("UTC"))
    if only == "asof" and reuse:
        asof_on_kept(results, app, store, size)
        return
    log.info("[%s] generating %s items …", kind, sum(plans))
    gen = generate(app, list(plans))
    results.meta[kind] = {"items": sum(plans), "plans": list(plans), "events": gen.events,
                          "generate_seconds": round(gen.seconds, 1),
                          "generate_events_per_s": round(gen.events / gen.seconds)}
    rm = ReadModels(app, store)
    rm.create_tables()
    log.info("[%s] building the read models over %s events …", kind, gen.events)
    first = timed(rm.rebuild)
    keys = sorted(gen.plans, key=lambda k: len(gen.plans[k]))
    biggest, middle = keys[-1], keys[len(keys) // 2]
    if only == "asof":
        step(results, "as of vs live", asof.asof_vs_live, results, readside.make_queries(rm),
             keys[0], len(gen.plans[keys[0]]), size.reps)
        rm.close()
        app.close()
        return
    step(results, f"[{kind}] rebuild", readside.rebuild, results, rm, size.rebuild_reps, first)
    if only == "rebuild":
        rm.close()
        app.close()
        return
    step(results, f"[{kind}] catch-up", readside.catch_up, results, rm, gen.doing[biggest],
         size.catch_up, size.reps)
    if full:
        queries = readside.make_queries(rm)
        sizes = {k: len(v) for k, v in gen.plans.items()}
        step(results, "board", readside.board, results, queries, sizes, size.reps)
        step(results, "board as of", readside.board_as_of, results, queries, keys[0],
             size.asof_reps)
        step(results, "as of vs live", asof.asof_vs_live, results, queries, keys[0],
             sizes[keys[0]], size.reps)
        step(results, "audit export", audit.audit_export, results, url, rm.head(), workdir,
             size.export_reps)
        step(results, "grouped board pages", pages.grouped_boards, results, url, workdir, sizes,
             size.reps)
        step(results, "report pages against history", pages.against_history, results, url,
             workdir, plans, keys[0], size.reps)
    step(results, f"[{kind}] commands", commands, results, app, rm, url, gen.doing[middle],
         size, workdir, len(gen.plans[middle]))
    rm.close()
    app.close()


def asof_on_kept(results: Results, app: TrackerApplication, store: Any, size: Size) -> None:
    """The as-of figures on a kept store: its read models upgraded (missing indexes made,
    retired ones dropped) and caught up, then the smallest plan measured as in a full run."""
    from projections import tables as t

    rm = ReadModels(app, store)
    rm.create_tables()
    rm.catch_up()
    with rm.engine.connect() as conn:
        sizes = dict(conn.execute(sa.select(t.board.c.plan_key, sa.func.count())
                                  .group_by(t.board.c.plan_key)).tuples().all())
    results.meta[store.kind] = {"items": sum(sizes.values()), "plans": sorted(sizes.values()),
                                "events": rm.head(), "reused": True}
    smallest = min(sizes, key=lambda k: sizes[k])
    log.info("[%s] as of vs live on the kept store (%s events) …", store.kind, rm.head())
    step(results, "as of vs live", asof.asof_vs_live, results, readside.make_queries(rm),
         smallest, sizes[smallest], size.reps)
    rm.close()
    app.close()


def commands(results: Results, app: TrackerApplication, rm: ReadModels, url: str,
             doing: list[UUID], size: Size, workdir: Path, plan_items: int) -> None:
    """Tracker web path vs bare library vs conventional design, on disjoint in-progress items."""
    kind = rm.store.kind
    third = max(1, len(doing) // 3)
    bare_ids, web_ids, conv_ids = doing[:third], doing[third:2 * third], doing[2 * third:]
    rm.catch_up()
    conv_rows = copy_rows(rm.engine)
    web = CommandPath(url, workdir / f"instance-{kind}", web_ids)
    bare, conv = bare_command(app, bare_ids), ConventionalCommand(rm.engine, conv_ids)
    runs: dict[str, list[Run]] = {"bare": [], "web": [], "conv": []}
    syncs: list[list[float]] = []  # per repetition: ms each web command spent in sync
    # One warm-up each; the conventional fragment is then padded to the tracker's size.
    web_bytes, conv_bytes = web.call(0), conv(0)
    conv.pad = max(0, web_bytes - conv_bytes)
    offset = 1
    try:
        for _ in range(size.reps):
            runs["bare"].append(loop(lambda i, o=offset: bare(o + i), size.commands,  # type: ignore[misc]
                                     size.command_budget))
            rm.catch_up()  # so the web path does not pay for the bare library's events
            web.sync_seconds.clear()
            runs["web"].append(loop(lambda i, o=offset: web.call(o + i), size.commands,  # type: ignore[misc]
                                    size.command_budget))
            syncs.append([s * 1e3 for s in web.sync_seconds])
            runs["conv"].append(loop(lambda i, o=offset: conv(o + i), size.commands,  # type: ignore[misc]
                                     size.command_budget))
            offset += size.commands
        sizes = {"tracker_fragment_bytes": web.call(offset), "conventional_fragment_bytes":
                 conv(offset), "conventional_padding": conv.pad,
                 "path": web.path, "plan_items": plan_items,
                 "conventional_audit_rows": conv_rows}
        results.meta[f"{kind}_command"] = sizes
    finally:
        web.close()
    group = f"commands ({kind})"
    add_runs(results, group, f"[{kind}] bare library load+decide+save", runs["bare"])
    add_runs(results, group, f"[{kind}] conventional UPDATE+audit+render", runs["conv"])
    add_runs(results, group, f"[{kind}] tracker web command", runs["web"],
             baseline=f"[{kind}] conventional UPDATE+audit+render",
             note=web.path + (f" — {web.note}" if web.note else ""))
    results.add(group, f"[{kind}] tracker vs bare library throughput", "cmd/s",
                [r.throughput for r in runs["web"]],
                baseline=f"[{kind}] bare library load+decide+save throughput",
                higher_is_better=True)
    read_model_update(results, group, kind, syncs)
    if web.note:
        results.notes.append(f"{kind} command path: {web.note}")


def read_model_update(results: Results, group: str, kind: str, syncs: list[list[float]]) -> None:
    """The read-model update inside a web command (Services.sync: the saved events applied to
    every projection in one transaction), p50 and mean per repetition."""
    measured = [ms for ms in syncs if ms]
    if not measured:
        results.notes.append(f"{kind}: the web path made no Services.sync call to time")
        return
    label = f"[{kind}] read-model update inside a command"
    note = "time in Services.sync per web command"
    results.add(group, f"{label} p50", "ms", [percentile(ms, 50) for ms in measured], note=note)
    results.add(group, f"{label} mean", "ms", [statistics.fmean(ms) for ms in measured])
