"""Event instances for the shared verdict tests: an event's first vector, and a copy of it with one value
put at a JSON pointer."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict

HERE = Path(__file__).resolve().parents[1]


def example(event_type: str) -> Dict[str, Any]:
    suite = json.loads((HERE / "vectors" / f"{event_type}.json").read_text(encoding="utf-8"))
    data: Dict[str, Any] = suite["vectors"][0]["data"]
    return data


def with_value(data: Dict[str, Any], pointer: str, value: Any) -> Dict[str, Any]:
    out = copy.deepcopy(data)
    *parents, last = pointer.strip("/").split("/")
    node = out
    for name in parents:
        node = node[name]
    node[last] = value
    return out
