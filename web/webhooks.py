"""The webhook delivery worker: a background thread that turns new events into signed POSTs.

It reads the event store after each hook's position, queues deliveries, sends them with an
HMAC-SHA256 signature and retries failures with exponential back-off. Commands never wait for
it and never see its errors.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from projections.events import Envelope, decode
from tracker.application import TrackerApplication
from tracker.webhooks import SIGNATURE_HEADER, Hook, Webhooks, matches, sign, utcnow

log = logging.getLogger("tracker.webhooks")
BATCH = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not something to follow with the signed body."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookWorker:
    """Queues and delivers webhook calls on its own thread; every setting from the app config."""

    def __init__(self, app: TrackerApplication, store: Webhooks,
                 config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.app = app
        self.store = store
        self.interval = float(config.get("WEBHOOK_POLL_SECONDS", 1.0))
        self.backoff = float(config.get("WEBHOOK_BACKOFF_SECONDS", 5.0))
        self.max_backoff = float(config.get("WEBHOOK_MAX_BACKOFF_SECONDS", 3600.0))
        self.max_attempts = int(config.get("WEBHOOK_MAX_ATTEMPTS", 10))
        self.timeout = float(config.get("WEBHOOK_TIMEOUT_SECONDS", 5.0))
        self._opener = urllib.request.build_opener(_NoRedirect)
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
        if self.store.hooks(active_only=True):
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
        cache: dict[int, Envelope] = {}
        queued = 0
        for hook in self.store.hooks(active_only=True):
            queued += self._queue_for(hook, cache)
        return queued

    def _queue_for(self, hook: Hook, cache: dict[int, Envelope]) -> int:
        batch = self.app.recorder.select_notifications(
            hook.position, BATCH, inclusive_of_start=False)
        if not batch:
            return 0
        rows = []
        for notification in batch:
            env = cache.get(notification.id)
            if env is None:
                env = cache[notification.id] = decode(self.app, notification, self.app.timezone)
            if matches(hook.event_types, env.aggregate_type, env.event_type):
                rows.append({"seq": env.seq, "event_type": f"{env.aggregate_type}."
                             f"{env.event_type}", "payload": payload(env)})
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
        request = urllib.request.Request(delivery["url"], data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": "accountability-tracker",
            SIGNATURE_HEADER: sign(delivery["secret"], body),
            "X-Tracker-Event": delivery["event_type"],
            "X-Tracker-Delivery": str(delivery["id"])})
        status: int | None = None
        error: str | None = None
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            status, error = e.code, f"HTTP {e.code}"
            e.close()
        except (OSError, ValueError) as e:  # refused, timed out, unreachable, bad URL
            error = str(e) or type(e).__name__
        ok = status is not None and 200 <= status < 300
        attempts = delivery["attempts"] + 1
        next_at = None
        if not ok and attempts < self.max_attempts:
            delay = min(self.max_backoff, self.backoff * 2 ** (attempts - 1))
            next_at = utcnow() + timedelta(seconds=delay)
        if not ok:
            log.warning("webhook delivery %s to %s failed (attempt %s): %s", delivery["id"],
                        delivery["url"], attempts, error or status)
        self.store.record_attempt(delivery["id"], ok, status, error, next_at)


def payload(env: Envelope) -> str:
    """The JSON body of one event's delivery."""
    return json.dumps({
        "seq": env.seq, "timestamp": env.at.isoformat() + "Z", "actor": env.actor,
        "aggregate_type": env.aggregate_type, "aggregate_id": env.aggregate_id,
        "event_type": env.event_type, "version": env.version, "data": env.data,
    }, ensure_ascii=False, sort_keys=True)
