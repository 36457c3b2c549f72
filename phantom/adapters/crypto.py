"""Card encryption at rest: AES-256-GCM under a keyring (the current key plus older ones).

One value's ciphertext: format byte (1) | key id (4) | nonce (12) | ciphertext + tag. The key id is a hash
of the key, so decryption finds the right key and a rotation interrupted half-way still reads every row.
The row id and the column name are bound in as associated data: a ciphertext copied to another row or
column fails to decrypt instead of handing out someone else's card.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from phantom.domain.errors import CardUnreadable

FORMAT_V1 = 1
KEY_BYTES = 32
KEY_ID_BYTES = 4
NONCE_BYTES = 12
HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES
TAG_BYTES = 16


class MalformedKey(ValueError):
    """A key that is not urlsafe base64 of exactly 32 bytes. The message never contains the key."""


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    """Urlsafe base64 (padding optional) of 32 bytes, surrounding whitespace ignored."""
    raw = text.strip()
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise MalformedKey("not urlsafe base64") from None
    if len(key) != KEY_BYTES or encode_key(key).rstrip("=") != raw.rstrip("="):
        raise MalformedKey(f"must be urlsafe base64 of exactly {KEY_BYTES} random bytes")
    return key


def key_id(key: bytes) -> bytes:
    """4 bytes naming a key in ciphertexts: a domain-separated hash, which tells nothing about a random
    256-bit key."""
    return hashlib.sha256(b"phantom card key id\x00" + key).digest()[:KEY_ID_BYTES]


def _associated_data(row_id: str, field: str) -> bytes:
    return b"phantom/profile\x00" + field.encode() + b"\x00" + row_id.encode()


class Keyring:
    """Encrypts with the current key; decrypts with whichever key the ciphertext names. Satisfies the
    CardCipher port."""

    def __init__(self, current: bytes, older: Sequence[bytes] = ()) -> None:
        for key in (current, *older):
            if len(key) != KEY_BYTES:
                raise MalformedKey(f"a key must be {KEY_BYTES} bytes")
        self._current = current
        self._current_id = key_id(current)
        self._ciphers = {key_id(k): AESGCM(k) for k in (*older, current)}

    @property
    def current_key(self) -> bytes:
        return self._current

    @property
    def current_key_id(self) -> bytes:
        return self._current_id

    def key_ids(self) -> frozenset[bytes]:
        return frozenset(self._ciphers)

    def encrypt(self, plaintext: str, *, row_id: str, field: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._current_id].encrypt(
            nonce, plaintext.encode(), _associated_data(row_id, field)
        )
        return bytes([FORMAT_V1]) + self._current_id + nonce + sealed

    def decrypt(self, blob: bytes, *, row_id: str, field: str) -> str:
        """Raises CardUnreadable (naming the row and column, never any plaintext)."""
        if len(blob) < HEADER_BYTES + TAG_BYTES or blob[0] != FORMAT_V1:
            raise CardUnreadable(f"profile {row_id}: {field} is not a ciphertext Phantom wrote")
        kid = blob[1 : 1 + KEY_ID_BYTES]
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise CardUnreadable(
                f"profile {row_id}: {field} was encrypted under key {kid.hex()}, which is not loaded "
                "(lost or replaced master.key, or a different PHANTOM_MASTER_KEY)"
            )
        nonce = blob[1 + KEY_ID_BYTES : HEADER_BYTES]
        try:
            plain = cipher.decrypt(nonce, blob[HEADER_BYTES:], _associated_data(row_id, field))
        except InvalidTag:
            raise CardUnreadable(
                f"profile {row_id}: {field} failed authentication (altered, or copied from another row)"
            ) from None
        return plain.decode()

    def key_id_of(self, blob: bytes) -> bytes | None:
        """The key id a ciphertext names, or None when it is not one of ours."""
        if len(blob) < HEADER_BYTES or blob[0] != FORMAT_V1:
            return None
        return blob[1 : 1 + KEY_ID_BYTES]
