"""The bench harness runs end to end at the tiny size: it prints the table and writes JSON.

It measures nothing here (figures are never asserted); `make bench` is where numbers come from.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_tiny_prints_table_and_writes_json(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "tiny", "--no-postgres", "--quiet",
         "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "bench size tiny" in done.stdout
    assert "median" in done.stdout and "ratio" in done.stdout
    data = json.loads(output.read_text("utf-8"))
    assert data["size"] == "tiny"
    names = {f["name"] for f in data["figures"]}
    assert "[sqlite] full rebuild" in names
    assert any(name.startswith("board query") for name in names)
    for figure in data["figures"]:
        assert {"median", "min", "max", "values", "unit"} <= set(figure)
