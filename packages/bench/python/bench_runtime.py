"""Python helpers (dataclass + fastavro) against plain fastavro, ops/s and ratios, as JSON."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any, Callable, Dict

import fastavro

from eventcanon_openedx import EVENTS, decode, encode

REPO = Path(__file__).resolve().parents[3]
EVENT = "org.openedx.learning.exam.attempt.submitted.v1"


def ops_per_second(op: Callable[[], Any], seconds: float = 1.0) -> float:
    for _ in range(500):
        op()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            op()
        count += 100
    return count / (time.perf_counter() - start)


def main() -> None:
    spec = EVENTS[EVENT]
    example = json.loads((REPO / "schemas" / "events" / f"{EVENT}.json").read_text())["examples"][0]
    value = spec.data_class.from_dict(example)
    schema = fastavro.parse_schema(spec.avro_schema())
    record = value.to_dict()
    data = encode(value)

    def raw_encode() -> bytes:
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, schema, record)
        return buffer.getvalue()

    figures: Dict[str, Dict[str, float]] = {
        "encode": {"helper": ops_per_second(lambda: encode(value)), "raw": ops_per_second(raw_encode)},
        "decode": {"helper": ops_per_second(lambda: decode(spec.data_class, data)), "raw": ops_per_second(lambda: fastavro.schemaless_reader(io.BytesIO(data), schema, None))},
    }
    for entry in figures.values():
        entry["ratio"] = round(entry["helper"] / entry["raw"], 3)
        entry["helper"] = round(entry["helper"])
        entry["raw"] = round(entry["raw"])
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
