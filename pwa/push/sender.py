"""The one seam to the push services: pywebpush, with its answers turned into outcomes.

404 and 410 mean the subscription is gone; 429 and 5xx (and network errors)
mean try again later; anything else is a failure that retrying will not fix.
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass

import requests
from pywebpush import WebPushException, webpush

# RFC 8291 with aes128gcm leaves 3,993 bytes of plaintext in a 4,096-byte message.
MAX_PAYLOAD_BYTES = 3993


class Outcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"
    RETRY = "retry"
    FAILED = "failed"


@dataclass
class Result:
    outcome: Outcome
    status_code: int | None = None
    retry_after: int | None = None


class PayloadTooLarge(ValueError):
    pass


def encode_payload(payload: dict) -> str:
    """JSON text of the payload, refused when it would not fit in one push message."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(f"push payload of {len(text.encode())} bytes exceeds {MAX_PAYLOAD_BYTES}")
    return text


def _retry_after(response) -> int | None:
    value = response.headers.get("Retry-After") if response is not None else None
    return int(value) if value and value.isdigit() else None


def send(subscription_info: dict, data: str, vapid, subject: str, ttl: int, urgency: str, timeout: float = 10) -> Result:
    """Encrypt ``data`` (aes128gcm) and post it to the subscription's push service."""
    try:
        response = webpush(
            subscription_info,
            data=data,
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},  # a fresh dict each call: pywebpush writes aud and exp into it
            content_encoding="aes128gcm",
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=timeout,
        )
    except WebPushException as error:
        response = error.response
        code = response.status_code if response is not None else None
        if code in (404, 410):
            return Result(Outcome.GONE, code)
        if code is None or code == 429 or code >= 500:
            return Result(Outcome.RETRY, code, _retry_after(response))
        return Result(Outcome.FAILED, code)
    except (requests.ConnectionError, requests.Timeout):
        return Result(Outcome.RETRY)
    return Result(Outcome.SENT, response.status_code)
