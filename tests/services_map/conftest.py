"""Fixtures for the service directory: the starter directory and a way to empty the directory."""
import pytest
from sqlalchemy import delete

from pwa.extensions import db
from pwa.models import DirectoryLocation, DirectoryOrganization, DirectoryService
from tests.conftest import ROOT

SEED = ROOT / "pwa" / "data" / "services-albania.json"


@pytest.fixture
def seed_path():
    return SEED


def clear_directory() -> None:
    """Delete every directory record, as in a new database."""
    for service in db.session.scalars(db.select(DirectoryService)):
        db.session.delete(service)
    db.session.flush()
    db.session.execute(delete(DirectoryLocation))
    db.session.execute(delete(DirectoryOrganization))
    db.session.commit()
