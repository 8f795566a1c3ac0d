"""Python helpers (dataclass + fastavro) against plain fastavro, ops/s and ratios, as JSON."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

import fastavro

from eventcanon_openedx import EVENTS, decode, encode

REPO = Path(__file__).resolve().parents[3]
# An event type as the first argument benches that event instead (its schema's first example).
EVENT = sys.argv[1] if len(sys.argv) > 1 else "org.openedx.learning.exam.attempt.submitted.v1"


def ops_per_second(helper: Callable[[], Any], raw: Callable[[], Any], seconds: float = 1.0) -> Tuple[float, float]:
    """(helper, raw) ops/s, timed in alternating bursts of 100: on a shared machine, timing one for a
    second and then the other puts any change in load between them into the ratio."""
    for op in (helper, raw):
        for _ in range(500):
            op()
    count, spent = 0, [0.0, 0.0]
    while sum(spent) < 2 * seconds:
        for side, op in enumerate((helper, raw)):
            start = time.perf_counter()
            for _ in range(100):
                op()
            spent[side] += time.perf_counter() - start
        count += 100
    return count / spent[0], count / spent[1]


def older(schema: Any) -> Any:
    """The schema without its first field that has a default (depth first), as an older writer had it."""
    copy = json.loads(json.dumps(schema))

    def drop(node: Any) -> bool:
        if isinstance(node, list):
            return any(drop(branch) for branch in node)
        if not isinstance(node, dict):
            return False
        fields = node.get("fields")
        if isinstance(fields, list):
            for index, field in enumerate(fields):
                if "default" in field:
                    del fields[index]
                    return True
            return any(drop(field["type"]) for field in fields)
        return False

    if not drop(copy):
        raise SystemExit("the bench event has no field with a default to drop")
    return copy


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

    # An older writer: the same schema without a field the reader has a default for. Raw: fastavro with both schemas.
    writer = older(spec.avro_schema())
    parsed_writer = fastavro.parse_schema(writer)
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed_writer, record)
    old_data = buffer.getvalue()

    pairs = {
        "encode": ops_per_second(lambda: encode(value), raw_encode),
        "decode": ops_per_second(lambda: decode(spec.data_class, data), lambda: fastavro.schemaless_reader(io.BytesIO(data), schema, None)),
        "resolvedDecode": ops_per_second(
            lambda: decode(spec.data_class, old_data, writer),
            lambda: fastavro.schemaless_reader(io.BytesIO(old_data), parsed_writer, schema),
        ),
    }
    figures: Dict[str, Dict[str, float]] = {name: {"helper": helper, "raw": raw} for name, (helper, raw) in pairs.items()}
    for entry in figures.values():
        entry["ratio"] = round(entry["helper"] / entry["raw"], 3)
        entry["helper"] = round(entry["helper"])
        entry["raw"] = round(entry["raw"])
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
