import type { CanonConfig } from "../load/config.js";
import { readHistory } from "../load/history.js";
import { CONTENT_TYPE } from "./server.js";
import { releasedSubjects } from "./subjects.js";

export interface PushOptions {
  readonly config: CanonConfig;
  /** The registry's base URL, e.g. https://psrc-xxxx.confluent.cloud or http://host/apis/ccompat/v7. */
  readonly url: string;
  readonly dryRun: boolean;
  readonly log: (line: string) => void;
  /** Attempts per request for transient failures (network, timeout, 429, 5xx). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  /** Defaults to EVENTCANON_REGISTRY_USER / EVENTCANON_REGISTRY_PASSWORD. */
  readonly credentials?: { readonly user: string; readonly password: string };
}

export interface PushResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly registered: number;
  readonly unchanged: number;
  readonly configured: number;
  /** Subjects whose schema the target refused as invalid (42201), with its message. */
  readonly invalid: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

class PushError extends Error {}

function environmentCredentials(): { user: string; password: string } | undefined {
  const user = process.env.EVENTCANON_REGISTRY_USER;
  const password = process.env.EVENTCANON_REGISTRY_PASSWORD;
  return user !== undefined && password !== undefined ? { user, password } : undefined;
}

/**
 * Mirrors registry/ into a Confluent-compatible registry. It reads first (which versions the remote
 * has, each subject's level), checks the first new version of every subject for compatibility before
 * writing anything, then sets levels and registers the missing versions in order. Registering is
 * idempotent on the remote, so a retried request or a second push changes nothing; a push that stops
 * leaves every subject with a prefix of its versions, and running it again finishes the job.
 */
export async function pushRegistry(options: PushOptions): Promise<PushResult> {
  const attempts = options.attempts ?? 5;
  const baseDelay = options.baseDelayMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const credentials = options.credentials ?? environmentCredentials();
  const base = options.url.replace(/\/+$/, "");
  const headers: Record<string, string> = { "content-type": CONTENT_TYPE, accept: `${CONTENT_TYPE}, application/json` };
  if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString("base64")}`;

  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        const parsed = text === "" ? {} : (JSON.parse(text) as unknown);
        const answer = {
          status: response.status,
          body: (typeof parsed === "object" && parsed !== null ? parsed : { value: parsed }) as Record<string, unknown>,
        };
        if (response.status !== 429 && response.status < 500) return answer;
        last = `HTTP ${response.status}: ${String(answer.body.message ?? text)}`;
      } catch (error) {
        last = (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      }
      if (attempt < attempts) {
        const delay = baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random());
        options.log(`  retry ${attempt}/${attempts - 1} of ${method} ${path} in ${Math.round(delay)} ms (${last})`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    throw new PushError(`${method} ${path} failed after ${attempts} attempts: ${last}`);
  }
  const refuse = (what: string, answer: Answer) =>
    new PushError(
      `${what}: HTTP ${answer.status} ${String(answer.body.error_code ?? "")} ${String(answer.body.message ?? JSON.stringify(answer.body))}`.trim(),
    );

  let registered = 0;
  let unchanged = 0;
  let configured = 0;
  const invalid: string[] = [];
  try {
    const subjects = releasedSubjects(readHistory(options.config), options.config);
    const plans: { subject: string; mode: string; level?: string; pending: { id: number; schema: string }[] }[] = [];
    for (const released of subjects) {
      const at = `/subjects/${encodeURIComponent(released.subject)}`;
      const pending: { id: number; schema: string }[] = [];
      for (const version of released.versions) {
        const schema = JSON.stringify(version.schema);
        const found = pending.length > 0 ? undefined : await call("POST", at, { schema, schemaType: "AVRO" });
        if (found?.status === 200) unchanged++;
        else if (found === undefined || found.status === 404) pending.push({ id: version.id, schema });
        else throw refuse(`looking up ${released.subject}`, found);
      }
      const config = await call("GET", `/config/${encodeURIComponent(released.subject)}`);
      const level = config.status === 200 ? String(config.body.compatibilityLevel ?? config.body.compatibility) : undefined;
      plans.push({ subject: released.subject, mode: released.mode, ...(level === undefined ? {} : { level }), pending });
    }
    // Before any write: a first new version the remote would refuse stops the push with nothing changed.
    for (const plan of plans) {
      const first = plan.pending[0];
      if (first === undefined) continue;
      const check = await call("POST", `/compatibility/subjects/${encodeURIComponent(plan.subject)}/versions/latest?verbose=true`, {
        schema: first.schema,
        schemaType: "AVRO",
      });
      if (check.status === 404) continue;
      if (check.status !== 200) throw refuse(`checking ${plan.subject}`, check);
      if (check.body.is_compatible === false)
        throw new PushError(
          `${plan.subject}: the registry finds the new version incompatible: ${JSON.stringify(check.body.messages ?? [])}; nothing was pushed`,
        );
    }
    for (const plan of plans) {
      const what = options.dryRun ? "would" : "did";
      if (plan.level !== plan.mode) {
        options.log(`${plan.subject}: ${what} set compatibility ${plan.level ?? "(global)"} -> ${plan.mode}`);
        if (!options.dryRun) {
          const set = await call("PUT", `/config/${encodeURIComponent(plan.subject)}`, { compatibility: plan.mode });
          if (set.status !== 200) throw refuse(`setting the compatibility of ${plan.subject}`, set);
        }
        configured++;
      }
      for (const version of plan.pending) {
        if (options.dryRun) {
          options.log(`${plan.subject}: would register schema ${version.id}`);
          registered++;
          continue;
        }
        const answer = await call("POST", `/subjects/${encodeURIComponent(plan.subject)}/versions`, {
          schema: version.schema,
          schemaType: "AVRO",
        });
        // A schema the target cannot parse (Java's Avro refuses a hyphen in a namespace) is no reason to leave
        // every other subject behind: it is reported, the subject's later versions are held back, and the push fails at the end.
        if (answer.status === 422 && answer.body.error_code === 42201) {
          invalid.push(`${plan.subject}: ${String(answer.body.message)}`);
          options.log(`${plan.subject}: REFUSED as invalid by the registry: ${String(answer.body.message)}`);
          break;
        }
        if (answer.status !== 200) throw refuse(`registering in ${plan.subject}`, answer);
        const number = answer.body.version === undefined ? "" : ` version ${String(answer.body.version)}`;
        options.log(`${plan.subject}: registered${number} as id ${String(answer.body.id)} (ours ${version.id})`);
        registered++;
      }
    }
    if (invalid.length > 0) {
      const error = `the registry refused ${invalid.length} schema(s) as invalid; everything else was pushed:\n  ${invalid.join("\n  ")}`;
      return { ok: false, error, registered, unchanged, configured, invalid };
    }
    options.log(
      `${options.dryRun ? "dry run: " : ""}${subjects.length} subjects, ${registered} versions ${options.dryRun ? "to register" : "registered"}, ${unchanged} already there, ${configured} levels ${options.dryRun ? "to set" : "set"}`,
    );
    return { ok: true, registered, unchanged, configured, invalid };
  } catch (error) {
    if (!(error instanceof PushError)) throw error;
    return { ok: false, error: error.message, registered, unchanged, configured, invalid };
  }
}
