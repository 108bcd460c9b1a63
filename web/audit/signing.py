"""The instance's audit signer, loaded once per app from the instance folder."""

from __future__ import annotations

from flask import current_app

from tracker.auditsign import HeadSigner, load_signer
from web.services import services


def head_signer() -> HeadSigner:
    """The signer of chain heads (its key is generated into the instance folder if missing)."""
    signer = current_app.extensions.get("audit_signer")
    if signer is None:
        signer = load_signer(services().settings.instance)
        current_app.extensions["audit_signer"] = signer
    return signer
