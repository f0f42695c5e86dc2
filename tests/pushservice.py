"""A local push service for tests: it receives real encrypted web push messages and decrypts them.

It plays both sides a real push needs: the push service (an HTTP endpoint
that answers 201, or whatever status a test queues) and the browser (a P-256
key pair and auth secret, as ``PushManager.subscribe`` makes).
"""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float = field(default_factory=time.monotonic)


@dataclass
class Browser:
    """One subscribed browser: its endpoint and the keys to read what arrives."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    service: "PushService"

    @property
    def p256dh(self) -> str:
        raw = self.private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return _b64(raw)

    @property
    def auth_b64(self) -> str:
        return _b64(self.auth)

    def subscription_json(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth_b64}}

    def received(self) -> list[Received]:
        path = self.endpoint.split("127.0.0.1", 1)[1].split("/", 1)[1]
        return [r for r in self.service.received if r.path == "/" + path]

    def messages(self) -> list[dict]:
        """Every message that reached this browser, decrypted (aes128gcm) and parsed."""
        return [
            json.loads(http_ece.decrypt(r.body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"))
            for r in self.received()
        ]

    def answer_next(self, *statuses: int, retry_after: int | str | None = None) -> None:
        """Make the push service answer the next requests for this browser with these statuses."""
        for status in statuses:
            self.service.answers.setdefault(self.endpoint.rsplit("/", 1)[1], deque()).append((status, retry_after))


@dataclass
class PushService:
    url: str
    received: list[Received] = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    # Seconds to wait before answering each message: a slow push service.
    delay: float = 0.0

    def browser(self) -> Browser:
        token = _b64(os.urandom(12))
        return Browser(f"{self.url}/push/{token}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16), self)


def start(certificate: tuple | None = None) -> tuple[PushService, ThreadingHTTPServer]:
    """Serve on a free local port; over HTTPS when given a (certificate, key) pair, as real push services are."""
    service = PushService(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if service.delay:
                time.sleep(service.delay)
            service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            queue = service.answers.get(self.path.rsplit("/", 1)[1])
            status, retry_after = queue.popleft() if queue else (201, None)
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
            self.send_header("Content-Length", "0")
            self.end_headers()
            if status >= 300:
                service.received.pop()  # a refused message was not delivered

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if certificate is not None:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    service.url = f"{scheme}://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server
