"""Personal data at rest: an encrypted text field, a blind index for equality lookups, and
masking for the screen.

The key comes from settings.FIELD_ENCRYPTION_KEY (env JIANGUAN_FIELD_ENCRYPTION_KEY, required in
production). Values are Fernet tokens (AES-128-CBC + HMAC-SHA256); the database never holds the
clear text, and the audit trail stores "***" for these fields (BureauOwnedModel.audit_redact).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@cache
def _keys() -> tuple[Fernet, bytes]:
    secret = settings.FIELD_ENCRYPTION_KEY.encode()
    fernet_key = base64.urlsafe_b64encode(hashlib.sha256(b"fernet:" + secret).digest())
    index_key = hashlib.sha256(b"index:" + secret).digest()
    return Fernet(fernet_key), index_key


def encrypt(value: str) -> str:
    return _keys()[0].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys()[0].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEY or tampered value") from exc


def blind_index(value: str) -> str:
    """A keyed hash of the normalized value: equal values match, the value is not recoverable."""
    normalized = "".join(value.split()).upper()
    return hmac.new(_keys()[1], normalized.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python sees the clear text. Empty stays empty (not encrypted),
    so "not given" is visible without decrypting. Cannot be filtered on: use a blind index."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)


def mask(value: str, *, keep_start: int = 1, keep_end: int = 0) -> str:
    """张** / 138****5678 / 3301**********1234: what screens show by default."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + (value[-keep_end:] if keep_end else "")


def mask_phone(value: str) -> str:
    return mask(value, keep_start=3, keep_end=4)


def mask_id_number(value: str) -> str:
    return mask(value, keep_start=4, keep_end=4)


def mask_name(value: str) -> str:
    return mask(value, keep_start=1)
