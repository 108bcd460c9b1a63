"""Webhooks: subscriptions an administrator registers, their checked targets, the delivery log
and the worker that sends signed POSTs (see docs/webhooks.md)."""

from tracker.webhooks.kinds import check_event_types, event_types
from tracker.webhooks.store import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Hook,
    Webhooks,
    deliveries_table,
    hooks_table,
    matches,
    sign,
    utcnow,
)
from tracker.webhooks.targets import TargetRefusedError, check_target, redact
from tracker.webhooks.worker import WebhookWorker

__all__ = [
    "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "Hook", "TargetRefusedError", "WebhookWorker",
    "Webhooks", "check_event_types", "check_target", "deliveries_table", "event_types",
    "hooks_table", "matches", "redact", "sign", "utcnow",
]
