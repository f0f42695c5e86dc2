"""DATA.md lists every stored field."""
import re

from pwa.extensions import db
from tests.conftest import ROOT


def test_every_column_is_listed_in_data_md(app):
    text = (ROOT / "DATA.md").read_text()
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    missing = []
    for table in db.metadata.sorted_tables:
        section = sections.get(table.name, "")
        for column in table.columns:
            if f"`{column.name}`" not in section:
                missing.append(f"{table.name}.{column.name}")
    assert not missing, f"not in DATA.md: {missing}"
