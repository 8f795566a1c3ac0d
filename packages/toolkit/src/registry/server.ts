import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { isMode } from "../compat/change.js";
import type { CanonConfig } from "../config.js";
import { readHistory } from "./history.js";
import { parseSchema, registryVerdict, verdictMessages } from "./schemas.js";
import { RegistryError, RegistryStore, type StoredVersion } from "./store.js";

export const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
/** Larger request bodies are refused with 413 before they are read in full. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServeOptions {
  readonly config: CanonConfig;
  readonly port: number;
  readonly host: string;
  /** Folder for the durable log of run-time changes; absent: nothing can be registered. */
  readonly data?: string;
  readonly readOnly?: boolean;
  /** `user:password` lines; or EVENTCANON_REGISTRY_USERS=user:password,... in the environment. */
  readonly usersFile?: string;
  /** Slow clients are cut off after this long (headers and body), in ms. */
  readonly requestTimeoutMs?: number;
  /** Gets the line saying a torn record was set aside at start (default: standard error). */
  readonly notice?: (line: string) => void;
}

export interface RunningRegistry {
  readonly url: string;
  readonly port: number;
  readonly subjects: number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
interface Reply {
  status: number;
  body: unknown;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const digest = (text: string) => createHash("sha256").update(text).digest();

function loadUsers(file: string | undefined): Map<string, Buffer> | undefined {
  const text = file !== undefined ? readFileSync(file, "utf8") : process.env.EVENTCANON_REGISTRY_USERS?.replaceAll(",", "\n");
  if (text === undefined || text.trim() === "") return undefined;
  const users = new Map<string, Buffer>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (line.trim() === "" || line.startsWith("#")) continue;
    if (colon < 1) throw new Error(`${file ?? "EVENTCANON_REGISTRY_USERS"}: each entry is user:password`);
    users.set(line.slice(0, colon), digest(line.slice(colon + 1).trim()));
  }
  return users;
}

/** Basic auth, compared in constant time; the answer is the same whatever the path, so nothing leaks. */
function authorized(users: Map<string, Buffer> | undefined, header: string | undefined): boolean {
  if (users === undefined) return true;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(header ?? "");
  if (match === null) return false;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const expected = users.get(decoded.slice(0, colon));
  const given = digest(decoded.slice(colon + 1));
  return colon > 0 && expected !== undefined && timingSafeEqual(expected, given);
}

/** The request's path and query; "//x" is a path here, not a host as URL resolution would read it. */
function requestUrl(raw: string | undefined): URL {
  try {
    return new URL(`http://registry${raw?.startsWith("/") ? raw : `/${raw ?? ""}`}`);
  } catch {
    throw new RegistryError(404, "HTTP 404 Not Found");
  }
}

/**
 * The Confluent Schema Registry REST API subset that Kafka clients use, over registry/ (released
 * versions, read-only) and a durable log of run-time changes. Requests are handled one at a time
 * between reading the body and answering, so concurrent registrations of one schema get one id.
 */
export async function serveRegistry(options: ServeOptions): Promise<RunningRegistry> {
  const store = new RegistryStore(
    options.config,
    readHistory(options.config),
    options.data,
    options.notice ?? ((line) => process.stderr.write(`${line}\n`)),
  );
  const users = loadUsers(options.usersFile);
  const policy = options.config.compatibility.policy;
  const timeout = options.requestTimeoutMs ?? 10_000;

  const writable = () => {
    if (options.readOnly) throw new RegistryError(42205, "Operation not permitted: the registry is read-only");
  };
  const versionBody = (v: StoredVersion) => {
    const schema = store.schema(v.id);
    return {
      subject: v.subject,
      version: v.version,
      id: v.id,
      ...(schema.schemaType === "AVRO" ? {} : { schemaType: schema.schemaType }),
      schema: schema.text,
    };
  };
  const incoming = (body: unknown) => {
    const request = (typeof body === "object" && body !== null ? body : {}) as Json;
    const references = request.references;
    if (Array.isArray(references) && references.length > 0)
      throw new RegistryError(42201, "Invalid schema: schema references are not supported");
    const parsed = parseSchema(request.schema, request.schemaType);
    if (typeof parsed === "string") throw new RegistryError(42201, `Invalid schema: ${parsed}`);
    return parsed;
  };

  const routes: [string, RegExp, (m: string[], q: URLSearchParams, body: unknown) => Reply][] = [
    ["GET", /^\/$/, () => ok({})],
    ["GET", /^\/schemas\/types$/, () => ok(["AVRO", "JSON"])],
    ["GET", /^\/mode$/, () => ok({ mode: options.readOnly ? "READONLY" : "READWRITE" })],
    [
      "GET",
      /^\/subjects$/,
      (_, q) =>
        ok(
          [...store.subjects.entries()]
            .filter(([, versions]) => versions.some((v) => q.get("deleted") === "true" || !v.deleted))
            .map(([subject]) => subject)
            .sort(),
        ),
    ],
    [
      "GET",
      /^\/subjects\/([^/]+)\/versions$/,
      ([s], q) => ok(store.versions(s as string, q.get("deleted") === "true").map((v) => v.version)),
    ],
    [
      "GET",
      /^\/subjects\/([^/]+)\/versions\/([^/]+)$/,
      ([s, v], q) => ok(versionBody(store.version(s as string, v as string, q.get("deleted") === "true"))),
    ],
    [
      "GET",
      /^\/subjects\/([^/]+)\/versions\/([^/]+)\/schema$/,
      ([s, v]) => ok(store.schema(store.version(s as string, v as string).id).value),
    ],
    [
      "POST",
      /^\/subjects\/([^/]+)$/,
      ([s], q, body) => {
        const schema = incoming(body);
        const id = store.idOf(schema);
        const match = store.versions(s as string, q.get("deleted") === "true").find((v) => v.id === id);
        if (match === undefined) throw new RegistryError(40403, "Schema not found");
        return ok(versionBody(match));
      },
    ],
    [
      "POST",
      /^\/subjects\/([^/]+)\/versions$/,
      ([s], _, body) => {
        const subject = s as string;
        const schema = incoming(body);
        const live = (store.subjects.get(subject) ?? []).filter((v) => !v.deleted);
        const known = store.idOf(schema);
        const existing = live.find((v) => v.id === known);
        if (existing !== undefined) return ok({ id: existing.id, version: existing.version });
        writable();
        const previous = live.map((v) => ({ version: v.version, schema: store.schema(v.id) }));
        const verdict = registryVerdict(store.level(subject), previous, schema, policy);
        if (!verdict.compatible)
          throw new RegistryError(
            409,
            `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${verdictMessages(verdict).join("; ")}`,
          );
        return ok(store.register(subject, schema));
      },
    ],
    [
      "GET",
      /^\/schemas\/ids\/([^/]+)$/,
      ([id]) => {
        const schema = store.schema(Number(id));
        return ok({ ...(schema.schemaType === "AVRO" ? {} : { schemaType: schema.schemaType }), schema: schema.text });
      },
    ],
    ["GET", /^\/schemas\/ids\/([^/]+)\/schema$/, ([id]) => ok(store.schema(Number(id)).value)],
    [
      "GET",
      /^\/schemas\/ids\/([^/]+)\/subjects$/,
      ([id]) =>
        ok(
          usesOf(Number(id))
            .map((v) => v.subject)
            .filter((s, i, all) => all.indexOf(s) === i),
        ),
    ],
    [
      "GET",
      /^\/schemas\/ids\/([^/]+)\/versions$/,
      ([id]) => ok(usesOf(Number(id)).map((v) => ({ subject: v.subject, version: v.version }))),
    ],
    ["GET", /^\/config$/, () => ok({ compatibilityLevel: store.global })],
    [
      "PUT",
      /^\/config$/,
      (_, __, body) => {
        writable();
        const level = levelOf(body);
        store.commit({ op: "config", subject: null, level });
        return ok({ compatibility: level });
      },
    ],
    [
      "GET",
      /^\/config\/([^/]+)$/,
      ([s], q) => {
        const level = store.levels.get(s as string) ?? (q.get("defaultToGlobal") === "true" ? store.global : undefined);
        if (level === undefined) throw new RegistryError(40408, `Subject '${s}' does not have subject-level compatibility configured`);
        return ok({ compatibilityLevel: level });
      },
    ],
    [
      "PUT",
      /^\/config\/([^/]+)$/,
      ([s], _, body) => {
        writable();
        const level = levelOf(body);
        store.commit({ op: "config", subject: s as string, level });
        return ok({ compatibility: level });
      },
    ],
    [
      "DELETE",
      /^\/config\/([^/]+)$/,
      ([s]) => {
        writable();
        const level = store.level(s as string);
        store.commit({ op: "config", subject: s as string, level: null });
        return ok({ compatibilityLevel: level });
      },
    ],
    [
      "POST",
      /^\/compatibility\/subjects\/([^/]+)\/versions(?:\/([^/]+))?$/,
      ([s, v], q, body) => {
        const subject = s as string;
        const schema = incoming(body);
        const live = v === undefined ? (store.subjects.get(subject) ?? []).filter((x) => !x.deleted) : [store.version(subject, v)];
        const previous = live.map((x) => ({ version: x.version, schema: store.schema(x.id) }));
        // Against one named version the level's direction applies to that version alone.
        const level = store.level(subject);
        const mode = v === undefined ? level : (level.replace("_TRANSITIVE", "") as typeof level);
        const verdict = registryVerdict(mode, previous, schema, policy);
        return ok({ is_compatible: verdict.compatible, ...(q.get("verbose") === "true" ? { messages: verdictMessages(verdict) } : {}) });
      },
    ],
    [
      "DELETE",
      /^\/subjects\/([^/]+)$/,
      ([s], q) => {
        writable();
        const subject = s as string;
        const permanent = q.get("permanent") === "true";
        const all = store.versions(subject, true);
        if (all.some((v) => v.released))
          throw new RegistryError(
            42205,
            `Operation not permitted: subject '${subject}' holds released versions (registry/ is append-only)`,
          );
        if (permanent && all.some((v) => !v.deleted))
          throw new RegistryError(40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
        if (!permanent && all.every((v) => v.deleted))
          throw new RegistryError(40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
        const versions = all.filter((v) => permanent || !v.deleted).map((v) => v.version);
        for (const version of versions) store.commit({ op: "delete", subject, version, permanent });
        return ok(versions);
      },
    ],
    [
      "DELETE",
      /^\/subjects\/([^/]+)\/versions\/([^/]+)$/,
      ([s, v], q) => {
        writable();
        const subject = s as string;
        const permanent = q.get("permanent") === "true";
        const found = store.version(subject, v as string, true);
        if (found.released)
          throw new RegistryError(
            42205,
            `Operation not permitted: version ${found.version} of '${subject}' is released (registry/ is append-only)`,
          );
        if (permanent && !found.deleted)
          throw new RegistryError(
            40407,
            `Subject '${subject}' Version ${found.version} was not deleted first before being permanently deleted`,
          );
        if (!permanent && found.deleted)
          throw new RegistryError(
            40406,
            `Subject '${subject}' Version ${found.version} was soft deleted.Set permanent=true to delete permanently`,
          );
        store.commit({ op: "delete", subject, version: found.version, permanent });
        return ok(found.version);
      },
    ],
  ];

  function usesOf(id: number): StoredVersion[] {
    store.schema(id);
    return [...store.subjects.values()].flat().filter((v) => v.id === id && !v.deleted);
  }

  function levelOf(body: unknown): NonNullable<ReturnType<RegistryStore["level"]>> {
    const level = (body as Json | null)?.compatibility ?? (body as Json | null)?.compatibilityLevel;
    if (typeof level !== "string" || !isMode(level))
      throw new RegistryError(
        42203,
        "Invalid compatibility level. Valid values are NONE, BACKWARD, FORWARD, FULL, BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, and FULL_TRANSITIVE",
      );
    return level;
  }

  function handle(method: string, url: URL, body: unknown): Reply {
    try {
      decodeURIComponent(url.pathname);
    } catch {
      throw new RegistryError(404, "HTTP 404 Not Found");
    }
    // Match on the raw path so an encoded "/" in a subject stays inside its segment.
    for (const [verb, pattern, action] of routes) {
      const match = pattern.exec(url.pathname);
      if (match === null) continue;
      if (verb !== method) continue;
      const params = match.slice(1).map((raw) => (raw === undefined ? undefined : decodeURIComponent(raw))) as string[];
      return action(params, url.searchParams, body);
    }
    const known = routes.some(([, pattern]) => pattern.test(url.pathname));
    throw new RegistryError(known ? 405 : 404, known ? "HTTP 405 Method Not Allowed" : "HTTP 404 Not Found");
  }

  // Checking every second (not Node's default 30 s) is what makes the timeouts cut slow clients off in time.
  const server = http.createServer(
    { requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: 1000 },
    (request, response) => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(body);
        response.writeHead(status, { "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(text), ...headers });
        response.end(text);
      };
      const error = (e: RegistryError, headers?: Record<string, string>) =>
        send(e.status, { error_code: e.errorCode, message: e.message }, headers);
      if (!authorized(users, request.headers.authorization)) {
        request.resume();
        error(new RegistryError(40101, "Unauthorized"), { "www-authenticate": 'Basic realm="eventcanon"' });
        return;
      }
      const declared = Number(request.headers["content-length"] ?? 0);
      if (declared > MAX_BODY_BYTES) {
        error(new RegistryError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`), { connection: "close" });
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          error(new RegistryError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`), { connection: "close" });
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      request.on("end", () => {
        if (size > MAX_BODY_BYTES) return;
        try {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = text.trim() === "" ? undefined : JSON.parse(text);
          } catch (e) {
            throw new RegistryError(400, `Unexpected character in the request body: ${(e as Error).message}`);
          }
          const reply = handle(request.method ?? "GET", requestUrl(request.url), body);
          send(reply.status, reply.body);
        } catch (e) {
          if (e instanceof RegistryError) error(e);
          else error(new RegistryError(50001, `Error in the backend data store: ${(e as Error).message}`));
        }
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, resolve);
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    port,
    subjects: store.subjects.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}
