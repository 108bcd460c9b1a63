"""``python -m bench --size tiny|small|large --output bench/results.json``."""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.baselines import dumps
from bench.measure import Results
from bench.report import table
from bench.suite import SIZES, run_store, step

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres(results: Results, size_name: str, workdir: Path, base_url: str,
             only: str | None = None) -> None:
    """Command and catch-up figures on a fresh PostgreSQL schema (dropped afterwards)."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    plain = base_url.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as e:
        results.notes.append(f"PostgreSQL skipped: cannot connect to {plain}: {e}")
        return
    try:
        size = SIZES[size_name]
        run_store(results, f"{base_url}?schema={schema}", size.pg_plans, size, workdir,
                  full=False, only=only)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TRACKER_BENCH_POSTGRES_URL", os.environ.get("TRACKER_TEST_POSTGRES_URL", PG_DEFAULT)))
    parser.add_argument("--no-postgres", action="store_true", help="Skip the PostgreSQL part.")
    parser.add_argument("--keep", action="store_true", help="Keep the SQLite store afterwards.")
    parser.add_argument("--only", choices=["asof", "rebuild"],
                        help="Only the as-of against live figures (SQLite), or only the full "
                             "rebuild and its read+decode baseline (SQLite, and PostgreSQL "
                             "unless --no-postgres), e.g. to check them at the large size "
                             "without the whole run.")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="With --only asof: measure the store a --keep run left in DIR "
                             "instead of generating one.")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    logging.getLogger("projections").setLevel(logging.ERROR)
    began = time.perf_counter()
    results = Results(args.size, meta={"python": platform.python_version(),
                                       "machine": platform.machine(),
                                       "cpus": os.cpu_count(), "started": time.ctime()})
    if args.reuse is not None and (args.only != "asof" or not (args.reuse / "bench.db").is_file()):
        parser.error("--reuse needs --only asof and a directory a --keep run left")
    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        run_store(results, f"sqlite:///{workdir / 'bench.db'}", SIZES[args.size].plans,
                  SIZES[args.size], workdir, full=True, only=args.only,
                  reuse=args.reuse is not None)
        if args.only:
            results.notes.append(f"only the {args.only} figures (--only)")
        if args.no_postgres:
            results.notes.append("PostgreSQL skipped (--no-postgres)")
        elif args.only != "asof":  # the as-of figures are SQLite's only
            step(results, "postgres", postgres, results, args.size, workdir, args.postgres_url,
                 args.only)
    finally:
        if args.reuse is not None:
            results.notes.append(f"the store a kept run left in {workdir}, reused")
        elif args.keep:
            results.notes.append(f"store kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    results.meta["seconds"] = round(time.perf_counter() - began, 1)
    results.finish()
    print(table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dumps(results.as_dict()), encoding="utf-8")
    print(f"wrote {args.output} ({results.meta['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
