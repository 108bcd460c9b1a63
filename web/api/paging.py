"""Paged API lists: ``limit`` and ``offset`` (or an ``after`` cursor) in, the page, the
``total`` and the ``next`` page out (a field and an RFC 8288 ``Link`` header)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, request, url_for

from tracker.errors import ValidationError
from web.api.common import int_arg, json_response

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10**9
MAX_SEQ = 2**63 - 1


class PagingError(ValidationError):
    """A limit, offset or cursor that is not a whole number in range (400)."""

    status = 400


def whole(name: str, default: int, low: int, high: int) -> int:
    """A paging argument: a whole number within bounds, else 400 naming the field."""
    return int_arg(name, default, low, high, PagingError)


@dataclass(frozen=True)
class Page:
    """Which slice of a list the request asks for."""

    limit: int
    offset: int

    @classmethod
    def from_args(cls) -> Page:
        """limit (default 100, at most 1000) and offset (default 0) from the query string."""
        return cls(whole("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), whole("offset", 0, 0, MAX_OFFSET))


def next_url(**changes: Any) -> str:
    """This request's address with some query arguments changed (relative, as url_for)."""
    args: dict[str, Any] = {**request.args.to_dict(), **(request.view_args or {}),
                            **{k: str(v) for k, v in changes.items()}}
    assert request.endpoint is not None
    return url_for(request.endpoint, **args)


def with_next(response: Response, next_page: str | None) -> Response:
    """The Link header that points at the next page, when there is one."""
    if next_page is not None:
        response.headers["Link"] = f'<{next_page}>; rel="next"'
    return response


def paged(key: str, rows: list[Any], total: int, page: Page, **extra: Any) -> Response:
    """One page of a list by offset: the rows under key, total, limit, offset and next."""
    end = page.offset + len(rows)
    next_page = next_url(offset=end, limit=page.limit) if rows and end < total else None
    body = {**extra, key: rows, "total": total, "limit": page.limit, "offset": page.offset,
            "next": next_page}
    return with_next(json_response(body), next_page)
