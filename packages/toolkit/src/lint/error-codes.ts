import { docsOf } from "./rule.js";
import { LINT_RULES } from "./rules/index.js";

/**
 * Every code a diagnostic can carry, with its meaning and fix. This is the one source of both the README's
 * "Errors" table (a test holds the two equal) and `canon explain <code>`; the order is the table's. A lint
 * rule carries its own row (src/lint/rules/<code>.ts); the codes here are the reader's, the meta-schema's,
 * the loader's and the other commands'.
 */
export const ERROR_DOCS = {
  "json-syntax": {
    meaning: "the file is not valid JSON (trailing comma, comment, truncated, empty)",
    fix: "fix the syntax at the position given",
  },
  "json-bom": {
    meaning: "the file starts with a byte order mark",
    fix: "save as UTF-8 without BOM",
  },
  "json-duplicate-key": {
    meaning: "a key appears twice in one object; parsers disagree on which wins",
    fix: "keep exactly one",
  },
  "json-too-deep": {
    meaning: "the JSON nests deeper than 64 levels (arrays and objects)",
    fix: "move nested records into shared types and `$ref` them",
  },
  "schemas-folder-missing": {
    meaning: "the schemas folder does not exist",
    fix: "run from the repository root or pass `--schemas DIR`",
  },
  "file-misplaced": {
    meaning: "a JSON file under `schemas/` is neither in `events/` nor in `types/`",
    fix: "move it",
  },
  "file-outside-schemas": {
    meaning: "a symbolic link (to a file or a folder) points outside the schemas folder",
    fix: "copy the file in instead of linking",
  },
  "file-too-large": {
    meaning: "a file exceeds 4 MiB (checked before it is read)",
    fix: "split it into shared types",
  },
  "file-unreadable": {
    meaning: "a schema file cannot be read: a dangling or looping link, a FIFO or device named `*.json`, no permission",
    fix: "fix or remove it",
  },
  "unsupported-keyword": {
    meaning: "a keyword outside the supported subset (e.g. `oneOf`, `allOf`, `const`, or a typo like `requird`)",
    fix: "see the subset: `canon docs`",
  },
  "missing-keyword": {
    meaning: "a keyword every event (or type) file must have is missing",
    fix: "add it",
  },
  "invalid-keyword-value": {
    meaning: 'a keyword has a value of the wrong kind (e.g. `"type": "date"`)',
    fix: "see the message",
  },
  "field-name-not-snake-case": {
    meaning: "a property name is not snake_case",
    fix: "rename it",
  },
  "type-name-not-pascal-case": {
    meaning: "a `title` is not PascalCase",
    fix: "rename it",
  },
  "avro-name-invalid": {
    meaning: "an `x-avro-name` is not a valid Avro name",
    fix: "letters, digits, `_`, not starting with a digit",
  },
  "type-name-missing": {
    meaning: "a referenced or inline named type has no `title` (and no `$defs` key to name it)",
    fix: "add a `title`",
  },
  "type-name-collision": {
    meaning: "two different definitions have the same type name",
    fix: "rename one, or `$ref` the existing one",
  },
  "unsupported-named-type": {
    meaning: "a named type (a type file or `$ref` target) is an array, map or nullable",
    fix: "write those inline where used",
  },
  "unsupported-anyof": {
    meaning: '`anyOf` other than `[T, {"type": "null"}]`',
    fix: "model alternatives as optional fields",
  },
  "unsupported-type": {
    meaning: '`"type": "null"` on its own',
    fix: "use it only in a nullable pair",
  },
  "type-missing": {
    meaning: "a schema has neither `type`, `$ref` nor `enum`",
    fix: "add one",
  },
  "object-without-shape": {
    meaning: "`type: object` with neither `properties` nor an `additionalProperties` schema",
    fix: "list the fields, or make it a map",
  },
  "array-items-missing": {
    meaning: "`type: array` without `items`",
    fix: "add `items`",
  },
  "ref-remote": {
    meaning: "`$ref` to a URL; references are never fetched",
    fix: "copy the type into `schemas/types/`",
  },
  "ref-outside-schemas": {
    meaning: "`$ref` leaves the schemas folder (`../../etc/passwd`)",
    fix: "keep every file under `schemas/`",
  },
  "ref-missing-file": {
    meaning: "`$ref` to a file that does not exist",
    fix: "fix the path",
  },
  "ref-to-invalid-file": {
    meaning: "`$ref` to a file that has errors of its own",
    fix: "fix that file first",
  },
  "ref-missing-pointer": {
    meaning: "`$ref` fragment points to nothing in the target file",
    fix: "fix the pointer after `#`",
  },
  "ref-anchor": {
    meaning: "`$ref` uses a named anchor (`#name`)",
    fix: "use a JSON pointer (`#/$defs/Name`)",
  },
  ...docsOf(LINT_RULES),
  "service-invalid": {
    meaning:
      "a file under `services/` does not fit the service meta-schema (a key missing or unknown, a repository that is not an https URL)",
    fix: "give id, name, description, owner (null if unknown) and repository",
  },
  "service-file-name": {
    meaning: "a service file's `id` differs from its file name",
    fix: "rename the file to `<id>.json`",
  },
  "service-unknown": {
    meaning: "`x-producers` or `x-consumers` names a service that has no file in `services/`",
    fix: "add `services/<id>.json` or fix the id",
  },
  "event-no-producer": {
    meaning: "`x-producers` is an empty list: nothing would send the event",
    fix: "name the producer, or leave `x-producers` out where no source says",
  },
  "service-unused": {
    meaning: "a service neither sends nor receives any event",
    fix: "list it in the events' `x-producers`/`x-consumers`, or remove it",
  },
  "config-invalid": {
    meaning: "`eventcanon.config.json` has an unknown key or a wrong value",
    fix: "`canon docs config` lists every key and its values",
  },
  "config-unreadable": {
    meaning: "the config file named by `--config` cannot be read",
    fix: "fix the path",
  },
  "compat-input-missing": {
    meaning: "a file given to `canon compat` does not exist",
    fix: "pass two existing schema files",
  },
  "compat-input-mismatch": {
    meaning: "`canon compat` was given an `.avsc` and a `.json` file",
    fix: "compare two files of the same kind",
  },
  "compat-input-invalid": {
    meaning: "an `.avsc` file is not a valid Avro schema by the specification; the message says where and why",
    fix: "fix the schema",
  },
  "check-git-failed": {
    meaning: "`canon check` could not read the base (not a git repository, or the ref does not exist)",
    fix: "pass a ref that exists, e.g. `--base origin/main`",
  },
  "registry-data-in-use": {
    meaning: "another `canon registry serve`, still running, uses the same `--data` folder (its process id is named)",
    fix: "stop it, or give this one another `--data`",
  },
  "registry-edited": {
    meaning: "a released file in `registry/` differs from what `canon release` wrote (or is missing)",
    fix: "restore it from git; change `schemas/` and run `canon release` to add a version",
  },
  "registry-invalid": {
    meaning: "`registry/index.jsonl` has a broken line, a version gap, or an id naming two schemas",
    fix: "restore `registry/` from git",
  },
  "registry-log-invalid": {
    meaning: "a line of `canon registry serve`'s log (`<data>/log.jsonl`) before its last is damaged or conflicts",
    fix: "restore the log from a backup, or keep the lines before the one named",
  },
  "registry-rewritten": {
    meaning: "`registry/index.jsonl` no longer starts with the base's lines: a released line was edited",
    fix: "restore the released lines; releases only append",
  },
  "registry-unlisted-file": {
    meaning: "a file in `registry/` that no line of `registry/index.jsonl` lists",
    fix: "remove it; only `canon release` writes there",
  },
  "subject-conflict": {
    meaning: "two events would share a registry subject, or an event lacks the `x-topic` its strategy needs",
    fix: "use the `topic-record` or `record` subject strategy, or add `x-topic`",
  },
} as const satisfies Record<string, { readonly meaning: string; readonly fix: string }>;

export type ErrorCode = keyof typeof ERROR_DOCS;

export const ERROR_CODES = Object.keys(ERROR_DOCS) as readonly ErrorCode[];
