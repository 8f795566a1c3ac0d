"""A Python producer and consumer on the schema registry, as a service on the Open edX bus runs them:
the schema id comes from the registry over HTTP, the bytes from the published package."""

import json
import sys
import urllib.request
from typing import Any
from urllib.parse import quote

from eventcanon_openedx import EVENTS, decode_framed, encode_framed, unframe


def call(url: str, method: str = "GET", body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main() -> None:
    mode, base, event_type, subject = sys.argv[1:5]
    spec = EVENTS[event_type]
    if mode == "produce":
        # Look the package's schema up, as a producer that must not register does.
        found = call(f"{base}/subjects/{quote(subject, safe='')}", "POST", {"schema": json.dumps(spec.avro_schema())})
        value = spec.data_class.from_dict(json.load(sys.stdin))
        print(json.dumps({"id": found["id"], "hex": encode_framed(value, found["id"]).hex()}))
    else:
        data = bytes.fromhex(sys.stdin.read().strip())
        schema_id, _ = unframe(data)
        writer = json.loads(call(f"{base}/schemas/ids/{schema_id}")["schema"])
        if writer != spec.avro_schema():
            raise SystemExit(f"schema {schema_id} in the registry is not the package's schema for {event_type}")
        _, value = decode_framed(spec.data_class, data)
        print(json.dumps({"id": schema_id, "value": value.to_dict()}))


if __name__ == "__main__":
    main()
