"""Encryption at rest of biometric data (face templates and enrolment photos), with Fernet (AES-128-CBC + HMAC).

The key is FACE_TEMPLATE_KEY when set (a urlsafe-base64 32-byte Fernet key), otherwise derived from SECRET_KEY
with HKDF-SHA256, so a database dump alone never reveals a template. Read at call time, never at import.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import numpy as np
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

TEMPLATE_DTYPE = np.dtype("<f8")
TEMPLATE_LENGTH = 128


@lru_cache(maxsize=4)
def _fernet(explicit_key: str, secret_key: str) -> Fernet:
    if explicit_key:
        return Fernet(explicit_key.encode())
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hc-training-biometrics", info=b"face-template-v1")
    return Fernet(base64.urlsafe_b64encode(derived.derive(secret_key.encode())))


def fernet() -> Fernet:
    return _fernet(getattr(settings, "FACE_TEMPLATE_KEY", ""), settings.SECRET_KEY)


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return fernet().decrypt(bytes(token))


def encrypt_template(encoding: np.ndarray) -> bytes:
    """A 128-d encoding as encrypted bytes (little-endian float64 inside the Fernet token)."""
    values = np.asarray(encoding, dtype=TEMPLATE_DTYPE)
    if values.shape != (TEMPLATE_LENGTH,):
        raise ValueError(f"a face template has {TEMPLATE_LENGTH} values, not {values.shape}")
    return encrypt_bytes(values.tobytes())


def decrypt_template(token: bytes) -> np.ndarray:
    return np.frombuffer(decrypt_bytes(token), dtype=TEMPLATE_DTYPE).astype(np.float64)
