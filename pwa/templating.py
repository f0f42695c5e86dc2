"""What every page's template calls many times, made cheap: links without arguments and translations.

A page calls ``url_for`` and ``_()`` dozens of times. A link with no arguments is the same for
every request of a process under one script root, so it is built once; the page's catalog is
looked up once per request and its language (which ``force_locale`` may change mid-request)
is checked on each use.
"""
from __future__ import annotations

from flask import current_app, g, has_app_context, request
from flask_babel import get_translations, gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

from .extensions import kept_in_process


def init_app(app) -> None:
    app.jinja_env.globals["url_for"] = url_for
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # ``_()`` straight to the catalog: Jinja's own ``_`` passes through two more template calls on each use.
    app.jinja_env.globals["_"] = _gettext


@pass_eval_context
def _gettext(eval_context, message: str, **variables) -> str:
    """``_()`` in a template, as Jinja's newstyle ``gettext`` does it: escaped where the page is, always formatted."""
    text = _catalog().ugettext(message)
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables


def lazy_gettext(message: str) -> LazyString:
    """Flask-Babel's lazy string, read through the page's catalog: for vocabularies a list shows on every row."""
    return LazyString(_translate, message)


def _translate(message: str) -> str:
    if not has_app_context():
        return gettext(message)
    return _catalog().ugettext(message)


def url_for(endpoint: str, **values) -> str:
    """``flask.url_for``; a link with no arguments is built once per process and script root."""
    if values or endpoint.startswith(".") or current_app.debug:
        return current_app.url_for(endpoint, **values)
    key = (request.script_root if request else "", endpoint)
    return kept_in_process("dera_links", key, lambda: current_app.url_for(endpoint))


def _catalog():
    """The page's translations: found once per request and language."""
    babel_context = getattr(g, "_flask_babel", None)
    locale = getattr(babel_context, "babel_locale", None)
    cached = g.get("_dera_catalog")
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    babel_context = getattr(g, "_flask_babel", None)
    g._dera_catalog = (getattr(babel_context, "babel_locale", None), translations)
    return translations
