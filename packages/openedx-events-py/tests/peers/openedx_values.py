"""openedx-events 11.2.0 as the peer of the data classes (run with .venv-peers' Python 3.12 by
tests/test_openedx_peer.py): for every event it can serialize, every conformance vector and
variants of it with boundary date-times, UUIDs and falsy values, its serializer and ours must write
the same bytes, each must read the other's bytes to the same value, and to_openedx / from_openedx
must carry the values across exactly. Naive datetimes (which its producers may pass) are read as UTC.

usage: openedx_values.py SRC VECTORS; prints {"checked": n, "events": n, "failures": [...]}.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?[+-]\d\d:\d\d")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}")
#: Aware date-times at the edges of what a datetime holds and of the offsets isoformat() writes.
AWARE = [
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59.999999+00:00",
    "2024-02-29T23:59:59.999999+00:00",
    "2024-02-29T12:00:00.000001+05:30",
    "1970-01-01T00:00:00-08:00",
    "2026-03-14T09:26:53.100000+14:00",
]
#: What openedx-events writes for a naive datetime: no offset.
NAIVE = ["2024-02-29T23:59:59.999999", "2026-03-14T09:26:53"]


def _replace(value: Any, pattern: "re.Pattern[str]", by: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return by(value) if pattern.fullmatch(value) else value
    if isinstance(value, list):
        return [_replace(v, pattern, by) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, by) for k, v in value.items()}
    return value


def _falsy(value: Any) -> Any:
    """Every boolean False, every integer 0, every float 0.0: what openedx-events' deserializer drops."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    if isinstance(value, list):
        return [_falsy(v) for v in value]
    if isinstance(value, dict):
        return {k: _falsy(v) for k, v in value.items()}
    return value


def _has_falsy(value: Any) -> bool:
    if isinstance(value, list):
        return not value or any(_has_falsy(v) for v in value)
    if isinstance(value, dict):
        return not value or any(_has_falsy(v) for v in value.values())
    return value is not None and not value


def variants(data: Dict[str, Any]) -> Iterator[Tuple[str, Dict[str, Any], bool]]:
    """(name, data, naive): the vector itself, its date-times set to each boundary, its UUIDs in
    capitals (which both write lowercase), all its numbers and booleans falsy."""
    yield "as is", data, False
    text = json.dumps(data)
    if DATE_TIME.search(text):
        for moment in AWARE:
            yield f"date-times {moment}", _replace(data, DATE_TIME, lambda _: moment), False
        for moment in NAIVE:
            yield f"naive date-times {moment}", _replace(data, DATE_TIME, lambda _: moment), True
    if UUID_TEXT.search(text):
        yield "UUIDs in capitals", _replace(data, UUID_TEXT, str.upper), False
    yield "falsy", _falsy(data), False


def main() -> int:
    src, vectors = sys.argv[1:3]
    sys.path.insert(0, src)
    django = importlib.import_module("django")
    importlib.import_module("django.conf").settings.configure(USE_TZ=True, EVENTS_SERVICE_NAME="peer")
    django.setup()
    tooling = importlib.import_module("openedx_events.tooling")
    tooling.load_all_signals()
    serializer = importlib.import_module("openedx_events.event_bus.avro.serializer")
    deserializer = importlib.import_module("openedx_events.event_bus.avro.deserializer")
    ours = importlib.import_module("eventcanon_openedx")

    failures: List[str] = []
    checked, events = 0, 0
    for path in sorted(Path(vectors).glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        event_type = suite["eventType"]
        data_class = ours.EVENTS[event_type].data_class
        try:
            signal = tooling.OpenEdxPublicSignal.get_signal_by_type(event_type)
            serializer.AvroSignalSerializer(signal)
        except Exception:  # noqa: BLE001 - the events openedx-events cannot put on the bus (README)
            continue
        events += 1
        # The examples: random vectors hold random strings where openedx-events wants valid opaque keys.
        for vector in [v for v in suite["vectors"] if v["name"].startswith("example")]:
            for name, data, naive in variants(vector["data"]):
                where = f"{event_type} {vector['name']} ({name})"
                checked += 1
                try:
                    value = data_class.from_dict(data)
                    edx_value = ours.to_openedx(value)
                    if naive:
                        # openedx-events as its producer sends a naive datetime: built from the naive strings.
                        edx_value = ours._openedx._build_event(data, signal)
                    theirs = serializer.serialize_event_data_to_bytes(edx_value, signal)
                    mine = ours.encode(value)
                    if naive:
                        if b"+00:00" in theirs:
                            failures.append(f"{where}: openedx-events wrote an offset for a naive datetime")
                        if ours.decode(data_class, mine) != value:
                            failures.append(f"{where}: our own bytes read back differently")
                    elif theirs != mine:
                        failures.append(f"{where}: bytes differ: openedx-events {theirs.hex()} ours {mine.hex()}")
                    if ours.decode(data_class, theirs) != value:
                        failures.append(f"{where}: openedx-events' bytes decode to {ours.decode(data_class, theirs)!r}, not {value!r}")
                    read_back = deserializer.deserialize_bytes_to_event_data(mine, signal)
                    # openedx-events' deserializer turns falsy values into defaults: not compared there.
                    exact = not naive and not _has_falsy(data)
                    if exact and serializer.serialize_event_data_to_bytes(read_back, signal) != mine:
                        failures.append(f"{where}: openedx-events reads our bytes to something it writes differently")
                    if not naive and edx_value != ours.to_openedx(value):
                        failures.append(f"{where}: to_openedx is not deterministic")
                    if ours.from_openedx(data_class, edx_value) != value:
                        failures.append(f"{where}: from_openedx(to_openedx(value)) != value")
                    if exact and edx_value != read_back:
                        failures.append(f"{where}: to_openedx {edx_value!r} != what openedx-events reads from our bytes {read_back!r}")
                except Exception as error:  # noqa: BLE001 - every failure is reported, the sweep goes on
                    failures.append(f"{where}: {type(error).__name__}: {error}")
    print(json.dumps({"checked": checked, "events": events, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
