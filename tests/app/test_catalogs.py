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


PYBABEL = [sys.executable, "-c", "from babel.messages.frontend import main; main()"]


def _makefile_variable(name):
    """A variable of the Makefile, so the tests extract exactly as ``make translations`` does."""
    return re.search(rf"^{name} = (.*)$", (ROOT / "Makefile").read_text(), flags=re.M).group(1).split()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The messages in the code today, extracted afresh as ``make translations`` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [*PYBABEL, "extract", "-F", "babel.cfg", *_makefile_variable("EXTRACT_KEYWORDS"), "--add-comments=TRANSLATORS:",
         "--no-location", "--sort-output", "--project=Dera", "--copyright-holder=Dera contributors", "--width=100",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    return pot


@pytest.fixture(scope="module")
def extracted(template):
    with template.open("rb") as handle:
        return {(message.context, message.id) for message in read_po(handle) if message.id}


def test_catalogs_are_what_make_translations_would_write(template):
    """``pybabel update --check``: no message missing, none left over, comments and contexts as in the code."""
    result = subprocess.run(
        [*PYBABEL, "update", "--check", "--ignore-pot-creation-date", "-i", str(template), "-d", "translations",
         "--no-fuzzy-matching", "--ignore-obsolete", "--width=100"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:] + "\n(run: make translations)"


def test_every_short_message_has_a_translator_comment(template):
    """Words like "Closed" or "Show" mean different things on different screens; a comment says which."""
    with template.open("rb") as handle:
        catalog = read_po(handle)
    bare = [
        str(message.id) for message in catalog
        if message.id and len((message.id[0] if isinstance(message.id, tuple) else message.id).split()) < 3
        and not message.auto_comments
    ]
    assert not bare, f"add a TRANSLATORS: comment before these: {bare[:20]} ({len(bare)})"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_in_the_catalog(extracted, language):
    catalog_ids = {(message.context, message.id) for message in _catalog(language) if message.id}
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
    """``msgfmt --check --statistics``: every message translated, none fuzzy, formats intact."""
    for language in LANGUAGES:
        po = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
        result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
