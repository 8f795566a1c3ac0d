"""The Python side of the conformance vectors: fastavro must write the same bytes and read them back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from eventcanon_openedx import EVENTS, decode, encode

VECTORS = Path(os.environ.get("CONFORMANCE_VECTORS", Path(__file__).resolve().parents[1] / "vectors"))


def cases() -> Iterator[Tuple[str, str, Dict[str, Any], str]]:
    for path in sorted(VECTORS.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for vector in suite["vectors"]:
            yield suite["eventType"], vector["name"], vector["data"], vector["avro"]


CASES: List[Tuple[str, str, Dict[str, Any], str]] = list(cases())


def test_there_are_vectors_for_every_event() -> None:
    assert sorted({c[0] for c in CASES}) == sorted(EVENTS)
    print(f"\nconformance (Python): {len(EVENTS)} events x {len(CASES)} instances compared byte for byte")


@pytest.mark.parametrize(("event_type", "name", "data", "avro"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_fastavro_writes_and_reads_the_shared_bytes(event_type: str, name: str, data: Dict[str, Any], avro: str) -> None:
    data_class = EVENTS[event_type].data_class
    value = data_class.from_dict(data)
    assert encode(value).hex() == avro
    decoded = decode(data_class, bytes.fromhex(avro))
    assert decoded == value
    assert decoded.to_dict() == data
