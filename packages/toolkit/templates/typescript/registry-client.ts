import { Lru } from "./lru.js";

/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio's ccompat API
 * and by `canon registry serve`): schemas by id for consumers, lookup and registration for producers.
 */

export interface SchemaRegistryOptions {
  /** Base URL, e.g. `http://127.0.0.1:8081` or `https://host/apis/ccompat/v7`. */
  readonly url: string;
  /** Basic auth: a user and password, or a Confluent Cloud API key and secret. */
  readonly auth?: { readonly username: string; readonly password: string } | { readonly apiKey: string; readonly apiSecret: string };
  /** Extra headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for network errors, timeouts, 429 and 5xx; default 3. */
  readonly retries?: number;
  /** First backoff; it doubles per retry (with jitter) up to maxBackoffMs. Defaults 100 ms and 5 s. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Schemas and ids kept per kind of lookup, least recently used dropped first; default 1000. */
  readonly cacheCapacity?: number;
  /** How long `latest` answers are reused; default 60 s. */
  readonly latestTtlMs?: number;
  /** The fetch to use; default the global one. */
  readonly fetch?: typeof fetch;
  /**
   * True when the registry gave the schemas ids of its own (canon registry push into Confluent or
   * Apicurio does), not those of registry/: consumers then ask it for every id, and never read a
   * bundled schema for an id, which may name another schema there. Default false: the ids are
   * registry/'s, as `canon registry serve` serves them.
   */
  readonly assignsOwnIds?: boolean;
}

/** A schema as the registry holds it. */
export interface RegisteredSchema {
  readonly id: number;
  /** `AVRO` unless the registry says otherwise. */
  readonly schemaType: string;
  /** The schema's text, as registered. */
  readonly schema: string;
}

export interface SubjectVersion extends RegisteredSchema {
  readonly subject: string;
  readonly version: number;
}

/** The registry answered with an error, or could not be reached after every retry. */
export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    /** The HTTP status; undefined when no answer came. */
    readonly status?: number,
    /** Confluent's error code, e.g. 40403 for an unknown schema id. */
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = "SchemaRegistryError";
  }
}

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

export class SchemaRegistryClient {
  readonly url: string;
  readonly assignsOwnIds: boolean;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly latestTtlMs: number;
  // Promises, so that concurrent asks for one id share one request; a failed one is forgotten.
  private readonly byId: Lru<number, Promise<RegisteredSchema>>;
  private readonly ids: Lru<string, Promise<number>>;
  private readonly latestBySubject: Lru<string, { at: number; answer: Promise<SubjectVersion> }>;
  /** Requests sent, retries included: what the tests and a curious operator count. */
  requests = 0;

  constructor(options: SchemaRegistryOptions) {
    if (!/^https?:\/\//.test(options.url))
      throw new TypeError(`schema registry url must start with http:// or https://, got ${JSON.stringify(options.url)}`);
    this.url = options.url.replace(/\/+$/, "");
    this.assignsOwnIds = options.assignsOwnIds ?? false;
    this.headers = { accept: `${CONTENT_TYPE}, application/json`, "content-type": CONTENT_TYPE, ...options.headers };
    const auth = options.auth;
    if (auth !== undefined) {
      const [user, secret] = "apiKey" in auth ? [auth.apiKey, auth.apiSecret] : [auth.username, auth.password];
      this.headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
    }
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.latestTtlMs = options.latestTtlMs ?? 60_000;
    const capacity = options.cacheCapacity ?? 1000;
    this.byId = new Lru(capacity);
    this.ids = new Lru(capacity);
    this.latestBySubject = new Lru(capacity);
  }

  /** `GET /schemas/ids/{id}`: the schema a message was written with. */
  schemaById(id: number): Promise<RegisteredSchema> {
    return this.cached(this.byId, id, async () => {
      const body = await this.call("GET", `/schemas/ids/${id}`);
      return { id, schemaType: typeof body.schemaType === "string" ? body.schemaType : "AVRO", schema: String(body.schema) };
    });
  }

  /** `POST /subjects/{subject}`: the id of a schema already registered under the subject. */
  lookup(subject: string, schema: string, schemaType = "AVRO"): Promise<number> {
    return this.cached(this.ids, `lookup\n${subject}\n${schemaType}\n${schema}`, async () => {
      const body = await this.call("POST", `/subjects/${encodeURIComponent(subject)}`, { schema, schemaType });
      return Number(body.id);
    });
  }

  /** `POST /subjects/{subject}/versions`: registers the schema (or finds it) and gives its id. */
  register(subject: string, schema: string, schemaType = "AVRO"): Promise<number> {
    return this.cached(this.ids, `register\n${subject}\n${schemaType}\n${schema}`, async () => {
      const body = await this.call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, { schema, schemaType });
      return Number(body.id);
    });
  }

  /** `GET /subjects/{subject}/versions/latest`, reused for latestTtlMs. */
  latest(subject: string): Promise<SubjectVersion> {
    const known = this.latestBySubject.get(subject);
    if (known !== undefined && Date.now() - known.at < this.latestTtlMs) return known.answer;
    const answer = this.call("GET", `/subjects/${encodeURIComponent(subject)}/versions/latest`).then((body) => ({
      subject,
      version: Number(body.version),
      id: Number(body.id),
      schemaType: typeof body.schemaType === "string" ? body.schemaType : "AVRO",
      schema: String(body.schema),
    }));
    this.latestBySubject.set(subject, { at: Date.now(), answer });
    answer.catch(() => this.latestBySubject.delete(subject));
    return answer;
  }

  private cached<K, V>(cache: Lru<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const loading = load();
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
    return loading;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const what = `schema registry ${this.url}: ${method} ${path}`;
    let last = "";
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      this.requests++;
      let response: Response;
      let text: string;
      try {
        response = await this.fetch(`${this.url}${path}`, {
          method,
          headers: this.headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        const cause = error as Error;
        last =
          cause.name === "TimeoutError"
            ? `no answer within ${this.timeoutMs} ms`
            : ((cause.cause as Error | undefined)?.message ?? cause.message);
        continue;
      }
      let parsed: unknown;
      try {
        parsed = text === "" ? {} : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const answer = (typeof parsed === "object" && parsed !== null ? parsed : {}) as Record<string, unknown>;
      if (response.ok && parsed !== undefined) return answer;
      const code = typeof answer.error_code === "number" ? answer.error_code : undefined;
      const message = typeof answer.message === "string" ? answer.message : text.slice(0, 200);
      last = `HTTP ${response.status}${code === undefined ? "" : ` ${code}`}: ${message}`;
      if (response.status !== 429 && response.status < 500) throw new SchemaRegistryError(`${what}: ${last}`, response.status, code);
    }
    throw new SchemaRegistryError(`${what}: failed after ${this.retries + 1} attempts: ${last}`);
  }
}
