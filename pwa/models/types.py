"""Column types and table options shared by the models."""
from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


# A table the workers claim rows from (``pwa/jobs.py``): on PostgreSQL its pages are filled only
# halfway, so a claim, which changes no indexed column, rewrites a row in place on its own page
# (a HOT update) instead of adding an entry to every index. SQLite has no such setting.
QUEUE_TABLE = {"postgresql_with": {"fillfactor": 50}}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A point in time stored as naive UTC and read back timezone-aware.

    SQLite keeps no zone and PostgreSQL converts on the way; storing naive UTC
    behaves the same on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)
