import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canon, tempDir } from "./helpers.js";

/**
 * A module's imports are recorded by the code that writes each use, so text that only mentions a
 * name (a docstring saying "Optional", "List", "Enum" or a runtime helper) imports nothing. When
 * they were chosen by searching the finished text, this module imported Enum, List, Optional,
 * read_int and datetime_from_wire, none of which its code uses.
 */
describe("Python imports", () => {
  it("a module imports what its code names, not what its docstrings mention", () => {
    const dir = tempDir("py-imports");
    mkdirSync(path.join(dir, "schemas/events"), { recursive: true });
    writeFileSync(path.join(dir, "eventcanon.config.json"), JSON.stringify({ schemas: "schemas", eventTypePrefix: "com.example" }));
    const event = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "https://example.com/schemas/events/com.example.notes.note.added.v1.json",
      title: "NoteAddedV1",
      description: "A note was added. Its docstrings name Optional, List, Enum, Union and date.",
      "x-event-type": "com.example.notes.note.added.v1",
      type: "object",
      properties: { text: { type: "string", description: "An Optional List of Enum values, read with read_int or datetime_from_wire." } },
      required: ["text"],
      additionalProperties: false,
      examples: [{ text: "hello" }],
    };
    writeFileSync(path.join(dir, "schemas/events/com.example.notes.note.added.v1.json"), JSON.stringify(event, null, 2));
    const result = canon(["generate", "--out", path.join(dir, "out"), "--target", "python"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const notes = readFileSync(path.join(dir, "out/python/notes.py"), "utf8");
    const block = notes.slice(notes.indexOf("from __future__ import annotations"), notes.indexOf("@dataclass"));
    expect(block).toBe(
      [
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "from typing import Any, ClassVar, Dict",
        "",
        "from ._runtime import read_record, read_str",
        "",
        "",
        "",
      ].join("\n"),
    );
  });
});
