"""Links and translations that pages use many times are made once, and stay right."""
import re

from flask_babel import force_locale, gettext

from pwa.extensions import db
from pwa.i18n import page_language


def _links(html):
    return set(re.findall(r'href="(/[^"]*)"', html))


def test_links_follow_the_address_the_app_is_served_under(client, org):
    plain = client.get("/contacts").get_data(as_text=True)
    mounted = client.get("/contacts", environ_overrides={"SCRIPT_NAME": "/dera"}).get_data(as_text=True)
    assert "/trusted-people" in {link.split("?")[0] for link in _links(plain)}
    assert _links(mounted) and all(link.startswith("/dera/") for link in _links(mounted))
    again = client.get("/contacts").get_data(as_text=True)
    assert _links(again) == _links(plain)


def test_static_addresses_carry_the_files_hash_under_any_address(client, org):
    mounted = client.get("/contacts", environ_overrides={"SCRIPT_NAME": "/dera"}).get_data(as_text=True)
    assert re.search(r'href="/dera/static/css/dera\.css\?v=[0-9a-f]{10}"', mounted)
    plain = client.get("/contacts").get_data(as_text=True)
    assert re.search(r'href="/static/css/dera\.css\?v=[0-9a-f]{10}"', plain)


def test_pages_follow_a_language_forced_inside_the_request(app, org):
    with app.test_request_context("/"):
        assert page_language() == "sq"
        sq = app.jinja_env.from_string("{{ _('Today') }} {{ get_locale() }}").render()
        with force_locale("en"):
            en = app.jinja_env.from_string("{{ _('Today') }} {{ get_locale() }}").render()
            assert gettext("Today") == "Today"
        back = app.jinja_env.from_string("{{ _('Today') }} {{ get_locale() }}").render()
    assert en == "Today en"
    assert sq == back and sq.endswith(" sq") and not sq.startswith("Today ")


def test_the_language_she_chooses_is_the_pages_language(client, people, login_as):
    login_as(people.lulja)
    assert '<html lang="sq">' in client.get("/today").get_data(as_text=True)
    people.lulja.locale = "en"
    db.session.commit()
    page = client.get("/today")
    assert '<html lang="en">' in page.get_data(as_text=True) and page.headers["Content-Language"] == "en"


def test_texts_and_labels_follow_the_pages_language_and_are_escaped_as_jinja_would(app, org):
    """``_()`` and the vocabularies' lazy labels go straight to the page's catalog, following ``force_locale`` too."""
    from pwa.help.labels import URGENCY_LABELS
    from pwa.plan.vocabulary import STAGES

    page = "{{ _('Today') }}|{{ URGENCY_LABELS['now'] }}|{{ _('Hello, %(name)s', name='<b>') }}|{{ plan_stage }}"
    with app.test_request_context("/"):
        sq = app.jinja_env.from_string(page).render(plan_stage=STAGES["crisis"].label)
        expected = f"{gettext('Today')}|{gettext('Now')}|{gettext('Hello, %(name)s', name='&lt;b&gt;')}|{gettext('Crisis stage (0–6 months)')}"
        with force_locale("en"):
            en = app.jinja_env.from_string(page).render(plan_stage=STAGES["crisis"].label)
    assert en == "Today|Now|Hello, &lt;b&gt;|Crisis stage (0–6 months)"
    assert sq == expected and sq != en
