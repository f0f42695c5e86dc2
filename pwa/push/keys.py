"""VAPID keys: made by ``flask --app pwa push keys`` and kept in a file, never in the database."""
from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid


def make_key_file(path: Path) -> None:
    """Write a new P-256 private key (PEM, readable only by its owner)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Vapid:
    return Vapid.from_file(private_key_file=path)


def load_vapid(path: str | os.PathLike) -> Vapid | None:
    """The VAPID key from ``path``, or None when there is none (push is then off)."""
    path = Path(path)
    if not path.exists():
        return None
    return _load(str(path), path.stat().st_mtime)


def public_key(vapid: Vapid) -> str:
    """The application server key browsers subscribe with (base64url, uncompressed point)."""
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
