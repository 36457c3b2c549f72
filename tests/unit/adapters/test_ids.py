from __future__ import annotations

import re

from phantom.adapters.ids import ALPHABET, ID_LENGTH, IdGenerator, encode, new_id, timestamp_ms

ULID = re.compile(rf"^[{ALPHABET}]{{{ID_LENGTH}}}$")


class TestNewId:
    def test_ids_are_fixed_width_crockford_base32(self) -> None:
        for _ in range(100):
            assert ULID.match(new_id())

    def test_ids_sort_in_creation_order_and_never_repeat(self) -> None:
        ids = [new_id() for _ in range(20_000)]  # many share a millisecond
        assert ids == sorted(ids)
        assert len(set(ids)) == len(ids)

    def test_the_timestamp_is_the_leading_48_bits(self) -> None:
        gen = IdGenerator(now_ms=lambda: 1_741_944_413_123)
        assert timestamp_ms(gen()) == 1_741_944_413_123

    def test_same_millisecond_and_clock_steps_back_still_increase(self) -> None:
        times = iter([1000, 1000, 1000, 999, 998, 1001])
        gen = IdGenerator(now_ms=lambda: next(times))
        ids = [gen() for _ in range(6)]
        assert ids == sorted(ids)
        assert len(set(ids)) == 6
        assert timestamp_ms(ids[-1]) == 1001

    def test_encoding_is_order_preserving_at_the_edges(self) -> None:
        assert encode(0, 0) == "0" * ID_LENGTH
        assert encode((1 << 48) - 1, (1 << 80) - 1) == "7" + "Z" * (ID_LENGTH - 1)
        assert encode(1, 0) > encode(0, (1 << 80) - 1)
