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
