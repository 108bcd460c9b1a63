"""Ed25519 signatures of audit chain heads, with the instance's own key.

The signed message is the UTF-8 of the RFC 8785 serialisation of
``{"chain_head": <hash>, "count": <records>}``; keys and signatures travel as lowercase hex.
Whoever holds the published public key can tell a chain this instance exported from one
recomputed after an edit.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "audit_signing_key"
_HEX_KEY = re.compile(r"[0-9a-f]{64}")
_HEX_SIG = re.compile(r"[0-9a-f]{128}")


def head_message(chain_head: str, count: int) -> bytes:
    """The bytes that are signed: the JCS form of the head and the record count."""
    return rfc8785.dumps({"chain_head": chain_head, "count": count})


class HeadSigner:
    """Signs chain heads with one Ed25519 private key."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        self.public_key: str = raw.hex()

    def sign(self, chain_head: str, count: int) -> dict[str, Any]:
        """The head, its count, the public key and the signature, as a JSON-ready dict."""
        signature = self._key.sign(head_message(chain_head, count)).hex()
        return {"chain_head": chain_head, "count": count, "public_key": self.public_key,
                "signature": signature}


def load_signer(instance: str | os.PathLike[str]) -> HeadSigner:
    """The instance's signer; the key is generated into the instance folder on first use."""
    path = Path(instance) / KEY_FILE
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=KEY_FILE + ".", dir=path.parent)  # mode 0600
        partial = Path(name)
        with os.fdopen(fd, "wb") as fp:
            fp.write(pem)
            fp.flush()
            os.fsync(fp.fileno())
        try:
            os.link(partial, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        partial.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return HeadSigner(key)


def is_public_key(value: object) -> bool:
    """Whether value looks like a public key in hex (64 lowercase hex digits)."""
    return isinstance(value, str) and _HEX_KEY.fullmatch(value) is not None


def signature_valid(chain_head: str, count: int, signature: object, public_key: str) -> bool:
    """Whether signature (hex) signs the head and count under public_key (hex)."""
    if not is_public_key(public_key) or not isinstance(signature, str) \
            or _HEX_SIG.fullmatch(signature) is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            bytes.fromhex(signature), head_message(chain_head, count))
    except (InvalidSignature, ValueError):
        return False
    return True
