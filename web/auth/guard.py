"""What the sign-in routes share: the client's address, the 429 answer, sign-in events."""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.domain import Aggregate
from flask import render_template, request
from flask_babel import gettext as _

from tracker.accounts import client_key
from tracker.accounts.audit import Account
from tracker.accounts.audit import record as record_event
from tracker.accounts.throttle import ACCOUNT_FREE
from web.extensions import STORE_UNAVAILABLE, error_response, wants_json
from web.services import services

log = logging.getLogger("tracker.auth")


def client() -> str:
    """The throttled client: the request's address (the proxy's client behind a trusted proxy)."""
    return client_key(request.remote_addr)


def too_many(retry_after: int, template: str, **context: Any) -> Any:
    """429 with Retry-After: the form again with the wait, or JSON for API clients."""
    message = _("Too many failed attempts. Try again in %(n)s seconds.", n=retry_after)
    if wants_json():
        body, status = error_response(429, "too_many_attempts", message,
                                      retry_after=retry_after)
    else:
        form = context["form"]
        form.form_errors.append(message)
        body, status = render_template(template, **context), 429
    return body, status, {"Retry-After": str(retry_after)}


def record(kind: type[Aggregate.Event], actor: str, login: str, **fields: Any) -> None:
    """Put an account event in the audit trail; a store that refuses it does not stop sign-in."""
    if kind is not Account.SignedIn and services().accounts.find(login) is None:
        return  # no aggregate for logins that do not exist
    svc = services()
    try:
        seq = record_event(svc.tracker, kind, actor, login, **fields)
        if svc.sync_projections:  # this process keeps the read models (SQLite): show it now
            svc.sync(seq)
    except STORE_UNAVAILABLE as e:
        log.error("sign-in event %s for %s not recorded: %s", kind.__name__, login, e)


def throttled(login: str, failures: int) -> None:
    """Record a failure, and the lock its count now puts on the account."""
    record(Account.SignInFailed, f"user:{login}", login, client=client())
    if failures == ACCOUNT_FREE:
        seconds = services().accounts.throttle.lockout_seconds(failures)
        log.warning("account %r now backs off (%s failures)", login, failures)
        record(Account.Locked, f"user:{login}", login, client=client(), seconds=seconds)
