"""How the worker reaches the push services: over HTTPS trusting what requests would trust, and through the environment's proxy."""
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from pwa.extensions import db
from pwa.models import utcnow
from pwa.push import services
from pwa.push.keys import load_vapid
from tests import pushservice
from tests.deploy.stack import self_signed_certificate


def _deliver(app):
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    return services.deliver_due_messages(db.session, utcnow(), vapid, "mailto:test@dera.invalid")


@pytest.fixture
def https_browser(app, people, push_service, tmp_path):
    """Lulja's browser on a push service that speaks HTTPS with a certificate of its own."""
    cert, key = self_signed_certificate(tmp_path)
    service, server = pushservice.start(certificate=(cert, key))
    browser = service.browser()
    services.save_subscription(db.session, people.lulja, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    db.session.commit()
    yield browser, cert
    server.shutdown()


def test_a_push_service_whose_certificate_is_trusted_gets_the_message(app, people, https_browser, monkeypatch):
    browser, cert = https_browser
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
    db.session.commit()
    assert _deliver(app)["sent"] == 1
    assert len(browser.messages()) == 1


def test_a_push_service_whose_certificate_is_not_trusted_gets_nothing_and_the_message_waits(app, people, https_browser, monkeypatch):
    browser, _ = https_browser
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
    db.session.commit()
    assert _deliver(app)["retry"] == 1
    assert browser.received() == []


class _Proxy(ThreadingHTTPServer):
    """A forwarding HTTP proxy that notes each address it was asked for."""

    def __init__(self):
        self.asked: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (http.server's name)
                proxy.asked.append(self.path)
                target = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name: value for name, value in self.headers.items() if name.lower() not in ("host", "proxy-connection", "connection")}
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                upstream.request("POST", target.path, body=body, headers=headers)
                answer = upstream.getresponse()
                answer.read()
                self.send_response(answer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                upstream.close()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def test_the_proxy_named_in_the_environment_carries_the_message(app, people, subscribed, monkeypatch):
    proxy = _Proxy()
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_port}")
        services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
        db.session.commit()
        assert _deliver(app)["sent"] == 1
        assert proxy.asked == [subscribed.endpoint]
        assert len(subscribed.messages()) == 1
    finally:
        proxy.shutdown()


def test_an_address_the_environment_says_to_reach_directly_bypasses_the_proxy(app, people, subscribed, monkeypatch):
    proxy = _Proxy()
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_port}")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
        db.session.commit()
        assert _deliver(app)["sent"] == 1
        assert proxy.asked == [] and len(subscribed.messages()) == 1
    finally:
        proxy.shutdown()
