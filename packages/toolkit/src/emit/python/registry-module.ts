import type { CanonConfig } from "../../load/config.js";
import type { Model } from "../../load/model.js";
import { type ReleasedSchemas, releasedIdOf, releasedValueIdOf } from "../../load/released-schemas.js";
import { avroKeySchemaOf, avroSchemaOf } from "../avro/index.js";
import { generatedNotice, groupBy } from "../emitter.js";
import { pythonJson } from "./python-text.js";

/** `_registry.py`: every event type with its data class, routing facts and schemas. */
export function registryModule(model: Model, config: CanonConfig, released: ReleasedSchemas): string {
  const lines = [
    generatedNotice("#"),
    '"""Every event type with its data class, routing facts and schemas."""',
    "",
    "from __future__ import annotations",
    "",
    "import json",
    "from dataclasses import dataclass",
    "from importlib import resources",
    "from typing import Any, Dict, Optional, Type",
    "",
  ];
  for (const [module, events] of groupBy(model.events, (e) => e.record.module))
    lines.push(
      `from .${module} import ${events
        .map((e) => e.record.name)
        .sort()
        .join(", ")}`,
    );
  lines.push(
    "",
    "",
    "@dataclass(frozen=True)",
    "class EventSpec:",
    '    """One event type: its data class, where it is sent, its key, and its schemas."""',
    "",
    "    event_type: str",
    "    data_class: Type[Any]",
    "    topic: Optional[str]",
    "    key_field: Optional[str]",
    '    """Dotted path of the field whose value is the message key."""',
    "    key_schema: Any",
    '    """Avro schema of the key field\'s value."""',
    "    schema_id: Optional[int] = None",
    '    """Global id of the package\'s value schema in the release history; None while not released."""',
    "    key_schema_id: Optional[int] = None",
    '    """Global id of its key schema in the release history; None while not released."""',
    "",
    "    def avro_schema(self) -> Dict[str, Any]:",
    '        """The Avro schema (the Open edX event bus wire form), as shipped in the package."""',
    '        return _load("avro", f"{self.event_type}.avsc")',
    "",
    "    def json_schema(self) -> Dict[str, Any]:",
    '        """The self-contained JSON Schema (draft 2020-12)."""',
    '        return _load("json", f"{self.event_type}.json")',
    "",
    "",
    "def _load(kind: str, name: str) -> Dict[str, Any]:",
    '    text = resources.files(__name__.rpartition(".")[0]).joinpath("schemas").joinpath(kind).joinpath(name).read_text(encoding="utf-8")',
    "    value: Dict[str, Any] = json.loads(text)",
    "    return value",
    "",
    "",
    "#: Every event type of the catalog.",
    "EVENTS: Dict[str, EventSpec] = {",
  );
  for (const event of model.events) {
    const key = avroKeySchemaOf(model, event);
    const schemaId = releasedValueIdOf(released, event.eventType, () => avroSchemaOf(model, event, config));
    const keySchemaId = key === undefined ? undefined : releasedIdOf(released, key);
    lines.push(
      `    ${JSON.stringify(event.eventType)}: EventSpec(`,
      `        event_type=${JSON.stringify(event.eventType)},`,
      `        data_class=${event.record.name},`,
      `        topic=${event.topic === undefined ? "None" : JSON.stringify(event.topic)},`,
      `        key_field=${event.keyField === undefined ? "None" : JSON.stringify(event.keyField)},`,
      `        key_schema=${key === undefined ? "None" : pythonJson(key)},`,
      `        schema_id=${schemaId ?? "None"},`,
      `        key_schema_id=${keySchemaId ?? "None"},`,
      "    ),",
    );
  }
  lines.push("}", "");
  return lines.join("\n");
}

/**
 * Every released schema by id, for consumers to read any released version offline. A value schema
 * that is an event's current one is left out (None): that event's Avro schema file holds it.
 */
export function historyModule(model: Model, config: CanonConfig, released: ReleasedSchemas): string {
  const current = new Set(model.events.map((e) => releasedValueIdOf(released, e.eventType, () => avroSchemaOf(model, e, config))));
  return [
    generatedNotice("#"),
    '"""Every schema released in registry/, by global id: the writer schemas a consumer reads offline."""',
    "",
    "from __future__ import annotations",
    "",
    "from typing import Any, Dict, Optional, Tuple",
    "",
    "#: Value schemas: event type, version, and the schema as released (None where it is the event's current one).",
    "VALUES: Dict[int, Tuple[str, int, Optional[Any]]] = {",
    ...[...released.values].map(
      ([id, { event, version, schema }]) =>
        `    ${id}: (${JSON.stringify(event)}, ${version}, ${current.has(id) ? "None" : pythonJson(schema)}),`,
    ),
    "}",
    "",
    "#: Key schemas, shared by every event whose key has that schema.",
    "KEYS: Dict[int, Any] = {",
    ...[...released.keys].map(([id, schema]) => `    ${id}: ${pythonJson(schema)},`),
    "}",
    "",
  ].join("\n");
}
