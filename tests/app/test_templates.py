"""Every template compiles, and every page template has a title."""
from pathlib import Path

import pytest

from tests.conftest import ROOT

TEMPLATES = sorted(p.relative_to(ROOT / "pwa" / "templates").as_posix() for p in (ROOT / "pwa" / "templates").rglob("*.html"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_compiles(app, name):
    app.jinja_env.get_template(name)


@pytest.mark.parametrize("name", [n for n in TEMPLATES if not Path(n).name.startswith("_") and "/" in n and not n.startswith("components/")])
def test_page_templates_extend_a_layout_and_set_a_title(name):
    source = (ROOT / "pwa" / "templates" / name).read_text()
    assert source.startswith("{% extends")
    assert "{% block title %}" in source


def test_no_template_loads_from_another_origin():
    for path in (ROOT / "pwa" / "templates").rglob("*.html"):
        text = path.read_text()
        assert 'src="http' not in text and "href=\"http" not in text and "//cdn" not in text, path
