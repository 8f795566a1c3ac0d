"""The Python package's registry client against a registry stand-in on loopback that can fail on purpose.

The stand-in (a real HTTP server in a thread) answers the Confluent REST API for a few schemas and
counts the requests that reach it: what "one request per id" and "bounded cache" are measured by.
(The client against canon registry serve and Apicurio is tested from packages/toolkit/test/runtime.)
"""

from __future__ import annotations

import base64
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from catalog import REPO
from eventcanon_openedx import SchemaRegistryClient, SchemaRegistryError, SchemaResolutionError, deserialize
from eventcanon_openedx.content_authoring import XblockCreatedV1

OLD_XBLOCK = json.loads(
    (REPO / "packages/toolkit/test/fixtures/upstream-xblock/org+openedx+content_authoring+xblock+created+v1_schema.avsc").read_text()
)
SCHEMAS: Dict[int, Any] = {5001: OLD_XBLOCK, 5002: "string", 5003: {"type": "record", "name": "X", "fields": []}}

#: What the stand-in does with request n (1-based): "pass", "503", "drop" or "slow".
Fault = Callable[[int], str]


class Registry:
    def __init__(self) -> None:
        self.seen: List[Tuple[str, str, Optional[str]]] = []
        self.fault: Fault = lambda n: "pass"
        self.lock = threading.Lock()

    def handler(self) -> type:
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                with registry.lock:
                    registry.seen.append(("GET", self.path, self.headers.get("Authorization")))
                    n = len(registry.seen)
                kind = registry.fault(n)
                if kind == "503":
                    return self._answer(503, {"error_code": 50003, "message": "Error while forwarding the request to the leader"})
                if kind == "drop":
                    self.connection.close()
                    return None
                if kind == "slow":
                    time.sleep(0.6)
                schema_id = int(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/schemas/ids/") else -1
                if schema_id in SCHEMAS:
                    return self._answer(200, {"schema": json.dumps(SCHEMAS[schema_id])})
                return self._answer(404, {"error_code": 40403, "message": f"Schema {schema_id} not found"})

        return Handler


@pytest.fixture()
def registry() -> Iterator[Tuple[Registry, str]]:
    state = Registry()
    server = ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_sends_basic_auth_and_reads_a_schema(registry: Tuple[Registry, str]) -> None:
    state, url = registry
    client = SchemaRegistryClient(url, api_key="key", api_secret="secret")
    assert json.loads(client.schema_by_id(5001).schema) == OLD_XBLOCK
    assert state.seen == [("GET", "/schemas/ids/5001", "Basic " + base64.b64encode(b"key:secret").decode())]


def test_retries_5xx_and_dropped_connections_then_says_what_happened(registry: Tuple[Registry, str]) -> None:
    state, url = registry
    state.fault = lambda n: {1: "503", 2: "drop"}.get(n, "pass")
    client = SchemaRegistryClient(url, backoff=0.005)
    assert client.schema_by_id(5002).schema == '"string"'
    assert client.requests == 3
    state.fault = lambda n: "503"
    with pytest.raises(SchemaRegistryError) as failed:
        SchemaRegistryClient(url, backoff=0.005, retries=2).schema_by_id(5001)
    assert str(failed.value) == (
        f"schema registry {url}: GET /schemas/ids/5001: failed after 3 attempts: HTTP 503 50003: Error while forwarding the request to the leader"
    )


def test_gives_up_on_an_answer_slower_than_its_timeout(registry: Tuple[Registry, str]) -> None:
    state, url = registry
    state.fault = lambda n: "slow"
    with pytest.raises(SchemaRegistryError, match=r"GET /schemas/ids/5001: failed after 2 attempts: no answer within 0.2 s$"):
        SchemaRegistryClient(url, timeout=0.2, retries=1, backoff=0.005).schema_by_id(5001)


def test_one_request_per_id_however_many_threads_wait_and_a_bounded_cache(registry: Tuple[Registry, str]) -> None:
    state, url = registry
    state.fault = lambda n: "slow" if n == 1 else "pass"  # the first answer is slow, so that the threads wait together
    client = SchemaRegistryClient(url, cache_capacity=2)
    body = bytes.fromhex("0a75736167650a626c6f636b")  # usage_key "usage", block_type "block", written with OLD_XBLOCK
    frame = b"\x00" + (5001).to_bytes(4, "big") + body
    with ThreadPoolExecutor(max_workers=20) as pool:
        reads = list(pool.map(lambda _: deserialize(XblockCreatedV1, frame, registry=client), range(50)))
    assert {repr(r) for r in reads} == {repr((5001, XblockCreatedV1.from_dict({"xblock_info": {"usage_key": "usage", "block_type": "block"}})))}
    assert [s[1] for s in state.seen] == ["/schemas/ids/5001"]
    for schema_id in (5002, 5003, 5001):
        client.schema_by_id(schema_id)
    assert [s[1] for s in state.seen[1:]] == ["/schemas/ids/5002", "/schemas/ids/5003", "/schemas/ids/5001"]


def test_an_unknown_id_is_one_404_and_an_error_naming_event_and_id(registry: Tuple[Registry, str]) -> None:
    state, url = registry
    client = SchemaRegistryClient(url, backoff=0.005)
    with pytest.raises(SchemaRegistryError) as missing:
        client.schema_by_id(999)
    assert (missing.value.status, missing.value.error_code) == (404, 40403)
    assert client.requests == 1
    with pytest.raises(SchemaResolutionError) as unknown:
        deserialize(XblockCreatedV1, b"\x00\x00\x00\x03\xe7\x00", registry=client)
    assert str(unknown.value) == (
        "org.openedx.content_authoring.xblock.created.v1: writer schema id 999 is neither in this package's release history "
        f"nor in the schema registry at {url}"
    )
    assert unknown.value.code == "unknown-schema-id"


def test_refuses_a_url_that_is_not_http() -> None:
    with pytest.raises(ValueError, match="^schema registry url must start with http:// or https://, got 'localhost:8081'$"):
        SchemaRegistryClient("localhost:8081")

