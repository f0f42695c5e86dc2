"""Logs that keep nothing that opens a door: no query strings, no client addresses, no secrets in paths.

``redact`` is the one function every log line of a Dera process goes through:
``init_app`` installs it as the log record factory, so the development
server's request log, gunicorn's access and error logs, Flask's and Dera's own
loggers all write the same cleaned text. ``AccessLogger`` is the gunicorn
logger class the deployment uses, whose access log has no client address.
"""
from __future__ import annotations

import logging
import re

PLACEHOLDER = "[redacted]"

# Path segments followed by a one-time secret: enrolment codes, reset and invitation tokens.
SECRET_PATH_PREFIXES = ("enrol", "reset", "password-reset", "invite", "invitation", "token", "verify", "confirm")

_SECRET_AFTER_PREFIX = re.compile(r"(/(?:%s)/)[^/\s\"'?#]+" % "|".join(map(re.escape, SECRET_PATH_PREFIXES)), re.I)
# A path or URL followed by a query string or fragment: keep the path only.
_QUERY = re.compile(r"((?:https?://[^\s\"'/]+)?/[^\s\"'?#]*)[?#][^\s\"']*")
# Any long random-looking path segment (tokens, keys) even under a prefix nobody listed.
_TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[A-Za-z0-9_\-=]*[0-9])(?=[A-Za-z0-9_\-=]*[A-Za-z])[A-Za-z0-9_\-=]{20,}(?=[/\s\"']|$)")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
# IPv6: either a "::" or at least five colon-separated hex groups (times have at most three).
_IPV6 = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
)
_ADDRESS = "-"
_TRACEBACK = logging.Formatter()


def _ipv6(match: re.Match) -> str:
    text = match.group(0)
    if "::" in text or text.count(":") >= 5:
        return _ADDRESS
    return text


def redact(text: str) -> str:
    """``text`` as a log may keep it: paths without query strings or secrets, no IP addresses."""
    text = _QUERY.sub(r"\1", text)
    text = _SECRET_AFTER_PREFIX.sub(r"\1" + PLACEHOLDER, text)
    text = _TOKEN_SEGMENT.sub(PLACEHOLDER, text)
    text = _IPV4.sub(_ADDRESS, text)
    return _IPV6.sub(_ipv6, text)


def _redacting_factory(make_record):
    def make(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's to report
            return record
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            # Handlers reuse exc_text, so the traceback they write is the cleaned one.
            record.exc_text = redact(_TRACEBACK.formatException(record.exc_info))
        return record

    make.dera_redacting = True
    return make


def install() -> None:
    """Make every log record of this process go through ``redact`` (once, however often called)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "dera_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(factory))


def init_app(app) -> None:
    """Clean every log of the process the app runs in."""
    install()


try:  # gunicorn is a dependency, but the development server does not need it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class AccessLogger(_GunicornLogger):
    """gunicorn's logger with the request line, URL and referrer cleaned and no client address.

    ``deploy/gunicorn.conf.py`` names it as ``logger_class``; the log format there
    leaves out ``%(h)s`` as well, so the address is dropped twice.
    """

    def setup(self, cfg) -> None:
        install()
        super().setup(cfg)

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = _ADDRESS
        atoms["q"] = ""
        for key in ("r", "U", "f"):
            atoms[key] = redact(atoms.get(key) or "-")
        return atoms
