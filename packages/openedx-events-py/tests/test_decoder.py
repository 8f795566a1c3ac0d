"""The per-class decoders against fastavro and from_avro: the same value, or None, and then decode() is theirs."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, List, Optional, Tuple

import fastavro
import pytest

from catalog import vectors
from eventcanon_openedx import EVENTS, decode
from eventcanon_openedx._avro import _decoding, _decoding_of, _read
from eventcanon_openedx._decoder import Decoder, build

VECTORS = vectors()


def decoding(event_type: str) -> Tuple[str, Any, Any, Optional[Decoder]]:
    """What decode() finds for the event's class (built at its first use)."""
    data_class = EVENTS[event_type].data_class
    return _decoding.get(data_class) or _decoding_of(data_class)


def general(event_type: str, data: bytes) -> Any:
    """What decode() returns without the class's decoder: fastavro's read, then from_avro."""
    _, schema, from_avro, _ = decoding(event_type)
    return from_avro(_read(event_type, data, schema, None, ""))


def own_decoder(event_type: str) -> Decoder:
    fast = decoding(event_type)[3]
    assert fast is not None, f"{event_type} has no decoder of its own: decode() reads it the slow way"
    return fast


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_every_event_has_a_decoder_of_its_own(event_type: str) -> None:
    own_decoder(event_type)


@pytest.mark.parametrize(("event_type", "name", "data", "avro"), VECTORS, ids=[f"{v[0]}:{v[1]}" for v in VECTORS])
def test_the_decoder_builds_what_from_avro_builds(event_type: str, name: str, data: Dict[str, Any], avro: str) -> None:
    body = bytes.fromhex(avro)
    fast = own_decoder(event_type)(body)
    expected = general(event_type, body)
    # repr too: a str where a UUID or an enum member belongs would differ there, if not in ==.
    assert fast == expected and repr(fast) == repr(expected)


# Bytes that move a decoder off its usual path: zigzag signs and continuation bits, null and branch
# indexes, characters that break a UUID's or a date-time's shape, and a UTF-8 lead byte alone.
_PROBES = (0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0xFF, ord("-"), ord("g"), ord("0"), ord(" "), ord("Z"), 0xC3)


def mangled(body: bytes) -> List[Tuple[str, bytes]]:
    cases = [(f"first {size} bytes", body[:size]) for size in range(len(body))]
    cases.append(("a byte more", body + b"\x00"))
    for index in range(len(body)):
        cases.extend((f"byte {index} = {probe:#x}", body[:index] + bytes([probe]) + body[index + 1 :]) for probe in _PROBES if probe != body[index])
    return cases


# An example of each event (the first vector): every truncation and one-byte change of its bytes.
FIRSTS = [next(v for v in VECTORS if v[0] == event_type) for event_type in sorted(EVENTS)]


@pytest.mark.parametrize(("event_type", "name", "data", "avro"), FIRSTS, ids=[v[0] for v in FIRSTS])
def test_the_decoder_gives_way_to_fastavro_where_it_is_not_sure(event_type: str, name: str, data: Dict[str, Any], avro: str) -> None:
    fast = own_decoder(event_type)
    for case, body in mangled(bytes.fromhex(avro)):
        value = fast(body)
        if value is None:
            continue  # decode() reads these with fastavro: its value or its error, as before
        try:
            expected = general(event_type, body)
        except ValueError as error:
            raise AssertionError(f"{case}: the decoder read {value!r} where fastavro and from_avro refuse: {error}") from None
        assert (value, repr(value)) == (expected, repr(expected)), case


@dataclass(frozen=True)
class _Checked:
    count: int

    _WIRE_FIELDS: ClassVar[Dict[str, bool]] = {"count": True}

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count: negative")


@dataclass(frozen=True)
class _Blob:
    payload: bytes
    note: Optional[str] = None

    _WIRE_FIELDS: ClassVar[Dict[str, bool]] = {"payload": True, "note": False}


def test_a_shape_it_does_not_know_gets_no_decoder() -> None:
    assert build(_Checked, {"type": "record", "name": "Checked", "fields": [{"name": "count", "type": "long"}]}) is None
    blob = {"type": "record", "name": "Blob", "fields": [{"name": "payload", "type": "bytes"}, {"name": "note", "type": ["null", "string"]}]}
    assert build(_Blob, blob) is None
    # The same classes without what the decoders do not know have one, so the two refusals above are theirs.
    note = {"type": "record", "name": "Note", "fields": [{"name": "note", "type": ["null", "string"]}]}
    assert build(_Note, note) is not None


@dataclass(frozen=True)
class _Note:
    note: Optional[str] = None

    _WIRE_FIELDS: ClassVar[Dict[str, bool]] = {"note": True}


def test_decode_says_what_fastavro_says_where_the_decoder_gives_way() -> None:
    event_type, _, _, avro = FIRSTS[0]
    body = bytes.fromhex(avro)
    with pytest.raises(ValueError, match=r": cannot decode \d+ bytes: trailing data$"):
        decode(EVENTS[event_type].data_class, body + b"\x00")
    with pytest.raises(ValueError, match=r": cannot decode \d+ bytes: truncated buffer$"):
        decode(EVENTS[event_type].data_class, body[:-1])


@dataclass(frozen=True)
class _Count:
    count: int

    _WIRE_FIELDS: ClassVar[Dict[str, bool]] = {"count": True}


_LONGS = [0, -1, 1, 63, -64, 64, -65, 2**31, -(2**31) - 1, 2**53 + 1, 2**62 - 1, -(2**62), 2**62, -(2**62) - 1, 2**63 - 1, -(2**63)]


@pytest.mark.parametrize("number", _LONGS)
def test_longs_read_as_fastavro_reads_them_or_are_left_to_it(number: int) -> None:
    schema = {"type": "record", "name": "Count", "fields": [{"name": "count", "type": "long"}]}
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(schema), {"count": number})
    fast = build(_Count, schema)
    assert fast is not None
    value = fast(body.getvalue())
    # Up to 63 bits of zigzag (9 bytes) the decoder reads; the 10-byte ones are fastavro's.
    assert value == (_Count(number) if -(2**62) <= number < 2**62 else None)
