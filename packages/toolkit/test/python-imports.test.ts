import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canon, tempDir } from "./helpers.js";

/**
 * A module's imports are recorded by the code that writes each use, so text that only mentions a
 * name (a docstring saying "Optional", "List", "Enum" or a runtime helper) imports nothing. When
 * they were chosen by searching the finished text, the notes module below imported Enum, List,
 * Optional, read_int and datetime_from_wire, none of which its code uses.
 */
describe("Python imports", () => {
  const event = (eventType: string, name: string, description: string, withPriority: boolean) => ({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `https://example.com/schemas/events/${eventType}.json`,
    title: name,
    description,
    "x-event-type": eventType,
    type: "object",
    properties: {
      text: { type: "string", description: "An Optional List of Enum values, read with read_int or datetime_from_wire." },
      ...(withPriority ? { priority: { $ref: "../types/Priority.json", description: "How soon." } } : {}),
    },
    required: ["text", ...(withPriority ? ["priority"] : [])],
    additionalProperties: false,
    examples: [{ text: "hello", ...(withPriority ? { priority: "low" } : {}) }],
  });

  it("a module imports what its code names, not what its docstrings mention nor what another module's classes need", () => {
    const dir = tempDir("py-imports");
    mkdirSync(path.join(dir, "schemas/events"), { recursive: true });
    mkdirSync(path.join(dir, "schemas/types"), { recursive: true });
    const write = (file: string, value: unknown) => writeFileSync(path.join(dir, file), JSON.stringify(value, null, 2));
    write("eventcanon.config.json", { schemas: "schemas", eventTypePrefix: "com.example" });
    const events: [string, string, string, boolean][] = [
      ["com.example.notes.item.added.v1", "NoteAddedV1", "Its docstrings name Optional, List, Enum, Union and date.", false],
      ["com.example.notes.item.removed.v1", "NoteRemovedV1", "A note was removed.", true],
      ["com.example.tasks.item.added.v1", "TaskAddedV1", "A task was added.", true],
    ];
    for (const [eventType, name, description, withPriority] of events)
      write(`schemas/events/${eventType}.json`, event(eventType, name, description, withPriority));
    // Used by two domains, so it lives in shared.py: the notes module names an enum it does not
    // declare (quicktype is given it as a stub, whose `(Enum)` base is not the notes module's).
    write("schemas/types/Priority.json", {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://example.com/schemas/types/Priority.json",
      title: "Priority",
      description: "How soon.",
      type: "string",
      enum: ["low", "high"],
      "x-enum-default": "low",
    });
    const result = canon(["generate", "--out", path.join(dir, "out"), "--target", "python"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const importsOf = (file: string) => {
      const code = readFileSync(path.join(dir, "out/python", file), "utf8");
      return code.slice(code.indexOf("from __future__ import annotations"), code.search(/^(@dataclass|class )/m));
    };
    expect(importsOf("notes.py")).toBe(
      [
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "from typing import Any, ClassVar, Dict",
        "",
        "from ._runtime import read_enum, read_record, read_str",
        "from .shared import Priority",
        "",
        "",
        "",
      ].join("\n"),
    );
    expect(importsOf("shared.py")).toBe(["from __future__ import annotations", "", "from enum import Enum", "", "", "", ""].join("\n"));
  });
});
