"""Timing helpers and the figures a run collects (printed as a table, written as JSON)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured quantity over several repetitions, and its baseline when it has one."""

    group: str
    name: str
    unit: str  # "ms", "events/s", "req/s", "MB" …
    values: list[float]
    baseline: str | None = None  # the name of the figure it is compared with
    higher_is_better: bool = False
    note: str = ""
    ratio: float | None = None  # median / baseline median (set by Results.finish)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def low(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def high(self) -> float:
        return max(self.values) if self.values else float("nan")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(median=self.median, min=self.low, max=self.high)
        return out


@dataclass
class Results:
    """Every figure of a run, plus notes on what was skipped or how a path was taken."""

    size: str
    meta: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, group: str, name: str, unit: str, values: list[float], *,
            baseline: str | None = None, higher_is_better: bool = False,
            note: str = "") -> Figure:
        fig = Figure(group, name, unit, [round(v, 4) for v in values], baseline,
                     higher_is_better, note)
        self.figures.append(fig)
        return fig

    def get(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)

    def finish(self) -> None:
        """Compute each figure's ratio to its baseline (both measured in this run)."""
        for fig in self.figures:
            base = self.get(fig.baseline) if fig.baseline else None
            if base is not None and base.values and fig.values and base.median:
                fig.ratio = float(f"{fig.median / base.median:.4g}")

    def as_dict(self) -> dict[str, Any]:
        return {"size": self.size, "meta": self.meta, "notes": self.notes,
                "figures": [f.as_dict() for f in self.figures]}


def timed(func: Callable[[], Any]) -> float:
    """Seconds one call takes."""
    began = time.perf_counter()
    func()
    return time.perf_counter() - began


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of the samples."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Run:
    """One repetition of a request loop: per-call latencies and the wall time of the loop."""

    latencies: list[float]
    seconds: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else float("nan")


def loop(call: Callable[[int], Any], count: int, budget: float, minimum: int = 10) -> Run:
    """Call call(i) up to count times (stopping after budget seconds, but at least minimum)."""
    latencies: list[float] = []
    began = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        call(i)
        latencies.append(time.perf_counter() - t0)
        if i + 1 >= minimum and time.perf_counter() - began > budget:
            break
    return Run(latencies, time.perf_counter() - began)


def add_runs(results: Results, group: str, label: str, runs: list[Run], *,
             baseline: str | None = None, note: str = "") -> None:
    """p50, p99 (ms) and throughput (per s) of a request loop, each over the repetitions."""
    base = baseline or None
    results.add(group, f"{label} p50", "ms", [percentile(r.latencies, 50) * 1e3 for r in runs],
                baseline=f"{base} p50" if base else None, note=note)
    results.add(group, f"{label} p99", "ms", [percentile(r.latencies, 99) * 1e3 for r in runs],
                baseline=f"{base} p99" if base else None)
    results.add(group, f"{label} throughput", "cmd/s", [r.throughput for r in runs],
                baseline=f"{base} throughput" if base else None, higher_is_better=True)
