"""Symmetric encryption of stored secrets (access tokens, API credentials).

Keys come from FIELD_ENCRYPTION_KEY (comma-separated Fernet keys, newest first, so old ciphertexts
stay readable during a rotation). Without it, local runs derive one key from SECRET_KEY; production
refuses to, so that a leaked or default SECRET_KEY never also opens the stored credentials.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored ciphertext could not be decrypted with any configured key."""


def _derived_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(b"joorsync-field-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    raw = [k.encode() for k in keys] or [_derived_key(secret_key)]
    try:
        return MultiFernet([Fernet(k) for k in raw])
    except ValueError as exc:  # never echo the key itself
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must hold valid Fernet keys") from exc


def get_fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if keys:
        return _fernet(keys, "")
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be set in production (no key is derived from SECRET_KEY there)"
        )
    return _fernet((), settings.SECRET_KEY)


def encrypt_str(plaintext: str) -> str:
    return get_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_str(ciphertext: str) -> str:
    try:
        return get_fernet().decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured keys") from exc
