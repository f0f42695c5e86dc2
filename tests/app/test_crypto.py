"""Free text is encrypted at rest with the notes key."""
import pytest
from cryptography.fernet import Fernet

from pwa.crypto import NotesKeyError, decrypt_text, encrypt_text


def test_round_trip_keeps_albanian_text(app):
    assert decrypt_text(encrypt_text("Ndihem më mirë sot, faleminderit.")) == "Ndihem më mirë sot, faleminderit."


def test_ciphertext_does_not_contain_the_text(app):
    assert "mirë".encode() not in encrypt_text("mirë") and b"good" not in encrypt_text("good")


def test_a_different_key_cannot_read_it(app):
    token = encrypt_text("sekret")
    app.config["NOTES_KEY"] = Fernet.generate_key().decode()
    with pytest.raises(NotesKeyError):
        decrypt_text(token)
