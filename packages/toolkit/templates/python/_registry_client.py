"""A small client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat API
and by ``canon registry serve``): schemas by id for consumers, lookup and registration for producers.

Standard library only; safe to share between threads, with one request in flight per id.
"""

from __future__ import annotations

import base64
import json
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, Mapping, Optional, Tuple, TypeVar, cast

K = TypeVar("K")
V = TypeVar("V")

_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


class SchemaRegistryError(Exception):
    """The registry answered with an error, or could not be reached after every retry."""

    def __init__(self, message: str, status: Optional[int] = None, error_code: Optional[int] = None) -> None:
        super().__init__(message)
        #: The HTTP status; None when no answer came.
        self.status = status
        #: Confluent's error code, e.g. 40403 for an unknown schema id.
        self.error_code = error_code


@dataclass(frozen=True)
class RegisteredSchema:
    """A schema as the registry holds it."""

    id: int
    #: ``AVRO`` unless the registry says otherwise.
    schema_type: str
    #: The schema's text, as registered.
    schema: str


@dataclass(frozen=True)
class SubjectVersion(RegisteredSchema):
    subject: str
    version: int


class Lru(Generic[K, V]):
    """A map that forgets its least recently used entry beyond ``capacity``: the bound on every run-time cache."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: "OrderedDict[K, V]" = OrderedDict()

    def get(self, key: K) -> Optional[V]:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def set(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def delete(self, key: K) -> None:
        self._entries.pop(key, None)


class SchemaRegistryClient:
    """``url`` is the base URL, e.g. ``http://127.0.0.1:8081`` or ``https://host/apis/ccompat/v7``.

    ``auth`` is a (user, password) pair, or give a Confluent Cloud ``api_key`` and ``api_secret``.
    Each attempt waits ``timeout`` seconds; network errors, timeouts, 429 and 5xx are retried
    ``retries`` times with exponential backoff from ``backoff`` seconds (with jitter) up to
    ``max_backoff``. Up to ``cache_capacity`` schemas and ids are kept per kind of lookup; ``latest``
    answers are reused for ``latest_ttl`` seconds. ``assigns_own_ids`` is True when the registry gave
    the schemas ids of its own (``canon registry push`` into Confluent or Apicurio does), not those
    of registry/: consumers then ask it for every id and never read a bundled schema for an id.
    """

    def __init__(
        self,
        url: str,
        *,
        auth: Optional[Tuple[str, str]] = None,
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.1,
        max_backoff: float = 5.0,
        cache_capacity: int = 1000,
        latest_ttl: float = 60.0,
        assigns_own_ids: bool = False,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"schema registry url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        self.assigns_own_ids = assigns_own_ids
        self._headers: Dict[str, str] = {"Accept": f"{_CONTENT_TYPE}, application/json", "Content-Type": _CONTENT_TYPE}
        self._headers.update(headers or {})
        if api_key is not None:
            auth = (api_key, api_secret or "")
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("utf-8")).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._latest_ttl = latest_ttl
        self._lock = threading.Lock()
        self._by_id: Lru[int, "Future[RegisteredSchema]"] = Lru(cache_capacity)
        self._ids: Lru[Tuple[str, str, str, str], "Future[int]"] = Lru(cache_capacity)
        self._latest: Lru[str, Tuple[float, "Future[SubjectVersion]"]] = Lru(cache_capacity)
        #: Requests sent, retries included: what the tests and a curious operator count.
        self.requests = 0

    def schema_by_id(self, schema_id: int) -> RegisteredSchema:
        """``GET /schemas/ids/{id}``: the schema a message was written with."""

        def load() -> RegisteredSchema:
            body = self._call("GET", f"/schemas/ids/{schema_id}")
            return RegisteredSchema(schema_id, str(body.get("schemaType") or "AVRO"), str(body["schema"]))

        return self._cached(self._by_id, schema_id, load)

    def lookup(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        """``POST /subjects/{subject}``: the id of a schema already registered under the subject."""
        path = f"/subjects/{urllib.parse.quote(subject, safe='')}"
        return self._cached(self._ids, ("lookup", subject, schema_type, schema), lambda: int(self._call("POST", path, {"schema": schema, "schemaType": schema_type})["id"]))

    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        """``POST /subjects/{subject}/versions``: registers the schema (or finds it) and gives its id."""
        path = f"/subjects/{urllib.parse.quote(subject, safe='')}/versions"
        return self._cached(self._ids, ("register", subject, schema_type, schema), lambda: int(self._call("POST", path, {"schema": schema, "schemaType": schema_type})["id"]))

    def latest(self, subject: str) -> SubjectVersion:
        """``GET /subjects/{subject}/versions/latest``, reused for ``latest_ttl`` seconds."""
        with self._lock:
            known = self._latest.get(subject)
            if known is not None and time.monotonic() - known[0] < self._latest_ttl:
                future = known[1]
                owner = False
            else:
                future = Future[SubjectVersion]()
                self._latest.set(subject, (time.monotonic(), future))
                owner = True
        if owner:
            try:
                body = self._call("GET", f"/subjects/{urllib.parse.quote(subject, safe='')}/versions/latest")
                future.set_result(
                    SubjectVersion(int(body["id"]), str(body.get("schemaType") or "AVRO"), str(body["schema"]), subject, int(body["version"]))
                )
            except BaseException as error:
                with self._lock:
                    self._latest.delete(subject)
                future.set_exception(error)
        return future.result()

    def _cached(self, cache: "Lru[Any, Future[V]]", key: Any, load: Callable[[], V]) -> V:
        with self._lock:
            future = cache.get(key)
            owner = future is None
            if future is None:
                future = Future[V]()
                cache.set(key, future)
        if owner:
            try:
                future.set_result(load())
            except BaseException as error:
                # A failure is not remembered: the next ask tries again.
                with self._lock:
                    cache.delete(key)
                future.set_exception(error)
        return future.result()

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        what = f"schema registry {self.url}: {method} {path}"
        last = ""
        data = None if body is None else json.dumps(body).encode("utf-8")
        for attempt in range(self._retries + 1):
            if attempt > 0:
                delay = min(self._max_backoff, self._backoff * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
                time.sleep(delay)
            with self._lock:
                self.requests += 1
            request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers=self._headers)
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:
                    status, text = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode("utf-8", "replace")
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                last = f"no answer within {self._timeout:g} s" if isinstance(reason, TimeoutError) or isinstance(error, TimeoutError) else str(reason)
                continue
            try:
                parsed: Any = json.loads(text) if text else {}
            except ValueError:
                parsed = None
            answer: Dict[str, Any] = cast(Dict[str, Any], parsed) if isinstance(parsed, dict) else {}
            if 200 <= status < 300 and parsed is not None:
                return answer
            code = answer.get("error_code") if isinstance(answer.get("error_code"), int) else None
            message = answer.get("message") if isinstance(answer.get("message"), str) else text[:200]
            last = f"HTTP {status}{'' if code is None else f' {code}'}: {message}"
            if status != 429 and status < 500:
                raise SchemaRegistryError(f"{what}: {last}", status, code)
        raise SchemaRegistryError(f"{what}: failed after {self._retries + 1} attempts: {last}")
