"""Reverse proxies: trust exactly the ones configured, and say so once when an unknown one speaks."""
from __future__ import annotations

import logging

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger("dera.proxies")


def init_app(app) -> None:
    """Read ``X-Forwarded-*`` from ``TRUSTED_PROXIES`` proxies, or warn once that they are ignored."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
        return
    warned = []

    @app.before_request
    def _warn_of_an_untrusted_proxy():
        # Without trust every client behind the proxy shares one address, so one
        # person's rate limit becomes the whole organisation's.
        if not warned and "X-Forwarded-For" in request.headers:
            warned.append(True)
            log.warning(
                "A request came with X-Forwarded-For, but Dera trusts no proxy: rate limits see the proxy's "
                "address for every client. Behind nginx, set DERA_TRUSTED_PROXIES=1 (the number of proxies)."
            )
