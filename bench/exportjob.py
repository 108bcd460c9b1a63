"""One audit export (or its read+decode baseline) in a fresh process, for peak memory.

``python -m bench.exportjob URL MODE UNTIL_SEQ OUTPUT`` prints one JSON line:
events, seconds, rss_start_mb, rss_peak_mb: this process's own high-water mark (VmHWM).
``ru_maxrss`` is not: Linux carries the parent's resident size over fork and exec into it,
so a job started by a big bench process would report the bench's size.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any


def rss_mb() -> float:
    """The process's peak resident size in MB (its memory map's own, since exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(url: str, until_seq: int, output: str) -> int:
    """What ``tracker export audit`` does (records from the read side, chained as JSON Lines),
    up to a seq; the read models are taken as they stand (the bench built them)."""
    from bench.readside import make_queries
    from projections.engine import ReadModels
    from tracker.application import TrackerApplication
    from tracker.auditchain import ChainWriter
    from tracker.auditexport import audit_members
    from tracker.storage import parse_database_url

    store = parse_database_url(url, create_table=False)
    app = TrackerApplication(env=store.es_env)
    queries = make_queries(ReadModels(app, store))
    with open(output, "w", encoding="utf-8", newline="\n") as fp:
        writer = ChainWriter(fp)
        for members in audit_members(queries):
            if int(members["seq"]) > until_seq:
                break
            writer.write_members(members)
        return int(writer.close()["count"])


def decode(url: str, until_seq: int) -> int:
    from bench.baselines import read_decode
    from tracker.application import TrackerApplication
    from tracker.storage import parse_database_url

    store = parse_database_url(url, create_table=False)
    return read_decode(TrackerApplication(env=store.es_env), 0, until_seq)


def main(argv: list[str]) -> None:
    url, mode, until, output = argv[0], argv[1], int(argv[2]), argv[3]
    import sqlalchemy  # noqa: F401  (imports before the start mark, as the app would have)

    import tracker.application  # noqa: F401

    start = rss_mb()
    began = time.perf_counter()
    count = export(url, until, output) if mode == "export" else decode(url, until)
    out: dict[str, Any] = {"events": count, "seconds": time.perf_counter() - began,
                           "rss_start_mb": start, "rss_peak_mb": rss_mb()}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
