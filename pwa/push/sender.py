"""The one seam to the push services: pywebpush's asynchronous path, with its answers turned into outcomes.

404 and 410 mean the subscription is gone; 429 and 5xx (and network errors)
mean try again later; 403 means the push service refuses us for this
subscription (Apple does so for a placeholder VAPID subject); anything else is
a failure that retrying will not fix.

A worker sends from one event loop (``Pusher``): many messages in flight from
one thread, without threads handing each message to one another. pywebpush and
aiohttp are imported only here, when a worker starts (``preload``) or opens a
``Pusher``: a web process, which only queues messages, never loads them.
"""
from __future__ import annotations

import asyncio
import enum
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import urlsplit
from urllib.request import getproxies

# RFC 8291 with aes128gcm leaves 3,993 bytes of plaintext in a 4,096-byte message,
# less the room kept for the message id added when it is sent.
MAX_PAYLOAD_BYTES = 3993 - 32


class Outcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"
    REFUSED = "refused"
    RETRY = "retry"
    FAILED = "failed"


@dataclass
class Result:
    outcome: Outcome
    status_code: int | None = None
    retry_after: int | None = None


class VapidHeaders:
    """The VAPID ``Authorization`` header for each push service, signed once and sent until near its expiry.

    pywebpush signs a new token for every message; RFC 8292 lets one token serve every
    message to the same push service until it expires, and signing is a tenth of a send.
    """

    LIFETIME = 12 * 3600  # what pywebpush gives a token
    RENEW_BEFORE = 3600  # a token is replaced this long before it expires

    def __init__(self, vapid, subject: str):
        self.vapid, self.subject = vapid, subject
        self._signed: dict[str, tuple[int, dict]] = {}

    def for_endpoint(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = int(time.time())
        signed = self._signed.get(audience)
        if signed is None or signed[0] - now < self.RENEW_BEFORE:
            expires = now + self.LIFETIME
            # A fresh dict: py_vapid writes into the claims it is given.
            signed = self._signed[audience] = (expires, self.vapid.sign({"sub": self.subject, "aud": audience, "exp": expires}))
        return signed[1]


class PayloadTooLarge(ValueError):
    pass


def encode_payload(payload: dict) -> str:
    """JSON text of the payload, refused when it would not fit in one push message."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"push payload of {len(text.encode())} bytes exceeds {MAX_PAYLOAD_BYTES}")
    return text


def with_id(data: str, message_id: int) -> str:
    """The payload with the message's id, which the service worker uses as the notification's tag."""
    return json.dumps({**json.loads(data), "id": message_id}, ensure_ascii=False, separators=(",", ":"))


def retry_after_seconds(value: str | None, now: datetime | None = None) -> int | None:
    """``Retry-After`` as seconds from now: given as seconds or as an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0, int((when - (now or datetime.now(timezone.utc))).total_seconds()))


def _trusted_certificates() -> str:
    """Where the certificates a push service's own must chain to are: as requests chooses them (its variables, else certifi's)."""
    chosen = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if chosen:
        return chosen
    import certifi

    return certifi.where()


@lru_cache(maxsize=4)
def _tls(certificates: str):
    """A TLS context trusting ``certificates``, made once per process: reading them takes a worker's round 25 ms."""
    import ssl

    return ssl.create_default_context(cafile=certificates)


def preload() -> None:
    """Load what sending needs (pywebpush, aiohttp, the TLS context) now: a worker does so as it starts, not when the first message is due."""
    import aiohttp  # noqa: F401
    import pywebpush  # noqa: F401

    _tls(_trusted_certificates())


class Pusher:
    """A worker's connections to the push services, for one round: ``async with Pusher(at_once) as pusher``.

    At most ``at_once`` connections are open (one message in flight on each); more
    messages wait their turn. A message is encrypted, and its time limit starts, only when
    its turn comes: one behind slow answers is not given up for the time it waited, and the
    event loop is not held up encrypting what cannot be sent yet. Proxies named in the
    environment (``HTTPS_PROXY``, ``NO_PROXY``) are honoured, looked up per message only
    when there are some.
    """

    def __init__(self, at_once: int, timeout: float = 10):
        self.at_once, self.timeout = at_once, timeout

    async def __aenter__(self) -> "Pusher":
        import aiohttp
        from pywebpush import WebPusher

        self._web_pusher, self._errors = WebPusher, (aiohttp.ClientError, asyncio.TimeoutError, OSError)
        self._timeout = aiohttp.ClientTimeout(total=self.timeout)
        self._turns = asyncio.Semaphore(self.at_once)
        connector = aiohttp.TCPConnector(limit=self.at_once, ssl=_tls(_trusted_certificates()))
        self._http = aiohttp.ClientSession(connector=connector, trust_env=bool(getproxies()))
        return self

    async def __aexit__(self, *exc) -> None:
        await self._http.close()

    async def send(self, subscription_info: dict, data: str, vapid: VapidHeaders, ttl: int, urgency: str, topic: str | None = None) -> Result:
        """Encrypt ``data`` (aes128gcm) and post it to the subscription's push service, signed with ``vapid``'s header."""
        headers = {"Urgency": urgency, **vapid.for_endpoint(subscription_info["endpoint"])}
        if topic:
            headers["Topic"] = topic  # RFC 8030 §5.4: replaces an undelivered message with the same topic
        try:
            async with self._turns:
                response = await self._web_pusher(subscription_info, aiohttp_session=self._http).send_async(
                    data, headers, ttl=ttl, content_encoding="aes128gcm", timeout=self._timeout
                )
        except self._errors:
            return Result(Outcome.RETRY)
        code = response.status
        if code <= 202:
            return Result(Outcome.SENT, code)
        if code in (404, 410):
            return Result(Outcome.GONE, code)
        if code == 403:
            return Result(Outcome.REFUSED, code)
        if code == 429 or code >= 500:
            return Result(Outcome.RETRY, code, retry_after_seconds(response.headers.get("Retry-After")))
        return Result(Outcome.FAILED, code)
