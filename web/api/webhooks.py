"""Webhooks (administrators only): register, list, remove, and the delivery log."""

from __future__ import annotations

from flask import Response, current_app

from tracker.permissions import authorize
from web.api import bp
from web.api.common import api_user, json_body, json_response
from web.api.paging import Page, paged
from web.services import services


def _admin() -> None:
    authorize(api_user().actor, "webhook")  # the rules say who; only administrators pass


@bp.get("/webhooks")
def list_webhooks() -> Response:
    """The registered webhooks, a page at a time."""
    _admin()
    page = Page.from_args()
    hooks = [h.public() for h in services().webhooks.hooks()]  # a handful, set by admins
    return paged("webhooks", hooks[page.offset:page.offset + page.limit], len(hooks), page)


@bp.post("/webhooks")
def register_webhook() -> Response:
    """Register a URL for some event types → 201 with the signing secret (shown once)."""
    _admin()
    body = json_body()
    svc = services()
    position = int(svc.tracker.recorder.max_notification_id() or 0)
    hook = svc.webhooks.register(body.get("url"), body.get("event_types"),  # type: ignore[arg-type]
                                 position, api_user().actor.name)
    if current_app.config.get("WEBHOOKS_ENABLED", True):
        svc.webhook_worker.start()
    return json_response({**hook.public(), "secret": hook.secret}, 201)


@bp.delete("/webhooks/<int:hook_id>")
def remove_webhook(hook_id: int) -> Response:
    """Remove a webhook: nothing more is sent; it and its log answer 404 from now on."""
    _admin()
    return json_response(services().webhooks.deactivate(hook_id).public())


@bp.get("/webhooks/<int:hook_id>/deliveries")
def webhook_deliveries(hook_id: int) -> Response:
    """The hook's delivery log, newest first: status, attempts, last answer or error."""
    _admin()
    svc = services()
    svc.webhooks.get(hook_id)
    page = Page.from_args()
    rows = svc.webhooks.deliveries(hook_id, limit=page.limit, offset=page.offset)
    return paged("deliveries", rows, svc.webhooks.count_deliveries(hook_id), page,
                 webhook=hook_id)
