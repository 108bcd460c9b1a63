"""One signed POST to a checked address: the host is resolved and vetted now, and the connection
goes to the vetted address (TLS still verifies the host name); redirects are not followed."""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urlsplit

from tracker.webhooks.targets import Network, check_url, resolve


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float,
         allow: Sequence[Network]) -> int:
    """POST the body; the answer's status. Raises ValidationError for a refused target and
    OSError for a network failure."""
    parts = check_url(url)
    address = resolve(parts, allow)[0]
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname or "", parts.port, address, timeout)
    sent = dict(headers)
    if parts.username is not None:  # credentials in the URL become Basic authentication
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        sent["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    path = urlsplit(url)._replace(scheme="", netloc="", fragment="").geturl() or "/"
    try:
        connection.request("POST", path if path.startswith("/") else "/" + path, body, sent)
        response = connection.getresponse()
        response.read(64 * 1024)
        return int(response.status)
    finally:
        connection.close()
