"""The one seam to the push services: pywebpush, with its answers turned into outcomes.

404 and 410 mean the subscription is gone; 429 and 5xx (and network errors)
mean try again later; 403 means the push service refuses us for this
subscription (Apple does so for a placeholder VAPID subject); anything else is
a failure that retrying will not fix.
"""
from __future__ import annotations

import enum
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from pywebpush import WebPushException, webpush

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


_local = threading.local()


def _http() -> requests.Session:
    """This thread's HTTP session, so that posts to the same push service reuse a connection."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


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
        self._lock = threading.Lock()  # the sending threads sign a push service's token once between them

    def for_endpoint(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = int(time.time())
        signed = self._signed.get(audience)
        if signed is None or signed[0] - now < self.RENEW_BEFORE:
            with self._lock:
                signed = self._signed.get(audience)
                if signed is None or signed[0] - now < self.RENEW_BEFORE:
                    expires = now + self.LIFETIME
                    # A fresh dict: py_vapid writes into the claims it is given.
                    signed = (expires, self.vapid.sign({"sub": self.subject, "aud": audience, "exp": expires}))
                    self._signed[audience] = signed
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


def _retry_after(response) -> int | None:
    return retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None


def send(
    subscription_info: dict, data: str, vapid: VapidHeaders, ttl: int, urgency: str, topic: str | None = None, timeout: float = 10
) -> Result:
    """Encrypt ``data`` (aes128gcm) and post it to the subscription's push service, signed with ``vapid``'s header."""
    headers = {"Urgency": urgency, **vapid.for_endpoint(subscription_info["endpoint"])}
    if topic:
        headers["Topic"] = topic  # RFC 8030 §5.4: replaces an undelivered message with the same topic
    try:
        response = webpush(
            subscription_info,
            data=data,
            content_encoding="aes128gcm",
            ttl=ttl,
            headers=headers,
            timeout=timeout,
            requests_session=_http(),
        )
    except WebPushException as error:
        response = error.response
        code = response.status_code if response is not None else None
        if code in (404, 410):
            return Result(Outcome.GONE, code)
        if code == 403:
            return Result(Outcome.REFUSED, code)
        if code is None or code == 429 or code >= 500:
            return Result(Outcome.RETRY, code, _retry_after(response))
        return Result(Outcome.FAILED, code)
    except (requests.ConnectionError, requests.Timeout):
        return Result(Outcome.RETRY)
    return Result(Outcome.SENT, response.status_code)
