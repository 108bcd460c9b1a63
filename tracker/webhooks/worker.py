"""The webhook delivery worker: a background thread that turns new events into signed POSTs.

It reads the event store after each hook's position, queues deliveries, sends them with an
HMAC-SHA256 signature over a timestamp and the body, and retries failures with exponential
back-off. Every delivery checks its target again. Commands never wait for it and never see its
errors. (No Flask here: the web's services start it, a CLI process could too.)
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from tracker.errors import TrackerError
from tracker.jsonvalues import jsonable
from tracker.webhooks.sender import post
from tracker.webhooks.store import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Hook,
    Webhooks,
    matches,
    sign,
    utcnow,
)
from tracker.webhooks.targets import redact

log = logging.getLogger("tracker.webhooks")
BATCH = 200
HIDDEN = ("originator_id", "originator_version", "timestamp", "originator_topic", "actor")


class WebhookWorker:
    """Queues and delivers webhook calls on its own thread; every setting from the app config."""

    def __init__(self, app: Application[Any], store: Webhooks,
                 config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.app = app
        self.store = store
        self.interval = float(config.get("WEBHOOK_POLL_SECONDS", 1.0))
        self.backoff = float(config.get("WEBHOOK_BACKOFF_SECONDS", 5.0))
        self.max_backoff = float(config.get("WEBHOOK_MAX_BACKOFF_SECONDS", 3600.0))
        self.max_attempts = int(config.get("WEBHOOK_MAX_ATTEMPTS", 10))
        self.timeout = float(config.get("WEBHOOK_TIMEOUT_SECONDS", 5.0))
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    # -- the thread ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (once)."""
        with self._guard:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._loop, name="webhook-worker",
                                                daemon=True)
                self._thread.start()

    def start_if_hooks(self) -> None:
        """Start the thread when some hook is active."""
        if self.store.hooks():
            self.start()

    def wake(self) -> None:
        """Look for new events now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001 - the worker must outlive a bad moment
                log.exception("webhook worker: pass failed; retrying")
                busy = False
            if not busy:
                self._wake.wait(self.interval)
                self._wake.clear()

    # -- one pass -----------------------------------------------------------------------------

    def run_once(self) -> bool:
        """Queue what is new and send what is due; whether anything was done."""
        queued = self.queue_new_events()
        sent = self.send_due()
        return bool(queued or sent)

    def queue_new_events(self) -> int:
        """One delivery per new event that an active hook wants."""
        cache: dict[int, tuple[str, str, str]] = {}
        queued = 0
        for hook in self.store.hooks():
            queued += self._queue_for(hook, cache)
        return queued

    def _queue_for(self, hook: Hook, cache: dict[int, tuple[str, str, str]]) -> int:
        batch = self.app.recorder.select_notifications(
            hook.position, BATCH, inclusive_of_start=False)
        if not batch:
            return 0
        rows = []
        for notification in batch:
            decoded = cache.get(notification.id)
            if decoded is None:
                decoded = cache[notification.id] = payload(self.app, notification)
            aggregate_type, event_type, body = decoded
            if matches(hook.event_types, aggregate_type, event_type):
                rows.append({"seq": notification.id, "payload": body,
                             "event_type": f"{aggregate_type}.{event_type}"})
        self.store.enqueue(hook.id, hook.position, batch[-1].id, rows)
        return len(rows)

    def send_due(self) -> int:
        """Attempt every due delivery once."""
        sent = 0
        for delivery in self.store.due():
            if self._stop.is_set():
                break
            if not self.store.claim(delivery["id"], self.timeout + 30):
                continue
            self._attempt(delivery)
            sent += 1
        return sent

    def _attempt(self, delivery: dict[str, Any]) -> None:
        body = delivery["payload"].encode("utf-8")
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json", "User-Agent": "accountability-tracker",
            TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign(delivery["secret"], stamp, body),
            "X-Tracker-Event": delivery["event_type"],
            "X-Tracker-Delivery": str(delivery["id"])}
        status: int | None = None
        error: str | None = None
        refused = False
        try:
            status = post(delivery["url"], body, headers, self.timeout, self.store.allow)
        except TrackerError as e:  # the target now resolves to an address it may not reach
            refused, error = True, e.msgid % e.params if e.params else e.msgid
        except (OSError, ValueError, http.client.HTTPException) as e:  # down, timed out
            error = str(e) or type(e).__name__
        ok = status is not None and 200 <= status < 300
        if status is not None and not ok:
            error = f"HTTP {status}"
        attempts = delivery["attempts"] + 1
        next_at = None
        if not ok and not refused and attempts < self.max_attempts:
            delay = min(self.max_backoff, self.backoff * 2 ** (attempts - 1))
            next_at = utcnow() + timedelta(seconds=delay)
        if not ok:
            log.warning("webhook delivery %s to %s failed (attempt %s): %s", delivery["id"],
                        redact(delivery["url"]), attempts, error)
        self.store.record_attempt(delivery["id"], ok, status, error, next_at)


def payload(app: Application[Any], notification: Notification) -> tuple[str, str, str]:
    """The aggregate type, event type and JSON body of one event's delivery."""
    event = app.mapper.to_domain_event(notification)
    values = vars(event)
    stamp: datetime = values["timestamp"]
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    qualname = notification.topic.rpartition(":")[2]
    aggregate_type, _, event_type = qualname.rpartition(".")
    body = json.dumps({
        "seq": notification.id, "actor": str(values.get("actor") or ""),
        "timestamp": aware.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z",
        "aggregate_type": aggregate_type, "aggregate_id": str(notification.originator_id),
        "event_type": event_type, "version": int(notification.originator_version),
        "data": jsonable({k: v for k, v in values.items() if k not in HIDDEN}),
    }, ensure_ascii=False, sort_keys=True)
    return aggregate_type, event_type, body
