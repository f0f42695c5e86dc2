"""Page weight: what a phone downloads before it can show each survivor page.

Budgets: the HTML and CSS needed for first render fit in the first TCP round
trip (14 KB compressed); all JavaScript together is at most 35 KB compressed
and loaded with ``defer`` so it never blocks the first render.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass

SURVIVOR_PAGES = {
    "Today": "/today",
    "My plan": "/plan",
    "Ask for help": "/help",
    "Services": "/services",
    "Contacts": "/contacts",
}
FIRST_RENDER_BUDGET = 14 * 1024
SCRIPT_BUDGET = 35 * 1024

_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_SCRIPT = re.compile(r"<script\b([^>]*)>")


def compressed(data: bytes) -> int:
    """Size after gzip at the level web servers use by default."""
    return len(gzip.compress(data, compresslevel=6))


@dataclass
class PageWeight:
    name: str
    path: str
    status: int
    html: int
    css: int
    scripts: int
    blocking_scripts: list[str]

    @property
    def first_render(self) -> int:
        return self.html + self.css

    def within_budget(self) -> bool:
        return (
            self.status == 200
            and self.first_render <= FIRST_RENDER_BUDGET
            and self.scripts <= SCRIPT_BUDGET
            and not self.blocking_scripts
        )


def measure(client, pages: dict[str, str] = SURVIVOR_PAGES) -> list[PageWeight]:
    """Fetch each page and the files it needs with a (signed-in) Flask test client."""
    weights = []
    for name, path in pages.items():
        response = client.get(path)
        html = response.get_data()
        text = html.decode("utf-8", "replace")
        css = sum(compressed(client.get(href).get_data()) for href in _STYLESHEET.findall(text))
        scripts, blocking = 0, []
        for attributes in _SCRIPT.findall(text):
            source = re.search(r'src="([^"]+)"', attributes)
            if source is None:
                blocking.append("inline script")
                continue
            if "defer" not in attributes and 'type="module"' not in attributes:
                blocking.append(source.group(1))
            scripts += compressed(client.get(source.group(1)).get_data())
        weights.append(PageWeight(name, path, response.status_code, compressed(html), css, scripts, blocking))
    return weights


def report(weights: list[PageWeight]) -> str:
    lines = [
        f"{'page':14} {'HTML':>7} {'CSS':>7} {'first render':>13} {'/ budget':>9} {'JS':>7} {'/ budget':>9}",
    ]
    for w in weights:
        lines.append(
            f"{w.name:14} {w.html:>7} {w.css:>7} {w.first_render:>13} {w.first_render / FIRST_RENDER_BUDGET:>9.2f}"
            f" {w.scripts:>7} {w.scripts / SCRIPT_BUDGET:>9.2f}" + ("" if w.within_budget() else "  OVER BUDGET")
        )
    lines.append(f"(bytes, gzip -6; budgets: first render {FIRST_RENDER_BUDGET}, scripts {SCRIPT_BUDGET})")
    return "\n".join(lines)
