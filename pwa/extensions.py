"""Flask extensions, created once here; ``create_app`` only calls ``init_app``."""
from flask import current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Session as SQLAlchemySession

from .signing import keyed_digest, secret_keys


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def client_key() -> str:
    """A rate-limit key for the client that is not its IP address.

    Limits are kept per client, but the address itself never reaches storage
    or logs: it is replaced by a keyed hash.
    """
    return keyed_digest(secret_keys(), (request.remote_addr or "unknown").encode())[:32]


db = SQLAlchemy(model_class=Base)
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
limiter = Limiter(key_func=client_key, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys (cascades), and let readers and one writer work side by side."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.close()


def kept_in_process(store: str, key, compute, limit: int = 4096):
    """``compute()``, kept by this app process under ``key`` in the store named ``store``.

    For what is the same on every request that asks with the same key (links, compressed static
    files, a rendered public list): the store is emptied when it reaches ``limit`` entries.
    """
    kept = current_app.extensions.setdefault(store, {})
    try:
        return kept[key]
    except KeyError:
        pass
    if len(kept) >= limit:
        kept.clear()
    kept[key] = value = compute()
    return value


def remembered(session, key, compute):
    """``compute()``, kept for the rest of this unit of work: forgotten at every flush, commit and rollback.

    For answers a request asks for several times (who is on duty now), which only a write could change.
    """
    memo = session.info.setdefault("dera_memo", {})
    try:
        return memo[key]
    except KeyError:
        memo[key] = value = compute()
        return value


def _forget(session, *args) -> None:
    session.info.pop("dera_memo", None)


for _event in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(SQLAlchemySession, _event, _forget)
