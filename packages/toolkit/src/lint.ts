import path from "node:path";
import { createAjv } from "./ajv.js";
import type { CanonConfig } from "./config.js";
import type { Diagnostic, ErrorCode } from "./diagnostics.js";
import { diagnosticAt, joinPointer } from "./json-source.js";
import { type EventDefinition, type Field, type Model, type NamedType, namedType, reachableTypes, type TypeNode } from "./model.js";
import { isAvroName, pythonFieldName } from "./naming.js";
import type { SchemaFile } from "./schema-files.js";
import { shapeError, valueError } from "./values.js";

/** The project's naming and consistency rules, over the files and the model built from them. */
export function lintCatalog(files: readonly SchemaFile[], model: Model, config: CanonConfig): Diagnostic[] {
  const out = [...lintFiles(files, config), ...lintModel(files, model, config)];
  // Examples are checked against a consistent catalog only: ajv resolves $refs through $id.
  return out.length > 0 ? out : validateExamples(files, model);
}

/** Rules over the model; run only once the model was built without errors. */
function lintModel(files: readonly SchemaFile[], model: Model, config: CanonConfig): Diagnostic[] {
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const out: Diagnostic[] = [];
  const at = (rel: string, pointer: string, code: ErrorCode, message: string, hint?: string) => {
    const file = byRel.get(rel);
    if (file !== undefined) out.push(diagnosticAt(file.source, pointer, code, message, hint));
  };
  for (const type of model.types.values()) {
    const { file, pointer } = type.origin;
    if (type.kind === "enum") {
      type.symbols.forEach((symbol, index) => {
        if (!isAvroName(symbol)) {
          at(
            file,
            joinPointer(pointer, "enum", index),
            "enum-symbol-invalid",
            `enum symbol "${symbol}" is not a valid Avro name`,
            "use letters, digits and underscores, not starting with a digit (e.g. in_progress)",
          );
        }
      });
      if (type.fallback !== undefined && !type.symbols.includes(type.fallback))
        at(
          file,
          joinPointer(pointer, "x-enum-default"),
          "enum-default-invalid",
          `x-enum-default "${type.fallback}" is not one of the enum's symbols`,
          `use one of ${type.symbols.map((s) => `"${s}"`).join(", ")}`,
        );
    }
    if (type.kind !== "record") continue;
    const pythonNames = new Map<string, string>();
    for (const field of type.fields) {
      const fp = field.origin.pointer;
      if (!field.required && field.default === undefined) {
        at(
          file,
          fp,
          "optional-without-default",
          `optional field "${field.name}" has no default`,
          'Avro and Python need a value when it is absent: add "default" (null for a nullable field) or list it in required',
        );
      }
      if (field.default !== undefined) {
        const error = shapeError(model, field.type, field.default.value);
        if (error !== undefined)
          at(
            file,
            joinPointer(fp, "default"),
            "default-invalid",
            `default does not fit the field's type: ${error}`,
            'for "default": null the type must be nullable',
          );
      }
      const pythonName = pythonFieldName(field.name);
      const clash = pythonNames.get(pythonName);
      if (clash !== undefined)
        at(
          file,
          fp,
          "python-name-collision",
          `field "${field.name}" and "${clash}" both become "${pythonName}" in Python`,
          "rename one of them",
        );
      pythonNames.set(pythonName, field.name);
    }
  }
  for (const cycle of requiredCycles(model)) {
    const [first] = cycle;
    if (first === undefined) continue;
    const path = [...cycle.map((step) => `${step.from}.${step.field.name}`), first.from].join(" -> ");
    at(
      first.field.origin.file,
      first.field.origin.pointer,
      "ref-cycle-required",
      `${path}: every field on this cycle is a non-null record, so no finite value exists`,
      'make one field on the cycle nullable (with "default": null), an array or a map; a default does not end it, since Avro and Python write every field',
    );
  }
  for (const event of model.events) lintEvent(event, model, byRel.get(event.origin.file), out);
  for (const [type, other, event] of avroNameClashes(model, config)) {
    at(
      type.origin.file,
      type.avroName === undefined ? type.origin.pointer : joinPointer(type.origin.pointer, "x-avro-name"),
      "avro-name-clash",
      `${type.name} is named ${type.avroName ?? type.name} in Avro, as ${other} is, and event ${event} uses both: one Avro schema cannot define a name twice`,
      `give ${type.name} an x-avro-name of its own`,
    );
  }
  return out;
}

/** Named types that an event's Avro schema would define under a name it already defined: each pair once. */
function avroNameClashes(model: Model, config: CanonConfig): [NamedType, string, string][] {
  const out = new Map<string, [NamedType, string, string]>();
  for (const event of model.events) {
    const owners = new Map([[config.avroEventRecordName ?? event.record.name, event.record.name]]);
    for (const type of reachableTypes(model, event)) {
      if (type.kind === "alias" || type === event.record) continue;
      const name = type.avroName ?? type.name;
      const owner = owners.get(name);
      if (owner !== undefined && !out.has(type.name)) out.set(type.name, [type, owner, event.eventType]);
      owners.set(name, type.name);
    }
  }
  return [...out.values()];
}

interface Step {
  readonly from: string;
  readonly field: Field;
  readonly to: string;
}

/**
 * Records that contain themselves through fields that are neither nullable, an array nor a map: one
 * cycle per strongly connected component (Tarjan's algorithm), from its first record by name.
 */
export function requiredCycles(model: Model): Step[][] {
  const edges = new Map<string, Step[]>();
  for (const type of model.types.values()) {
    if (type.kind !== "record") continue;
    const steps = type.fields.flatMap((field) =>
      field.type.kind === "ref" && model.types.get(field.type.name)?.kind === "record"
        ? [{ from: type.name, field, to: field.type.name }]
        : [],
    );
    edges.set(type.name, steps);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    const own = index.size;
    index.set(node, own);
    low.set(node, own);
    stack.push(node);
    onStack.add(node);
    for (const { to } of edges.get(node) ?? []) {
      if (!index.has(to)) visit(to);
      if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? own, low.get(to) ?? own));
    }
    if (low.get(node) !== own) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    components.push(component);
  };
  for (const name of edges.keys()) if (!index.has(name)) visit(name);
  const cycles: Step[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...members].sort()[0];
    if (start === undefined) continue;
    // Breadth-first from the start back to it, inside the component: the shortest such cycle.
    const reached = new Map<string, Step[]>([[start, []]]);
    const queue = [start];
    let cycle: Step[] | undefined;
    for (let node = queue.shift(); node !== undefined && cycle === undefined; node = queue.shift()) {
      for (const step of edges.get(node) ?? []) {
        if (!members.has(step.to)) continue;
        const path = [...(reached.get(node) ?? []), step];
        if (step.to === start) {
          cycle = path;
          break;
        }
        if (!reached.has(step.to)) {
          reached.set(step.to, path);
          queue.push(step.to);
        }
      }
    }
    if (cycle !== undefined) cycles.push(cycle);
  }
  return cycles;
}

/** Rules over each file on its own: names, `$id`, the event type. */
export function lintFiles(files: readonly SchemaFile[], config: CanonConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bases = new Map<string, string>();
  for (const file of files) {
    const root = file.source.value as Record<string, unknown>;
    const base = path.posix.basename(file.rel, ".json");
    if (file.role === "event") {
      const eventType = String(root["x-event-type"]);
      if (base !== eventType) {
        out.push(
          diagnosticAt(
            file.source,
            "/x-event-type",
            "event-file-name",
            `file is named ${base}.json but declares event type ${eventType}`,
            `rename the file to ${eventType}.json`,
          ),
        );
      }
      const naming = eventTypeProblem(eventType, config);
      if (naming !== undefined)
        out.push(
          diagnosticAt(
            file.source,
            "/x-event-type",
            "event-type-name",
            naming,
            "see the naming rule in `canon docs`; legacy names need an entry in legacyEventTypes",
          ),
        );
    } else if (base !== root.title) {
      out.push(
        diagnosticAt(
          file.source,
          "/title",
          "type-file-name",
          `file is named ${base}.json but defines type ${String(root.title)}`,
          `rename the file to ${String(root.title)}.json`,
        ),
      );
    }
    const id = String(root.$id);
    if (!id.endsWith(`/${file.rel}`)) {
      out.push(
        diagnosticAt(
          file.source,
          "/$id",
          "id-mismatch",
          `$id must end with /${file.rel}`,
          "relative $refs resolve against $id, so it must mirror the file's place in the schemas folder",
        ),
      );
    } else {
      bases.set(id.slice(0, -file.rel.length), file.rel);
    }
  }
  if (bases.size > 1) {
    for (const [base, rel] of [...bases].slice(1)) {
      const file = files.find((f) => f.rel === rel);
      if (file)
        out.push(
          diagnosticAt(
            file.source,
            "/$id",
            "id-mismatch",
            `$id base ${base} differs from ${[...bases.keys()][0]}`,
            "all files of a catalog share one $id base",
          ),
        );
    }
  }
  return out;
}

/** The naming rule: `<prefix>.<domain>.<subject...>.<action>.v<N>`, lowercase, or an allow-listed legacy name. */
export function eventTypeProblem(eventType: string, config: CanonConfig): string | undefined {
  if (config.legacyEventTypes.has(eventType)) return undefined;
  const prefix = config.eventTypePrefix;
  if (prefix !== "" && !eventType.startsWith(`${prefix}.`)) return `event type ${eventType} does not start with ${prefix}.`;
  const rest = prefix === "" ? eventType : eventType.slice(prefix.length + 1);
  const minSegments = prefix === "" ? 5 : 3;
  const segments = rest.split(".");
  if (!/^v[1-9][0-9]*$/.test(segments.at(-1) ?? "")) return `event type ${eventType} does not end with a major version (.v1, .v2, ...)`;
  if (segments.length < minSegments + 1 || !segments.slice(0, -1).every((s) => /^[a-z][a-z0-9_]*$/.test(s))) {
    return `event type ${eventType} must read ${prefix || "<org>.<name>"}.<domain>.<subject>.<action>.v<N> in lowercase snake_case segments`;
  }
  return undefined;
}

function lintEvent(event: EventDefinition, model: Model, file: SchemaFile | undefined, out: Diagnostic[]): void {
  if (file === undefined || event.keyField === undefined) return;
  let fields = event.record.fields;
  let type: TypeNode | undefined;
  for (const segment of event.keyField.split(".")) {
    const field = fields.find((f) => f.name === segment);
    if (field === undefined) {
      out.push(
        diagnosticAt(
          file.source,
          "/x-event-key-field",
          "key-field-unknown",
          `event key field ${event.keyField}: no field "${segment}"`,
          "give a dotted path through the event's fields, e.g. exam_attempt.course_key",
        ),
      );
      return;
    }
    type = field.type;
    const named = type.kind === "ref" ? namedType(model, type.name) : undefined;
    fields = named?.kind === "record" ? named.fields : [];
  }
  if (type !== undefined && (type.kind === "nullable" || (type.kind === "ref" && namedType(model, type.name).kind === "record"))) {
    out.push(
      diagnosticAt(
        file.source,
        "/x-event-key-field",
        "key-field-unknown",
        `event key field ${event.keyField} must be a non-null scalar`,
        "point at a string or number field that every event carries",
      ),
    );
  }
}

/**
 * Every example must validate against its event schema. The model decides, in one walk over each
 * example; ajv, compiled only for an event whose example the model rejects, words the errors
 * (compiling a validator per event was most of lint's time on large catalogs; a test holds the two
 * verdicts equal). Shared types are compiled once and called (`inlineRefs: false`), and all errors are
 * collected in one pass, which keeps ajv's code flat: stopping at the first error nests one block per
 * property, which V8 could not even parse for a record of 2,000 fields.
 */
function validateExamples(files: readonly SchemaFile[], model: Model): Diagnostic[] {
  let ajv: ReturnType<typeof createAjv> | undefined;
  const byRel = new Map(files.map((f) => [f.rel, f]));
  const out: Diagnostic[] = [];
  for (const event of model.events) {
    const file = byRel.get(event.origin.file);
    if (file === undefined) continue;
    const root: TypeNode = { kind: "ref", name: event.record.name };
    if (event.examples.every((example) => valueError(model, root, example) === undefined)) continue;
    if (ajv === undefined) {
      ajv = createAjv({ inlineRefs: false });
      for (const f of files) ajv.addSchema(f.source.value as object);
    }
    const id = String((file.source.value as Record<string, unknown>).$id);
    const validate = ajv.getSchema(id);
    if (validate === undefined) continue;
    event.examples.forEach((example, index) => {
      if (validate(example)) return;
      for (const error of validate.errors ?? []) {
        const pointer = `/examples/${index}${error.instancePath}`;
        const detail =
          error.keyword === "additionalProperties"
            ? `unknown field "${String(error.params.additionalProperty)}"`
            : (error.message ?? "is invalid");
        out.push(
          diagnosticAt(
            file.source,
            pointer,
            "example-invalid",
            `example ${index}${error.instancePath ? ` at ${error.instancePath}` : ""}: ${detail}`,
            "fix the example or the schema; examples are part of the contract",
          ),
        );
      }
    });
  }
  return out;
}
