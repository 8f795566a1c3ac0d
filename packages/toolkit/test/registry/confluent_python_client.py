"""Confluent's Python client (confluent-kafka) against canon registry serve, as a Python service uses it.

Usage: confluent_python_client.py URL USER:PASSWORD. Prints one JSON object: what each call answered,
keyed by the issue's point, for the TypeScript test to assert. A call that fails is recorded as its
SchemaRegistryError (HTTP status, Confluent code, message), not raised.
"""

import base64
import json
import sys
import urllib.error
import urllib.request
from typing import Any, Callable

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

V1 = json.dumps({"type": "record", "name": "Thing", "namespace": "test.python", "fields": [{"name": "a", "type": "string"}]})
BREAKING = json.dumps({"type": "record", "name": "Thing", "namespace": "test.python", "fields": [{"name": "a", "type": "int"}]})


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return {"ok": call()}
    except SchemaRegistryError as error:
        return {"status": error.http_status_code, "error_code": error.error_code, "message": error.error_message}


def raw(url: str, authorization: str) -> int:
    """The HTTP status of a GET with this Authorization header, sent as it is (the client always sends "Basic")."""
    request = urllib.request.Request(url, headers={"Authorization": authorization})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def main() -> None:
    base, user_info = sys.argv[1:3]
    def fresh() -> SchemaRegistryClient:
        return SchemaRegistryClient({"url": base, "basic.auth.user.info": user_info, "max.retries": 0})

    client = fresh()
    rest = client._rest_client  # the client's own transport, for what its methods do not expose
    avro = Schema(V1, "AVRO")
    results: dict[str, Any] = {}

    # Serializers: the producer registers, the consumer reads the writer schema by id from the frame.
    serializer = AvroSerializer(client, V1, conf={"auto.register.schemas": True})
    context = SerializationContext("python-serde", MessageField.VALUE)
    framed = serializer({"a": "hello"}, context)
    deserializer = AvroDeserializer(client)
    results["serde"] = {
        "id": int.from_bytes(framed[1:5], "big"),
        "magic": framed[0],
        "value": deserializer(framed, context),
        "latest": client.get_latest_version("python-serde-value").schema_id,
    }

    # 3. Compatibility with a subject that has no versions (the client sends normalize=False&verbose=False).
    results["3"] = {
        "latest": outcome(lambda: client.test_compatibility("py-never-value", avro)),
        "all": outcome(lambda: client.test_compatibility_all_versions("py-never-value", avro)),
        "numbered": outcome(lambda: client.test_compatibility("py-never-value", avro, version=1)),
    }

    # 4. Deleting a subject level that was never set, then one that was.
    client.set_compatibility("py-level-value", "FORWARD")
    results["4"] = {
        "unset": outcome(lambda: client.delete_config("py-no-level-value").to_dict()),
        "set": outcome(lambda: client.delete_config("py-level-value").to_dict()),
    }

    # 5. Python's True in a query string: lookup of a soft-deleted schema, and verbose messages.
    registered = client.register_schema("py-flags-value", avro)
    client.delete_subject("py-flags-value")
    results["5"] = {
        "id": registered,
        "deleted": outcome(lambda: client.lookup_schema("py-flags-value", avro, deleted=True).schema_id),
        # A client of its own: the first caches what lookups found, deleted or not.
        "live": outcome(lambda: fresh().lookup_schema("py-flags-value", avro).schema_id),
        "versions": outcome(lambda: client.get_versions("py-flags-value", deleted=True)),
    }
    client.register_schema("py-verbose-value", avro)
    client.set_compatibility("py-verbose-value", "BACKWARD")
    # What test_compatibility(..., verbose=True) sends; its return value keeps only is_compatible.
    results["5"]["verbose"] = outcome(
        lambda: rest.post("compatibility/subjects/py-verbose-value/versions/latest?normalize=False&verbose=True", body=Schema(BREAKING, "AVRO").to_dict())
    )

    # 6. Filters: the client's subject_prefix, and deletedOnly (the client sends it as deleted_only,
    # which Confluent's server does not read either, so it goes through the client's transport).
    for subject in ["py-filter-a-value", "py-filter-b-value"]:
        client.register_schema(subject, avro)
    client.delete_subject("py-filter-a-value")
    results["6"] = {
        "prefix": outcome(lambda: client.get_subjects(subject_prefix="py-filter-")),
        "prefix_deleted": outcome(lambda: client.get_subjects(subject_prefix="py-filter-", deleted=True)),
        "deleted_only": outcome(lambda: rest.get("subjects", {"subjectPrefix": "py-filter-", "deletedOnly": True})),
        "versions_deleted_only": outcome(lambda: rest.get("subjects/py-filter-a-value/versions", {"deletedOnly": True})),
    }

    # 7. A record without a name.
    results["7"] = outcome(lambda: client.register_schema("py-nameless-value", Schema('{"type":"record","fields":[]}', "AVRO")))

    # 9. The client sends "Basic"; RFC 7617 lets any client send "basic".
    token = base64.b64encode(user_info.encode()).decode()
    results["9"] = {
        "client": outcome(lambda: client.get_schema_types()),
        "lower": raw(f"{base}/subjects", f"basic {token}"),
        "upper": raw(f"{base}/subjects", f"BASIC {token}"),
        "wrong": raw(f"{base}/subjects", "basic " + base64.b64encode(b"ci:wrong").decode()),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
