"""The Python side of the run-time tests: one process runs a list of operations on generated packages
(as a producer or consumer service would call them) and prints each outcome as one JSON line.

Job (stdin): {"path": [folders for sys.path], "ops": [{"op": ..., ...}, ...]}; each op names a
"package" (an importable generated package) and an "event" type. Outcomes are
{"ok": true, ...} or {"ok": false, "type": exception class, "code": its code, "error": its message}.
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import sys
from typing import Any, Dict


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _exact_ints(value: Any) -> Any:
    """JSON from JavaScript cannot carry an integer beyond 2^53 exactly: it comes as {"$int": "digits"}."""
    if isinstance(value, dict):
        if set(value) == {"$int"}:
            return int(value["$int"])
        return {k: _exact_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact_ints(v) for v in value]
    return value


def _registry(package: Any, op: Dict[str, Any]) -> Any:
    if not op.get("registry"):
        return None
    auth = tuple(op["auth"]) if op.get("auth") else None
    return package.SchemaRegistryClient(op["registry"], auth=auth, assigns_own_ids=bool(op.get("assigns_own_ids")), retries=1)


def _run(op: Dict[str, Any]) -> Dict[str, Any]:
    kind = op["op"]
    if kind == "raw-resolve":
        # fastavro alone, with both schemas: the reference the packages' resolution is held to.
        import fastavro

        writer, reader = fastavro.parse_schema(op["writer"]), fastavro.parse_schema(op["reader"])
        return {"value": _jsonable(fastavro.schemaless_reader(io.BytesIO(bytes.fromhex(op["hex"])), writer, reader))}
    if kind == "raw-write":
        import fastavro

        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, fastavro.parse_schema(op["schema"]), _exact_ints(op["data"]))
        return {"hex": buffer.getvalue().hex()}
    package = importlib.import_module(op["package"])
    if kind == "metadata-headers":
        # A fresh event's envelope with every default, as a producer that sets nothing sends it.
        return {"headers": list(package.to_kafka_headers(package.EventMetadata(event_type=op["event"])).items())}
    data_class = package.EVENTS[op["event"]].data_class
    registry = _registry(package, op)
    options = {k: v for k, v in op.get("options", {}).items()}
    if kind == "serialize":
        return {"hex": package.serialize(data_class.from_dict(op["data"]), registry=registry, **options).hex()}
    if kind == "serialize-key":
        return {"hex": package.serialize_key(data_class.from_dict(op["data"]), registry=registry, **options).hex()}
    if kind == "deserialize":
        schema_id, value = package.deserialize(data_class, bytes.fromhex(op["hex"]), registry=registry)
        return {"id": schema_id, "value": _jsonable(value.to_dict())}
    if kind == "decode-framed":
        schema_id, value = package.decode_framed(data_class, bytes.fromhex(op["hex"]))
        return {"id": schema_id, "value": _jsonable(value.to_dict())}
    if kind == "decode":
        value = package.decode(data_class, bytes.fromhex(op["hex"]), op.get("writer"))
        return {"value": _jsonable(value.to_dict())}
    if kind == "deserialize-key":
        schema_id, key = package.deserialize_key(data_class, bytes.fromhex(op["hex"]), registry=registry)
        return {"id": schema_id, "value": _jsonable(key)}
    raise ValueError(f"unknown op {kind}")


def main() -> None:
    job = json.load(sys.stdin)
    sys.path[:0] = job["path"]
    for op in job["ops"]:
        try:
            outcome = {"ok": True, **_run(op)}
        except Exception as error:  # every failure is an outcome the test compares
            outcome = {"ok": False, "type": type(error).__name__, "code": getattr(error, "code", None), "error": str(error)}
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
