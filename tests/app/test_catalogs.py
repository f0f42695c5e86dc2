"""Every user-facing string exists in Albanian and English; no word the UI must never show."""
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from tests.conftest import FORBIDDEN_WORDS, ROOT

LANGUAGES = ["sq", "en"]


def _catalog(language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the code today, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_in_the_catalog(extracted, language):
    catalog_ids = {message.id for message in _catalog(language) if message.id}
    missing = sorted(str(m) for m in extracted - catalog_ids)
    assert not missing, f"not in {language}: {missing[:10]} (run: make translations)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    problems = []
    for message in _catalog(language):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(str(message.id))
    assert not problems, f"{language}: untranslated or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) == wanted, (message.id, string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_forbidden_word_in_any_translation(language):
    for message in _catalog(language):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*strings, *(message.id if isinstance(message.id, tuple) else (message.id,))):
            assert not FORBIDDEN_WORDS.search(text or ""), text


def test_no_forbidden_word_in_templates_scripts_or_data():
    files = [
        p for p in (ROOT / "pwa").rglob("*")
        if p.suffix in {".html", ".js", ".json", ".webmanifest", ".svg", ".css"} and "vendor" not in p.parts
    ]
    offenders = [str(p) for p in files if FORBIDDEN_WORDS.search(p.read_text(errors="ignore"))]
    assert not offenders


def test_catalogs_compile_without_warnings():
    for language in LANGUAGES:
        po = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
        result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
