"""Model fields whose values are encrypted at rest."""

from __future__ import annotations

from typing import Any

from django.db import models

from joorsync.core.crypto import decrypt_str, encrypt_str


class EncryptedTextField(models.TextField):
    """A text column holding Fernet ciphertext; Python code only ever sees the plaintext.

    Empty strings and None are stored as they are, so "no secret" stays queryable.
    Lookups other than isnull/exact-empty make no sense on ciphertext and are not supported.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_str(value)

    def to_python(self, value: Any) -> str | None:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(value)
