"""The glossary (translations/GLOSSARY.md) holds: one word for one thing in both catalogs."""
import re

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT


def _rows():
    rows = []
    for line in (ROOT / "translations" / "GLOSSARY.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] not in ("concept", "---"):
            rows.append(dict(zip(("concept", "sq", "en", "where", "not_this"), cells)))
    return rows


def _ticked(cell):
    return re.findall(r"`([^`]+)`", cell)


def _messages(language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                yield ids, strings


def _word(word, flags=re.I):
    """A whole word, or every word that starts with it when it ends with ``*``."""
    stem = word.endswith("*")
    return re.compile(r"(?<!\w)" + re.escape(word.rstrip("*")) + ("" if stem else r"(?!\w)"), flags)


ROWS = _rows()


def test_the_glossary_has_the_concepts_the_screens_need():
    concepts = " ".join(row["concept"] for row in ROWS)
    for concept in ("consent", "check-in", "case manager, on her screens", "case manager, on staff screens", "date to reach",
                    "paused", "waiting", "personal data", "details of a service", "request", "characters", "delete", "hide", "next"):
        assert concept in concepts, concept


@pytest.mark.parametrize("row", ROWS, ids=[row["concept"] for row in ROWS])
def test_no_catalog_uses_a_word_the_glossary_rules_out(row):
    offenders = []
    for banned in _ticked(row["not_this"]):
        language, word = ("en", banned[3:]) if banned.startswith("en:") else ("sq", banned)
        pattern = _word(word)
        offenders += [f"{language}: {strings[0]!r}" for _, strings in _messages(language) if any(pattern.search(s) for s in strings)]
    assert not offenders, f"{row['concept']}: not this word: {offenders[:5]}"


@pytest.mark.parametrize("row", [r for r in ROWS if _ticked(r["sq"]) and _ticked(r["en"])], ids=lambda r: r["concept"])
def test_every_message_about_a_concept_uses_its_albanian_word(row):
    english = [_word(word, flags=0) for word in _ticked(row["en"])]
    albanian = [_word(word.rstrip("*") + "*") for word in _ticked(row["sq"])]
    wrong = [
        (ids[0], strings[0]) for ids, strings in _messages("sq")
        if any(p.search(ids[0]) for p in english) and not all(any(a.search(s) for a in albanian) for s in strings)
    ]
    assert not wrong, f"{row['concept']}: use {_ticked(row['sq'])}: {wrong[:5]}"


def test_the_glossary_test_catches_a_word_it_rules_out(tmp_path):
    """The check itself can fail: 'pranoj' in a message is found."""
    assert _word("pranoj").search("E pranoj planin tim") and not _word("pranoj").search("Jap pëlqimin")
    assert _word("synim*").search("Synimi: 5 maj") and not _word("shih").search("para se të shihej")


def test_albanian_uses_one_apostrophe():
    """T’i, t’u, s’kam: always the typographic apostrophe, never the typewriter one."""
    typed = [strings[0] for _, strings in _messages("sq") if any("'" in s for s in strings)]
    assert not typed, typed[:5]
