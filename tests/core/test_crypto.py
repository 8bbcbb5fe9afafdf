import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from joorsync.core.crypto import DecryptionError, decrypt_str, encrypt_str


def test_round_trip_and_ciphertext_hides_plaintext():
    token = "shpat_secret_value_123"
    ciphertext = encrypt_str(token)
    assert token not in ciphertext
    assert decrypt_str(ciphertext) == token


def test_rotation_keeps_old_ciphertexts_readable(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    ciphertext = encrypt_str("v1")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert decrypt_str(ciphertext) == "v1"
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(DecryptionError):
        decrypt_str(ciphertext)


def test_invalid_key_is_a_configuration_error_without_the_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured) as info:
        encrypt_str("x")
    assert "not-a-key" not in str(info.value)


def test_production_derives_no_key_from_the_secret_key(settings):
    settings.PRODUCTION = True
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY must be set in production"):
        encrypt_str("x")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert decrypt_str(encrypt_str("x")) == "x"


def test_a_ciphertext_made_with_the_derived_key_does_not_open_in_production(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    ciphertext = encrypt_str("shpat_made_locally")  # local run: derived from SECRET_KEY
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        decrypt_str(ciphertext)
