"""Schemathesis, fuzzing every operation of /api/openapi.json (valid and invalid requests, an
administrator's token), finds no server error, undocumented status, off-schema answer, invalid
request accepted, or valid request refused for its shape (the spec is as strict as the API)."""

from __future__ import annotations

import os
from typing import Any
from uuid import UUID

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)
from schemathesis.core.parameters import ParameterLocation
from webfixtures import *  # noqa: F403
from webfixtures import PLAN_KEY, api_token, bearer, services_of

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, negative_data_rejection,
          missing_required_header, unsupported_method, allow_header_conformance,
          use_after_free]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))  # more for a deeper run
# A refusal for the request's shape: the spec should have called such a request invalid.
SHAPE = ("must be a whole number", "must be a date", "must be text", "is required",
         "Unknown field", "must be a list", "must be true or false", "not valid JSON",
         "must be a JSON object", "must be one of", "must be an http")


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_nothing(seeded_app: Flask, mode: GenerationMode) -> None:
    seeded_app.config["WEBHOOKS_ENABLED"] = False  # fuzzed URLs are registered, never called
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", seeded_app)
    headers = bearer(api_token(seeded_app, "admin"))
    item_ids = [c["id"] for c in services_of(seeded_app).queries.board(PLAN_KEY)]
    failures: list[str] = []
    statuses: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            fuzz(operation, mode, headers, item_ids, failures, statuses)
        except Unsatisfiable:  # nothing to make invalid in this operation (e.g. health)
            assert mode == GenerationMode.NEGATIVE
    assert not failures, "\n\n".join(failures[:5])
    assert len(statuses) > 100 and (mode == GenerationMode.NEGATIVE or 200 in statuses)


def is_uuid(value: Any) -> bool:
    """Whether a generated path value is a well-formed UUID (the negative mode breaks some)."""
    try:
        UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def token_negated(case: Any) -> bool:
    """Whether this negative case's mutation is the missing token: then it is sent without
    one (adding ours would send a request the case calls invalid but that is valid, and
    with another part's mutation lost in serialisation, e.g. a null query value, the check
    would report a valid request as accepted invalid data)."""
    meta = case.meta
    return (meta is not None and meta.generation.mode.is_negative
            and meta.is_negative_at(ParameterLocation.HEADER)
            and "authorization" not in {k.lower() for k in case.headers or {}})


def fuzz(operation: Any, mode: GenerationMode, headers: dict[str, str], item_ids: list[str],
         failures: list[str], statuses: list[int]) -> None:
    """Send generated requests for one operation (through WSGI) and check the answers."""

    @given(case=operation.as_strategy(generation_mode=mode),
           real=st.sampled_from([None, *item_ids]))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any, real: str | None) -> None:
        if real is not None and is_uuid((case.path_parameters or {}).get("item_id")):
            case.path_parameters["item_id"] = real  # a valid id stays valid: now a real one
        response = case.call(headers={} if token_negated(case) else headers)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as e:  # noqa: BLE001 - collected and reported with the request
            failures.append(f"{case.method} {case.formatted_path} {response.status_code}: {e}")
        if mode == GenerationMode.POSITIVE and response.status_code in (400, 422):
            message = str((response.json() or {}).get("message", ""))
            if any(s in message for s in SHAPE):
                failures.append(f"{case.method} {case.formatted_path} valid by the spec but "
                                f"refused: {message} (body {case.body!r:.200}, "
                                f"query {case.query!r:.200})")

    run()
