"""AES-GCM card encryption: the ciphertext layout, associated data binding, the keyring, key parsing."""

from __future__ import annotations

import base64
import hashlib

import pytest

from phantom.adapters.crypto import (
    FORMAT_V1,
    HEADER_BYTES,
    KEY_BYTES,
    TAG_BYTES,
    Keyring,
    MalformedKey,
    decode_key,
    encode_key,
    key_id,
    new_key,
)
from phantom.domain.errors import CardUnreadable

NUMBER = "4111111111111111"
K1 = bytes(range(32))
K2 = bytes(range(1, 33))


class TestCiphertext:
    def test_layout_format_key_id_nonce_then_sealed_text(self) -> None:
        ring = Keyring(K1)
        blob = ring.encrypt(NUMBER, row_id="p1", field="card_number")
        assert blob[0] == FORMAT_V1
        assert blob[1:5] == key_id(K1) == hashlib.sha256(b"phantom card key id\x00" + K1).digest()[:4]
        assert len(blob) == HEADER_BYTES + len(NUMBER) + TAG_BYTES
        assert NUMBER.encode() not in blob
        assert ring.decrypt(blob, row_id="p1", field="card_number") == NUMBER

    def test_every_encryption_uses_a_fresh_nonce(self) -> None:
        ring = Keyring(K1)
        a, b = (ring.encrypt(NUMBER, row_id="p1", field="card_number") for _ in range(2))
        assert a[5:17] != b[5:17] and a != b

    def test_a_ciphertext_copied_to_another_row_fails(self) -> None:
        ring = Keyring(K1)
        blob = ring.encrypt(NUMBER, row_id="p1", field="card_number")
        with pytest.raises(CardUnreadable, match="profile p2: card_number failed authentication"):
            ring.decrypt(blob, row_id="p2", field="card_number")

    def test_a_ciphertext_moved_to_another_column_fails(self) -> None:
        ring = Keyring(K1)
        blob = ring.encrypt("123", row_id="p1", field="card_cvv")
        with pytest.raises(CardUnreadable):
            ring.decrypt(blob, row_id="p1", field="card_number")

    def test_an_altered_byte_fails(self) -> None:
        ring = Keyring(K1)
        blob = bytearray(ring.encrypt(NUMBER, row_id="p1", field="card_number"))
        blob[-1] ^= 1
        with pytest.raises(CardUnreadable):
            ring.decrypt(bytes(blob), row_id="p1", field="card_number")

    @pytest.mark.parametrize("blob", [b"", b"\x01short", b"\x02" + bytes(40), NUMBER.encode()])
    def test_something_else_is_refused_without_echoing_it(self, blob: bytes) -> None:
        with pytest.raises(CardUnreadable) as caught:
            Keyring(K1).decrypt(blob, row_id="p1", field="card_number")
        assert NUMBER not in str(caught.value)


class TestKeyring:
    def test_decrypts_with_the_key_the_ciphertext_names(self) -> None:
        old = Keyring(K1).encrypt(NUMBER, row_id="p1", field="card_number")
        rotated = Keyring(K2, [K1])
        new = rotated.encrypt(NUMBER, row_id="p1", field="card_number")
        assert new[1:5] == key_id(K2) and rotated.key_id_of(old) == key_id(K1)
        assert rotated.decrypt(old, row_id="p1", field="card_number") == NUMBER
        assert rotated.decrypt(new, row_id="p1", field="card_number") == NUMBER

    def test_an_unknown_key_id_says_which_key_is_missing(self) -> None:
        blob = Keyring(K1).encrypt(NUMBER, row_id="p1", field="card_number")
        with pytest.raises(CardUnreadable, match=f"key {key_id(K1).hex()}, which is not loaded"):
            Keyring(K2).decrypt(blob, row_id="p1", field="card_number")

    def test_keys_must_be_32_bytes(self) -> None:
        with pytest.raises(MalformedKey):
            Keyring(b"short")
        with pytest.raises(MalformedKey):
            Keyring(K1, [b"x" * 31])


class TestKeyText:
    def test_round_trip_with_or_without_padding_and_whitespace(self) -> None:
        key = new_key()
        text = encode_key(key)
        assert len(key) == KEY_BYTES and text.endswith("=")
        assert decode_key(text) == key == decode_key(f"  {text.rstrip('=')}\n")

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "not base64 at all!",
            base64.urlsafe_b64encode(bytes(31)).decode(),
            base64.urlsafe_b64encode(bytes(33)).decode(),
            base64.b64encode(b"\xfb" * 32).decode(),  # standard alphabet (+ and /), not urlsafe
            encode_key(K1)[:20] + "*" + encode_key(K1)[20:],
        ],
    )
    def test_malformed_keys_are_refused(self, text: str) -> None:
        with pytest.raises(MalformedKey) as caught:
            decode_key(text)
        assert text.strip() not in str(caught.value) or not text.strip()
