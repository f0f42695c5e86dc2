"""The national emergency and help lines, read from a data file the organisation can edit."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app

_NUMBER = re.compile(r"^\+?[0-9 ]{3,20}$")


class NationalLinesError(ValueError):
    """The data file is not as ``pwa/data/national_lines.json`` describes."""


@dataclass(frozen=True)
class NationalLine:
    number: str
    labels: dict
    free: bool
    open_24_7: bool
    source: str

    @property
    def tel(self) -> str:
        """The ``tel:`` link: the number without spaces."""
        return "tel:" + self.number.replace(" ", "")

    def label(self, locale: str) -> str:
        return self.labels.get(locale) or self.labels["sq"]


def _line(entry: dict) -> NationalLine:
    try:
        number, sq, en, source = entry["number"], entry["sq"], entry["en"], entry["source"]
        free, open_24_7 = entry["free"], entry["open_24_7"]
    except (KeyError, TypeError) as error:
        raise NationalLinesError(f"a line lacks {error}: {entry!r}") from error
    if not isinstance(number, str) or not _NUMBER.match(number):
        raise NationalLinesError(f"not a phone number: {number!r}")
    if not all(isinstance(text, str) and text.strip() for text in (sq, en, source)):
        raise NationalLinesError(f"every line needs sq and en labels and a source: {number}")
    if not isinstance(free, bool) or not isinstance(open_24_7, bool):
        raise NationalLinesError(f"free and open_24_7 are true or false: {number}")
    return NationalLine(number, {"sq": sq, "en": en}, free, open_24_7, source)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[NationalLine, ...]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(_line(entry) for entry in data["lines"])


def load_national_lines(path: str | Path) -> tuple[NationalLine, ...]:
    """The lines in the file at ``path`` (read again whenever the file changes)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime)


def national_lines() -> tuple[NationalLine, ...]:
    """The lines of the configured data file."""
    return load_national_lines(current_app.config["NATIONAL_LINES_FILE"])
