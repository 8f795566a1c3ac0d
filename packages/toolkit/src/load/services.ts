import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createAjv, OWN_SCHEMA } from "./ajv.js";
import type { CanonConfig } from "./config.js";
import type { Diagnostic } from "./diagnostics.js";
import { diagnosticAt, type JsonSource, joinPointer, parseJsonSource } from "./json-source.js";
import { eventsOf, type Model, type Service } from "./model.js";
import { MAX_FILE_BYTES, type SchemaFile, toPosix } from "./schema-files.js";

const SERVICE_SCHEMA_URL = new URL("../../meta-schema/service.schema.json", import.meta.url);

/** One parsed service file, kept with its positions for lint. */
export interface ServiceFile {
  readonly service: Service;
  readonly source: JsonSource;
}

let validateService: ReturnType<ReturnType<typeof createAjv>["compile"]> | undefined;

/**
 * Reads `<services>/*.json`. A catalog without a services folder has no services, and every event's
 * producers are unknown; that is allowed, as it is for an event without `x-producers`.
 */
export function readServices(config: CanonConfig, cwd: string): { files: ServiceFile[]; diagnostics: Diagnostic[] } {
  const files: ServiceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(config.services) || !statSync(config.services).isDirectory()) return { files, diagnostics };
  validateService ??= createAjv(OWN_SCHEMA).compile(JSON.parse(readFileSync(SERVICE_SCHEMA_URL, "utf8")) as object);
  const names = readdirSync(config.services)
    .filter((name) => name.endsWith(".json"))
    .sort();
  for (const name of names) {
    const absolute = path.join(config.services, name);
    const shown = toPosix(path.relative(cwd, absolute));
    const stat = statSync(absolute);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) {
      diagnostics.push({
        code: "service-invalid",
        file: shown,
        pointer: "",
        line: 1,
        column: 1,
        message: stat.isFile() ? `file is ${stat.size} bytes; the limit is ${MAX_FILE_BYTES}` : "not a regular file",
        hint: "a service file is a small JSON object: see the Service files section of `canon docs`",
      });
      continue;
    }
    const parsed = parseJsonSource(shown, readFileSync(absolute, "utf8"));
    diagnostics.push(...parsed.diagnostics);
    if (parsed.diagnostics.length > 0) continue;
    const { source } = parsed;
    if (!validateService(source.value)) {
      for (const error of validateService.errors ?? []) {
        const params = error.params as { additionalProperty?: string; missingProperty?: string };
        const pointer =
          params.additionalProperty === undefined ? error.instancePath : joinPointer(error.instancePath, params.additionalProperty);
        const message =
          params.additionalProperty !== undefined
            ? `unknown key "${params.additionalProperty}"`
            : params.missingProperty !== undefined
              ? `missing required key "${params.missingProperty}"`
              : `${error.instancePath.slice(1) || "service"} ${error.message ?? "is invalid"}`;
        diagnostics.push(
          diagnosticAt(
            source,
            pointer,
            "service-invalid",
            message,
            "a service has id, name, description (with the sources of its claims), owner (null if unknown) and repository; see the Service files section of `canon docs`",
          ),
        );
      }
      continue;
    }
    const value = source.value as Omit<Service, "file">;
    const base = name.slice(0, -".json".length);
    if (value.id !== base) {
      diagnostics.push(
        diagnosticAt(
          source,
          "/id",
          "service-file-name",
          `file is named ${name} but declares service ${value.id}`,
          `rename the file to ${value.id}.json`,
        ),
      );
      continue;
    }
    files.push({ service: { ...value, file: shown }, source });
  }
  return { files, diagnostics };
}

/** The model with its services attached, sorted by id. */
export function withServices(model: Model, files: readonly ServiceFile[]): Model {
  return { ...model, services: new Map(files.map((f) => [f.service.id, f.service] as const).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** Each service id an event names must exist; an event that lists producers lists one; every service takes part. */
export function lintServices(eventFiles: readonly SchemaFile[], model: Model, services: readonly ServiceFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byRel = new Map(eventFiles.map((f) => [f.rel, f]));
  const known = new Set(services.map((s) => s.service.id));
  const listed = known.size === 0 ? "there are no service files yet" : `known: ${[...known].sort().join(", ")}`;
  for (const event of model.events) {
    const file = byRel.get(event.origin.file);
    if (file === undefined) continue;
    if (event.producers !== undefined && event.producers.length === 0) {
      out.push(
        diagnosticAt(
          file.source,
          "/x-producers",
          "event-no-producer",
          `${event.eventType} lists no producer: nothing would ever send it`,
          "name the service that sends it, or leave x-producers out where no source says who does",
        ),
      );
    }
    for (const [keyword, ids] of [
      ["x-producers", event.producers ?? []],
      ["x-consumers", event.consumers],
    ] as const) {
      ids.forEach((id, index) => {
        if (known.has(id)) return;
        out.push(
          diagnosticAt(
            file.source,
            `/${keyword}/${index}`,
            "service-unknown",
            `service "${id}" has no file services/${id}.json (${listed})`,
            `add services/${id}.json or fix the id`,
          ),
        );
      });
    }
  }
  for (const { service, source } of services) {
    const { produces, consumes } = eventsOf(model, service.id);
    if (produces.length + consumes.length > 0) continue;
    out.push(
      diagnosticAt(
        source,
        "/id",
        "service-unused",
        `service ${service.id} neither sends nor receives any event`,
        `list "${service.id}" in the x-producers or x-consumers of the events it sends or receives, or remove the file`,
      ),
    );
  }
  return out;
}

/** The services that receive `eventType`, in id order; those whose file is missing are left to lint. */
export function consumerServices(model: Model, eventType: string): Service[] {
  const event = model.events.find((e) => e.eventType === eventType);
  return (event?.consumers ?? []).flatMap((id) => model.services.get(id) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** `edx-platform-credit (owner @team), edx-platform-grades (no owner on record)`: who has to act, and whom to ask. */
export function describeServices(services: readonly Pick<Service, "id" | "owner">[]): string {
  return services.map((s) => `${s.id} (${s.owner === null ? "no owner on record" : `owner ${s.owner}`})`).join(", ");
}
