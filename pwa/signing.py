"""What Dera signs or keys with its secret key: made with the current key, recognised with the earlier ones too.

A rotation moves the old key into ``DERA_SECRET_KEY_FALLBACKS`` (docs/deploy.md, Rotating the
secret key). Flask checks session cookies with the fallbacks itself; everything else goes through
here (form tokens, the help queue's tokens, enrolment and recovery codes), so that what was made
before the rotation keeps working until its key is removed from the fallbacks.

``keys`` below is one key, or several with the current one first (``secret_keys()``).
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

Keys = str | Sequence[str]


def secret_keys(config: Mapping | None = None) -> tuple[str, ...]:
    """The secret keys: the current one first, then the earlier ones still accepted."""
    config = current_app.config if config is None else config
    return (config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ()))


def _listed(keys: Keys) -> list[str]:
    return [keys] if isinstance(keys, str) else list(keys)


def itsdangerous_keys(keys: Keys) -> list[str]:
    """The keys in itsdangerous's order: it signs with the last and checks with them all."""
    return list(reversed(_listed(keys)))


def serializer(keys: Keys, salt: str) -> URLSafeTimedSerializer:
    """Signs with the current key; loads what any of the keys signed."""
    return URLSafeTimedSerializer(itsdangerous_keys(keys), salt=salt)


def keyed_digest(keys: Keys, message: bytes) -> str:
    """HMAC-SHA256 of ``message`` with the current key, in hex: what is stored."""
    return hmac.new(_listed(keys)[0].encode(), message, hashlib.sha256).hexdigest()


def keyed_digests(keys: Keys, message: bytes) -> list[str]:
    """HMAC-SHA256 of ``message`` with each key, the current one first: what a stored digest may be."""
    return [keyed_digest(key, message) for key in _listed(keys)]
