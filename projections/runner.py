"""The `tracker projections run` loop: follow the store, survive every error."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from projections.engine import ReadModels

log = logging.getLogger(__name__)
POLL_SECONDS = 0.2
RETRY_SECONDS = 1.0


def run_forever(rm: ReadModels, stop: threading.Event | None = None) -> None:
    """Catch up, then follow new events (subscription on PostgreSQL, polling on SQLite)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            if rm.store.kind == "postgres":
                follow(rm, stop)
            else:
                while not stop.is_set():
                    rm.catch_up()
                    stop.wait(POLL_SECONDS)
        except Exception:
            log.exception("Projections failed; restarting in %.1f s", RETRY_SECONDS)
            stop.wait(RETRY_SECONDS)


def follow(rm: ReadModels, stop: threading.Event) -> None:
    """Use the store's subscription as the signal that new events are there, then catch up."""
    applied = rm.catch_up()
    finished = threading.Event()
    with rm.app.recorder.subscribe(gt=applied) as subscription:

        def watch() -> None:
            while not finished.is_set() and not stop.wait(0.05):
                pass
            subscription.stop()

        watcher = threading.Thread(target=watch, name="projections-stop", daemon=True)
        watcher.start()
        try:
            for notification in subscription:
                if notification.id > applied:
                    applied = rm.catch_up()
        finally:
            finished.set()
            watcher.join()
