"""The OpenAPI document is true: it names exactly the /api routes, and every operation
documents its answers (schemathesis fuzzes it in test_api_schemathesis.py)."""

from __future__ import annotations

from flask import Flask
from webfixtures import *  # noqa: F403

from tracker.domain.lifecycle import COMMANDS
from web.api.openapi import rule_path, spec_paths


def api_rules(app: Flask) -> dict[str, set[str]]:
    """Every /api rule of the app as an OpenAPI path with its methods."""
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
            out.setdefault(rule_path(rule), set()).update(methods)
    return out


def test_spec_describes_exactly_the_api_routes(web_app: Flask) -> None:
    spec = web_app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec_paths(spec) == api_rules(web_app)
    for name in COMMANDS:
        body = spec["paths"][f"/api/items/{{item_id}}/{name}"]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == {f.name for f in COMMANDS[name].fields} | {
            "expected_version"}


def test_every_operation_documents_its_answers(web_app: Flask) -> None:
    spec = web_app.test_client().get("/api/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["responses"], (method, path)
            if operation.get("security") != []:
                assert "401" in operation["responses"], (method, path)
