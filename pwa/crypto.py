"""Encryption at rest for free text (notes), with a key kept outside the database.

The key is ``NOTES_KEY`` (a Fernet key: AES-128-CBC with HMAC-SHA256). Columns
of type ``EncryptedText`` are encrypted when written and decrypted when read;
the database only ever sees ciphertext.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator


class NotesKeyError(RuntimeError):
    """The stored text cannot be read with the configured key."""


def _fernet() -> Fernet:
    return Fernet(current_app.config["NOTES_KEY"].encode())


def encrypt_text(text: str) -> bytes:
    return _fernet().encrypt(text.encode("utf-8"))


def decrypt_text(token: bytes) -> str:
    try:
        return _fernet().decrypt(bytes(token)).decode("utf-8")
    except InvalidToken as error:
        raise NotesKeyError("a note could not be decrypted: is DERA_NOTES_KEY the key it was written with?") from error


class EncryptedText(TypeDecorator):
    """Free text encrypted at rest with the notes key."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt_text(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt_text(value)
