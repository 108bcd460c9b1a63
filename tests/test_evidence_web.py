"""Evidence from the item page and the API: stored by SHA-256 and recorded in an event; refused
(with a message, nothing stored) over the limit or of a refused type; downloaded as an
attachment with nosniff; a file changed on disk is flagged and not served."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from boardfixtures import iid, sign_in, version_of
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader
from webfixtures import api_token, bearer, make_web_app, seed, services_of

PDF = b"%PDF-1.4\n branch meeting minutes \n%%EOF\n"
LIMIT = 4096
INCLUDE = '{% include "audit/_evidence.html" %}'


@pytest.fixture
def small_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The seeded web app with a 4 KB evidence limit (from the instance's tracker.toml)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "tracker.toml").write_text(f"TRACKER_EVIDENCE_MAX_BYTES = {LIMIT}\n")
    app = make_web_app(database_url, instance)
    with_evidence_on_the_item_page(app)
    seed(app)
    yield app
    services_of(app).close()


def with_evidence_on_the_item_page(app: Flask) -> None:
    """items/_item.html with the evidence fragment included (as the item page includes it)."""
    source = Path(app.root_path, "templates", "items", "_item.html").read_text("utf-8")
    if INCLUDE not in source:
        timeline = '<section class="timeline"'
        assert timeline in source
        source = source.replace(timeline, f"{INCLUDE}\n  {timeline}", 1)
    app.jinja_loader = ChoiceLoader([DictLoader({"items/_item.html": source}),  # type: ignore[assignment]
                                     FileSystemLoader(Path(app.root_path, "templates"))])


def stored_files(app: Flask) -> list[Path]:
    folder = services_of(app).settings.evidence_folder
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def head(app: Flask) -> int | None:
    return services_of(app).tracker.recorder.max_notification_id()


def upload(client: FlaskClient, token: str, key: str, name: str, data: bytes,
           version: int | None = None) -> tuple[int, str]:
    response = client.post(f"/items/{iid(key)}/evidence", headers={"HX-Request": "true"},
                           content_type="multipart/form-data", data={
                               "csrf_token": token, "expected_version": str(version or 1),
                               "file": (io.BytesIO(data), name)})
    return response.status_code, response.get_data(as_text=True)


def test_the_owner_uploads_a_file_stored_by_hash_and_recorded_in_an_event(
        small_app: Flask) -> None:
    client = small_app.test_client()
    token = sign_in(client, "member")
    status, html = upload(client, token, "mine", "会议纪要.pdf", PDF, version_of(client, "mine"))
    assert status == 200, html
    assert "The file was attached." in html
    sha = hashlib.sha256(PDF).hexdigest()
    assert services_of(small_app).settings.evidence_folder.joinpath(sha[:2], sha).read_bytes() \
        == PDF
    item = services_of(small_app).tracker.get_item(iid("mine"))
    assert item.evidence == [{"sha256": sha, "name": "会议纪要.pdf", "size": len(PDF),  # type: ignore[attr-defined]
                              "content_type": "application/pdf", "description": ""}]
    history = services_of(small_app).queries.history(iid("mine"))
    assert history[-1]["event_type"] == "EvidenceAttached"
    assert history[-1]["data"]["sha256"] == sha
    audit = services_of(small_app).queries.audit(event_type="EvidenceAttached")
    assert [a["data"]["sha256"] for a in audit] == [sha]  # the audit chain covers the hash
    trail = client.get("/audit?event_type=EvidenceAttached").get_data(as_text=True)
    assert f"attached the file 会议纪要.pdf to “负责人的事项” (SHA-256 {sha})" in trail
    assert "会议纪要.pdf" in html and f"/evidence/{sha}" in html  # listed on the item page


@pytest.mark.parametrize(("name", "data", "message"), [
    ("big.pdf", b"%PDF-" + b"x" * LIMIT, "larger than"),
    ("huge.pdf", b"%PDF-" + b"x" * (200 * 1024), "larger than"),
    ("tool.exe", b"MZ\x90\x00", "not accepted"),
    ("page.html", b"<script>alert(1)</script>", "not accepted"),
    ("fake.png", b"<svg onload=alert(1)>", "does not match"),
])
def test_a_refused_file_gets_a_message_and_nothing_is_stored(
        small_app: Flask, name: str, data: bytes, message: str) -> None:
    client = small_app.test_client()
    token = sign_in(client, "member")
    before = head(small_app)
    status, html = upload(client, token, "mine", name, data, version_of(client, "mine"))
    assert status in (413, 422)
    assert message in html
    assert head(small_app) == before
    assert stored_files(small_app) == []


def test_others_and_viewers_may_not_upload(small_app: Flask) -> None:
    for who in ("other", "viewer"):
        client = small_app.test_client()
        token = sign_in(client, who)
        status, _ = upload(client, token, "mine", "a.pdf", PDF, version_of(client, "mine"))
        assert status == 403
    assert stored_files(small_app) == []


def test_a_form_without_its_csrf_token_is_refused(small_app: Flask) -> None:
    client = small_app.test_client()
    sign_in(client, "member")
    status, _ = upload(client, "not-the-token", "mine", "a.pdf", PDF)
    assert status == 400 and stored_files(small_app) == []


def test_the_api_uploads_and_the_page_downloads_as_an_attachment(small_app: Flask) -> None:
    api = small_app.test_client()
    headers = bearer(api_token(small_app, "leader"))
    response = api.post(f"/api/items/{iid('mine')}/evidence", headers=headers,
                        data={"file": (io.BytesIO(b"signed attendance"), "签到表.txt")},
                        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    sha = hashlib.sha256(b"signed attendance").hexdigest()
    assert (body["sha256"], body["size"], body["content_type"]) == (sha, 17, "text/plain")
    refused = api.post(f"/api/items/{iid('mine')}/evidence", headers=headers,
                       data={"file": (io.BytesIO(b"x" * (LIMIT + 1)), "big.txt")},
                       content_type="multipart/form-data")
    assert refused.status_code == 422 and "larger than" in refused.get_json()["message"]
    client = small_app.test_client()
    sign_in(client, "viewer")
    with client.get(f"/items/{iid('mine')}/evidence/{sha}") as download:
        assert download.status_code == 200 and download.data == b"signed attendance"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.mimetype == "text/plain"
    assert client.get(f"/items/{iid('theirs')}/evidence/{sha}").status_code == 404


def test_a_file_changed_on_disk_is_flagged_on_the_item_page_and_not_served(
        small_app: Flask) -> None:
    client = small_app.test_client()
    token = sign_in(client, "member")
    upload(client, token, "mine", "minutes.txt", b"as agreed", version_of(client, "mine"))
    sha = hashlib.sha256(b"as agreed").hexdigest()
    path = services_of(small_app).settings.evidence_folder / sha[:2] / sha
    assert "no longer matches" not in fragment(small_app, "mine")
    path.write_bytes(b"as NOT agreed")
    html = fragment(small_app, "mine")
    assert "minutes.txt" in html and "no longer matches the recorded SHA-256" in html
    assert client.get(f"/items/{iid('mine')}/evidence/{sha}").status_code == 409
    path.unlink()
    assert "missing from the evidence store" in fragment(small_app, "mine")


def fragment(app: Flask, key: str) -> str:
    """The item page as the owner sees it."""
    client = app.test_client()
    sign_in(client, "member")
    return client.get(f"/items/{iid(key)}").get_data(as_text=True)
