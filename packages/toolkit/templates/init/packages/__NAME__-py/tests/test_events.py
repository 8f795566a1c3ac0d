"""Every example of every event round-trips through the generated dataclasses and Avro (fastavro)."""

from __future__ import annotations

import json
import unittest
from importlib import resources

from __PY_PACKAGE__ import EVENT_DATA_CLASSES, decode, encode


def schemas() -> list:
    folder = resources.files("__PY_PACKAGE__") / "schemas" / "json"
    return [json.loads(entry.read_text(encoding="utf-8")) for entry in sorted(folder.iterdir(), key=lambda e: e.name)]


class EveryExample(unittest.TestCase):
    def test_every_schema_has_a_data_class_and_every_data_class_a_schema(self) -> None:
        self.assertEqual(sorted(EVENT_DATA_CLASSES), sorted(schema["x-event-type"] for schema in schemas()))

    def test_examples_round_trip(self) -> None:
        for schema in schemas():
            data_class = EVENT_DATA_CLASSES[schema["x-event-type"]]
            for index, example in enumerate(schema["examples"]):
                with self.subTest(event=schema["x-event-type"], example=index):
                    value = data_class.from_dict(example)
                    self.assertEqual(data_class.from_dict(value.to_dict()), value)
                    self.assertEqual(decode(data_class, encode(value)), value)


if __name__ == "__main__":
    unittest.main()
