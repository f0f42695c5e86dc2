"""Encryption at rest for free text (notes), with keys kept outside the database.

``NOTES_KEY`` holds one Fernet key (AES-128-CBC with HMAC-SHA256), or several
separated by commas, the newest first: the newest encrypts, every one of them
decrypts (``MultiFernet``). Columns of type ``EncryptedText`` are encrypted when
written and decrypted when read; the database only ever sees ciphertext.

Rotating the key: put a new key in front, restart, run ``flask --app pwa notes
rekey`` (it re-encrypts every row with the new key, in batches, and can be run
again after an interruption), then remove the old key.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import LargeBinary, select, type_coerce, update
from sqlalchemy.types import TypeDecorator


class NotesKeyError(RuntimeError):
    """The stored text cannot be read with the configured keys."""


def notes_keys(setting: str) -> list[str]:
    """The keys in a ``NOTES_KEY`` setting, newest first."""
    return [key for key in setting.replace(",", " ").split() if key]


@lru_cache(maxsize=8)
def _fernet_for(setting: str) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in notes_keys(setting)])


def _fernet() -> MultiFernet:
    return _fernet_for(current_app.config["NOTES_KEY"])


def encrypt_text(text: str) -> bytes:
    return _fernet().encrypt(text.encode("utf-8"))


def decrypt_text(token: bytes) -> str:
    try:
        return _fernet().decrypt(bytes(token)).decode("utf-8")
    except InvalidToken as error:
        raise NotesKeyError("a note could not be decrypted: does DERA_NOTES_KEY list the key it was written with?") from error


class EncryptedText(TypeDecorator):
    """Free text encrypted at rest with the notes key."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt_text(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt_text(value)


def encrypted_columns(metadata) -> list:
    """Every ``EncryptedText`` column of every table."""
    return [column for table in metadata.sorted_tables for column in table.columns if isinstance(column.type, EncryptedText)]


def rekey(session, metadata, batch: int = 500, progress=None) -> dict[str, int]:
    """Re-encrypt every encrypted value with the newest key; how many values each column had re-encrypted.

    Rows already under the newest key are left alone, so an interrupted run
    simply continues. Each row is written only if it still holds the
    ciphertext that was read, so an edit made meanwhile by the app is kept.
    """
    keys = _fernet()
    newest = Fernet(notes_keys(current_app.config["NOTES_KEY"])[0].encode())
    done: dict[str, int] = {}
    for column in encrypted_columns(metadata):
        table, key = column.table, column.table.primary_key.columns.values()[0]
        stored = type_coerce(column, LargeBinary)  # the ciphertext as stored, not decrypted
        name = f"{table.name}.{column.name}"
        done[name], after = 0, None
        while True:
            query = select(key, stored).where(column.is_not(None)).order_by(key).limit(batch)
            if after is not None:
                query = query.where(key > after)
            rows = session.execute(query).all()
            if not rows:
                break
            for row_id, token in rows:
                token = bytes(token)
                try:
                    newest.decrypt(token)
                    continue  # already under the newest key
                except InvalidToken:
                    pass
                try:
                    fresh = keys.rotate(token)
                except InvalidToken as error:
                    raise NotesKeyError(f"{name} row {row_id} cannot be read with any key in DERA_NOTES_KEY") from error
                changed = session.execute(
                    update(table).where(key == row_id, stored == type_coerce(token, LargeBinary)).values({column.name: type_coerce(fresh, LargeBinary)})
                ).rowcount
                done[name] += changed
            session.commit()
            after = rows[-1][0]
            if progress:
                progress(name, after, done[name])
    return done

