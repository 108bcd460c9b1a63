"""Where a webhook may point: http(s) URLs whose host resolves only to public addresses.

Loopback, private, link-local (cloud metadata at 169.254.169.254), shared, multicast, reserved
and unspecified addresses are refused, whatever way the URL spells them (``2130706433``,
``0x7f.1``, ``[::ffff:127.0.0.1]``), unless an operator allows a network with
``TRACKER_WEBHOOK_ALLOW``. The check runs at registration and again before every delivery, and
the delivery connects to the address that was checked (no second DNS answer is trusted).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import SplitResult, urlsplit

from tracker.errors import N_, ValidationError

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefusedError(ValidationError):
    """The webhook's host is, or resolves to, an address it may not reach."""

    code = "target_refused"


def networks(allow: Sequence[str]) -> tuple[Network, ...]:
    """The operator's allowed networks (TRACKER_WEBHOOK_ALLOW, checked by the settings)."""
    return tuple(ipaddress.ip_network(n, strict=False) for n in allow)


def check_url(url: Any) -> SplitResult:
    """An http(s) URL with a host, printable, at most 2000 characters."""
    if not isinstance(url, str) or len(url) > 2000:
        raise ValidationError(N_("url must be an http or https URL."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValidationError(N_("url must be an http or https URL.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(
            c.isspace() or not c.isprintable() for c in url):
        raise ValidationError(N_("url must be an http or https URL."))
    return parts


def public(ip: IP) -> bool:
    """Whether an address is one a webhook may reach without an operator's permission."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_private or ip.is_unspecified)


def resolve(parts: SplitResult, allow: Sequence[Network]) -> list[str]:
    """The addresses the URL's host resolves to, every one of them allowed; else refused."""
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise ValidationError(N_("The webhook's host %(host)s cannot be resolved."),
                              host=host) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not public(ip) and not any(ip in net for net in allow):
            raise TargetRefusedError(N_(
                "The webhook's host %(host)s is %(address)s, a loopback, private, link-local, "
                "multicast or reserved address; an operator can allow a network with "
                "TRACKER_WEBHOOK_ALLOW."), host=host, address=address)
    if not addresses:
        raise ValidationError(N_("The webhook's host %(host)s cannot be resolved."), host=host)
    return addresses


def check_target(url: Any, allow: Sequence[Network]) -> str:
    """The URL, if it is http(s) and its host resolves only to allowed addresses."""
    resolve(check_url(url), allow)
    return str(url)


def redact(url: str) -> str:
    """The URL without the user name and password it may carry."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()
