"""Whole pages through the Flask app, signed in: the grouped board against the plain board of
the same plan, and the leader report and review pages of one plan in a store holding only that
plan against the same plan in the whole store (does a page grow with the store's history?)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.commandpath import bench_app
from bench.generator import generate
from bench.measure import Results, timed
from projections.engine import ReadModels
from tracker.application import TrackerApplication
from tracker.storage import parse_database_url

log = logging.getLogger("bench")
LOGIN, PASSWORD = "bench-pages", "bench-password-1234"
BOARD, HISTORY = "board pages", "pages against history"
GROUPED_FROM = 5000  # plans at least this big get the grouped-board figures


class SignedIn:
    """A test client of the web app on a store, signed in as an administrator."""

    def __init__(self, url: str, instance: Path) -> None:
        self.app = bench_app(url, instance, LOGIN, PASSWORD)
        self.services = self.app.extensions["tracker"]
        self.client = self.app.test_client()
        answer = self.client.post("/login", data={"username": LOGIN, "password": PASSWORD})
        if answer.status_code not in (200, 302, 303):
            raise RuntimeError(f"sign-in answered {answer.status_code}")

    def get(self, path: str) -> int:
        """GET a page; its size in bytes (anything but 200 is an error)."""
        answer = self.client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path} answered {answer.status_code}")
        return len(answer.data)

    def ms(self, path: str, reps: int) -> list[float]:
        self.get(path)  # warm-up: templates compiled, statement caches, pages in memory
        return [timed(lambda: self.get(path)) * 1e3 for _ in range(reps)]

    def close(self) -> None:
        self.services.close()


def grouped_boards(results: Results, url: str, workdir: Path, plans: dict[str, int],
                   reps: int) -> None:
    """Each big plan's board page grouped by unit and by owner, against its plain board page."""
    web = SignedIn(url, workdir / "instance-pages")
    try:
        for key, size in sorted(plans.items(), key=lambda kv: kv[1]):
            if size < GROUPED_FROM:
                continue
            plain = f"board page, {size} items"
            results.add(BOARD, plain, "ms", web.ms(f"/plans/{key}/board", reps),
                        note="first page of each column")
            for lane in ("unit", "owner"):
                path = f"/plans/{key}/board?lane={lane}"
                results.add(BOARD, f"board page by {lane}, {size} items", "ms",
                            web.ms(path, reps), baseline=plain,
                            note=f"first page of lanes, {web.get(path) // 1024} KB")
    finally:
        web.close()


REPORT_PAGES = (("leader report page", "/reports/leaders?plan={}"),
                ("review page", "/reports/review?plan={}"))


def report_pages(web: SignedIn, plan_key: str, reps: int) -> dict[str, list[float]]:
    return {name: web.ms(path.format(plan_key), reps) for name, path in REPORT_PAGES}


def against_history(results: Results, url: str, workdir: Path, plan_sizes: tuple[int, ...],
                    plan_key: str, reps: int) -> None:
    """The first plan's report pages in the whole store, and in a store generated with the same
    seed and people but only that plan (the same items, owners, units and lifecycles)."""
    alone_dir = Path(tempfile.mkdtemp(prefix="plan-alone-", dir=workdir))
    alone_url = f"sqlite:///{alone_dir / 'alone.db'}"
    store = parse_database_url(alone_url)
    app = TrackerApplication(env=store.es_env, timezone=ZoneInfo("UTC"))
    gen = generate(app, list(plan_sizes[:1]), people_for=sum(plan_sizes))
    rm = ReadModels(app, store)
    rm.create_tables()
    rm.rebuild()
    alone_events = rm.head()
    rm.close()
    app.close()
    first = next(iter(gen.plans))
    if first != plan_key:
        raise RuntimeError(f"the plan alone is {first}, not {plan_key}")
    web = SignedIn(alone_url, alone_dir / "instance")
    try:
        alone = report_pages(web, plan_key, reps)
    finally:
        web.close()
    web = SignedIn(url, workdir / "instance-pages")
    try:
        whole = report_pages(web, plan_key, reps)
        whole_events = web.services.read_models.head()
    finally:
        web.close()
    size = plan_sizes[0]
    for name, _path in REPORT_PAGES:
        base = f"{name}, {size}-item plan alone in its store"
        results.add(HISTORY, base, "ms", alone[name], note=f"{alone_events} events")
        results.add(HISTORY, f"{name}, {size}-item plan in the whole store", "ms", whole[name],
                    baseline=base, note=f"{whole_events} events, {sum(plan_sizes)} items")

