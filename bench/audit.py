"""Audit export (JSON Lines with the hash chain) in subprocesses: rate and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.measure import Results


def _job(url: str, mode: str, until: int, output: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "bench.exportjob", url, mode, str(until),
                           str(output)], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"exportjob {mode} failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def audit_export(results: Results, url: str, head: int, workdir: Path, reps: int) -> None:
    """Export the whole log and its first tenth; baseline: read+decode the same events."""
    output = workdir / "audit.jsonl"
    for label, until in (("10% of the log", max(1, head // 10)), ("whole log", head)):
        runs = [_job(url, "export", until, output) for _ in range(reps)]
        base = [_job(url, "decode", until, output) for _ in range(reps)]
        events = int(runs[0]["events"])
        results.add("audit export", f"read+decode, {label}", "events/s",
                    [b["events"] / b["seconds"] for b in base], higher_is_better=True,
                    note=f"{int(base[0]['events'])} events")
        results.add("audit export", f"export jsonl+chain, {label}", "events/s",
                    [r["events"] / r["seconds"] for r in runs],
                    baseline=f"read+decode, {label}", higher_is_better=True,
                    note=f"{events} events, {output.stat().st_size / 1e6:.1f} MB file")
        results.add("audit export", f"export peak RSS, {label}", "MB",
                    [r["rss_peak_mb"] for r in runs],
                    baseline=None if label.startswith("10") else
                    "export peak RSS, 10% of the log",
                    note=f"process start {runs[0]['rss_start_mb']:.0f} MB (VmHWM)")
        results.add("audit export", f"read+decode peak RSS, {label}", "MB",
                    [b["rss_peak_mb"] for b in base])
    output.unlink(missing_ok=True)
