"""Checks a generated Python package against test vectors made by the TypeScript side.

usage: verify_generated.py PACKAGE_PARENT JOB_JSON

Each event of the job names the generated package (a folder of PACKAGE_PARENT) that holds it. For
every case: the dataclass round-trips the example to its canonical form, fastavro writes the
same bytes as avsc did, each side's bytes decode to the canonical form, and from_avro builds from
fastavro's record the value from_dict built, field for field. Prints a JSON summary
and exits 1 on any failure.
"""

from __future__ import annotations

import importlib
import io
import json
import sys
from typing import Any, Dict, List

import fastavro


def main() -> int:
    parent, job_path = sys.argv[1:3]
    sys.path.insert(0, parent)
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    failures: List[str] = []
    checked = 0
    for event in job["events"]:
        package = importlib.import_module(event["package"])
        data_class = package.EVENT_DATA_CLASSES[event["eventType"]]
        with open(event["avsc"], encoding="utf-8") as handle:
            schema = fastavro.parse_schema(json.load(handle))
        for index, case in enumerate(event["cases"]):
            where = f"{event['eventType']} example {index}"
            checked += 1
            value = data_class.from_dict(case["example"])
            if value.to_dict() != case["canonical"]:
                failures.append(f"{where}: to_dict(from_dict(example)) != canonical: {value.to_dict()!r}")
            if data_class.from_dict(value.to_dict()) != value:
                failures.append(f"{where}: from_dict(to_dict(value)) != value")
            buffer = io.BytesIO()
            fastavro.schemaless_writer(buffer, schema, case["canonical"])
            if buffer.getvalue().hex() != case["avroHex"]:
                failures.append(f"{where}: fastavro bytes {buffer.getvalue().hex()} != avsc bytes {case['avroHex']}")
            decoded: Dict[str, Any] = fastavro.schemaless_reader(io.BytesIO(bytes.fromhex(case["avroHex"])), schema, None)  # type: ignore[assignment]
            if decoded != case["canonical"]:
                failures.append(f"{where}: fastavro decoded avsc bytes to {decoded!r}")
            # from_avro fills __dict__ itself rather than calling the constructor: the same fields, in order.
            # (Built from the canonical form, whose map entries are in the order the bytes hold them.)
            read, built = data_class.from_avro(decoded), data_class.from_dict(case["canonical"])
            if read != built or repr(read) != repr(built) or list(vars(read)) != list(vars(built)):
                failures.append(f"{where}: from_avro(fastavro record) is {read!r}, not {built!r}")
    print(json.dumps({"checked": checked, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
