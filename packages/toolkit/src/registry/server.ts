import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { CanonConfig } from "../load/config.js";
import { readHistory } from "../load/history.js";
import { isMode } from "../load/modes.js";
import { connectionGate, defaultMaxConnections } from "./connections.js";
import { parseSchema, registryVerdict, verdictMessages } from "./schemas.js";
import { RegistryError, RegistryStore, type StoredVersion, versionNumber } from "./store.js";

export const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
/** Larger request bodies are refused with 413 before they are read in full. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The request bodies Confluent's server takes (its `@Consumes`); a body of another type gets 415. */
const BODY_TYPES = new Set([CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream"]);

export interface ServeOptions {
  readonly config: CanonConfig;
  readonly port: number;
  readonly host: string;
  /** Folder for the durable log of run-time changes; absent: nothing can be registered. */
  readonly data?: string;
  readonly readOnly?: boolean;
  /** `user:password` lines; or EVENTCANON_REGISTRY_USERS=user:password,... in the environment. */
  readonly usersFile?: string;
  /** A connection that has not sent a whole request this long (ms) after opening or its last answer is closed. */
  readonly requestTimeoutMs?: number;
  /** Open connections at most (default: defaultMaxConnections()); one more is answered 503 and closed. */
  readonly maxConnections?: number;
  /** Gets the line saying a torn record was set aside at start (default: standard error). */
  readonly notice?: (line: string) => void;
}

export interface RunningRegistry {
  readonly url: string;
  readonly port: number;
  readonly subjects: number;
  /** The cap on open connections in force. */
  readonly maxConnections: number;
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
  // RFC 7617 (through RFC 9110's auth-scheme): the scheme name is case-insensitive.
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (match === null) return false;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const expected = users.get(decoded.slice(0, colon));
  const given = digest(decoded.slice(colon + 1));
  return colon > 0 && expected !== undefined && timingSafeEqual(expected, given);
}

/** A query flag as Confluent's server reads it (Java's Boolean.parseBoolean): "true" in any case, else false. */
function flag(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.toLowerCase() === "true";
}

/**
 * Whether a request body of this content type is taken, as Confluent's server matches its `@Consumes`:
 * parameters (charset) do not matter, wildcards match, and no content type at all is read as
 * application/octet-stream, which it takes.
 */
function acceptedBodyType(header: string | undefined): boolean {
  const type = (header ?? "application/octet-stream").split(";")[0]?.trim().toLowerCase() ?? "";
  return BODY_TYPES.has(type) || type === "*/*" || type === "application/*";
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
    const parsed = store.stored(request.schema, request.schemaType) ?? parseSchema(request.schema, request.schemaType, store.depthLimit);
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
      (_, q) => {
        // As Confluent lists them: a subject is deleted when every version is; deletedOnly wins over deleted.
        const deletedOnly = flag(q, "deletedOnly");
        const deleted = flag(q, "deleted");
        const prefix = q.get("subjectPrefix") ?? "";
        // ":*:" is Confluent's "every context", the default its clients may send.
        const matches = (subject: string) => prefix === ":*:" || subject.startsWith(prefix);
        return ok(
          [...store.subjects.entries()]
            .filter(([subject, versions]) => {
              const isDeleted = versions.every((v) => v.deleted);
              return matches(subject) && (deletedOnly ? isDeleted : deleted || !isDeleted);
            })
            .map(([subject]) => subject)
            .sort(),
        );
      },
    ],
    [
      "GET",
      /^\/subjects\/([^/]+)\/versions$/,
      ([s], q) => {
        const deletedOnly = flag(q, "deletedOnly");
        const versions = store.versions(s as string, deletedOnly || flag(q, "deleted"));
        return ok(versions.filter((v) => !deletedOnly || v.deleted).map((v) => v.version));
      },
    ],
    [
      "GET",
      /^\/subjects\/([^/]+)\/versions\/([^/]+)$/,
      ([s, v], q) => ok(versionBody(store.version(s as string, v as string, flag(q, "deleted")))),
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
        const match = store.versions(s as string, flag(q, "deleted")).find((v) => v.id === id);
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
        const level = store.levels.get(s as string) ?? (flag(q, "defaultToGlobal") ? store.global : undefined);
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
        // Confluent answers 40401 when the subject has no level of its own, and otherwise the level removed.
        const level = store.levels.get(s as string);
        if (level === undefined) throw new RegistryError(40401, `Subject '${s}' not found.`);
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
        const previous = compatibilityBase(subject, v).map((x) => ({ version: x.version, schema: store.schema(x.id) }));
        // Against one named version the level's direction applies to that version alone.
        const level = store.level(subject);
        const mode = v === undefined ? level : (level.replace("_TRANSITIVE", "") as typeof level);
        const verdict = registryVerdict(mode, previous, schema, policy);
        return ok({ is_compatible: verdict.compatible, ...(flag(q, "verbose") ? { messages: verdictMessages(verdict) } : {}) });
      },
    ],
    [
      "DELETE",
      /^\/subjects\/([^/]+)$/,
      ([s], q) => {
        writable();
        const subject = s as string;
        const permanent = flag(q, "permanent");
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
        const permanent = flag(q, "permanent");
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

  /**
   * The versions a compatibility check compares with, as Confluent picks them: every live version, or
   * one; "latest" of a subject without live versions is none (so anything is compatible), and a
   * numbered version that does not exist is 40402, whether or not the subject does.
   */
  function compatibilityBase(subject: string, version: string | undefined): StoredVersion[] {
    const live = (store.subjects.get(subject) ?? []).filter((x) => !x.deleted);
    if (version === undefined) return live;
    const wanted = versionNumber(version);
    if (wanted === "latest") return live.slice(-1);
    const found = live.find((x) => x.version === wanted);
    if (found === undefined) throw new RegistryError(40402, `Version ${version} not found.`);
    return [found];
  }

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

  /** The route's action for a request, with its decoded path parameters; 404 or 405 when there is none. */
  function route(method: string, url: URL): (body: unknown) => Reply {
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
      return (body) => action(params, url.searchParams, body);
    }
    const known = routes.some(([, pattern]) => pattern.test(url.pathname));
    throw new RegistryError(known ? 405 : 404, known ? "HTTP 405 Method Not Allowed" : "HTTP 404 Not Found");
  }

  const errorText = (e: RegistryError) => JSON.stringify({ error_code: e.errorCode, message: e.message });
  const server = http.createServer();
  server.keepAliveTimeout = 5_000;
  // Before the handler, so the gate sees each request start first.
  const maxConnections = options.maxConnections ?? defaultMaxConnections();
  const gate = connectionGate(server, {
    timeoutMs: timeout,
    maxConnections,
    contentType: CONTENT_TYPE,
    errorBody: (status, message) => errorText(new RegistryError(status, message)),
  });
  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      if (response.headersSent) return;
      response.writeHead(status, { "content-type": CONTENT_TYPE, "content-length": Buffer.byteLength(text), ...headers });
      response.end(text);
    };
    const error = (e: RegistryError, headers?: Record<string, string>) => send(e.status, errorText(e), headers);
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
        // Path first (404, 405), then the body's type (415), then its JSON (400), as Confluent's server does.
        const method = request.method ?? "GET";
        const action = route(method, requestUrl(request.url));
        if ((method === "POST" || method === "PUT") && !acceptedBodyType(request.headers["content-type"]))
          throw new RegistryError(
            415,
            `HTTP 415 Unsupported Media Type: send the body as ${CONTENT_TYPE} (or application/vnd.schemaregistry+json, application/json)`,
          );
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text.trim() === "" ? undefined : JSON.parse(text);
        } catch (e) {
          throw new RegistryError(400, `Unexpected character in the request body: ${(e as Error).message}`);
        }
        const reply = action(body);
        send(reply.status, JSON.stringify(reply.body));
      } catch (e) {
        if (e instanceof RegistryError) error(e);
        else error(new RegistryError(50001, `Error in the backend data store: ${(e as Error).message}`));
      }
    });
  });
  const listener = gate.listener;
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(options.port, options.host, resolve);
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const port = (listener.address() as AddressInfo).port;
  // Once: a second close would close the log's file again.
  let closing: Promise<void> | undefined;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    port,
    subjects: store.subjects.size,
    maxConnections,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        listener.close(() => {
          store.close();
          resolve();
        });
        gate.closeAll();
      });
      return closing;
    },
  };
}
