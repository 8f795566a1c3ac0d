import { existsSync } from "node:fs";
import path from "node:path";
import { REPO, runAsync, TOOLKIT, venvPython } from "../helpers.js";

/** One operation for test/runtime/peer.py: a call a Python producer or consumer makes on a generated package. */
export type PeerOp =
  | {
      op: "serialize" | "serialize-key";
      package: string;
      event: string;
      data: unknown;
      registry?: string;
      auth?: [string, string];
      options?: Record<string, unknown>;
    }
  | { op: "deserialize" | "deserialize-key"; package: string; event: string; hex: string; registry?: string; assigns_own_ids?: boolean }
  | { op: "decode-framed"; package: string; event: string; hex: string }
  | { op: "metadata-headers"; package: string; event: string }
  | { op: "decode"; package: string; event: string; hex: string; writer?: unknown }
  | { op: "raw-resolve"; writer: unknown; reader: unknown; hex: string }
  | { op: "raw-write"; schema: unknown; data: unknown };

export type PeerOutcome =
  | { ok: true; hex?: string; id?: number; value?: unknown; headers?: [string, string][] }
  | { ok: false; type: string; code: string | null; error: string };

/**
 * Runs the ops in one Python process (the venv's, `python` to override) without blocking this one,
 * so that a registry served by this process can answer it.
 */
export async function runPeer(pythonPath: readonly string[], ops: readonly PeerOp[], python = venvPython()): Promise<PeerOutcome[]> {
  const input = JSON.stringify({ path: pythonPath, ops });
  const { code, stdout, stderr } = await runAsync(python, [path.join(TOOLKIT, "test/runtime/peer.py")], { input });
  const lines = stdout.split("\n").filter((l) => l !== "");
  if (code !== 0 || lines.length !== ops.length) throw new Error(`peer.py exited ${code}: ${stderr}${stdout}`);
  return lines.map((l) => JSON.parse(l) as PeerOutcome);
}

/** A decoded TypeScript value as JSON, the form the Python peer reports (bytes as {"$bytes": base64}). */
export function asJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === "object" && v !== null && (v as { type?: unknown }).type === "Buffer" && Array.isArray((v as { data?: unknown }).data)
        ? { $bytes: Buffer.from((v as { data: number[] }).data).toString("base64") }
        : v,
    ),
  );
}

/** `value` with every bigint as `{"$int": "digits"}`, which peer.py reads back as an exact Python int. */
export function exactInts(value: unknown): unknown {
  if (typeof value === "bigint") return { $int: value.toString() };
  if (Array.isArray(value)) return value.map(exactInts);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactInts(v)]));
}

const PEERS = path.join(REPO, ".venv-peers/bin/python");
/** Why the tests against the Open edX bus's own libraries cannot run here, if they cannot. */
export const PEERS_MISSING = existsSync(PEERS)
  ? undefined
  : `${PEERS} (Python 3.12 with openedx-events, edx-event-bus-kafka, confluent-kafka: scripts/setup.sh)`;

export type BusOutcome = { ok: true; [key: string]: unknown } | { ok: false; type: string; error: string };

/** Runs ops in test/runtime/bus_peer.py under the peers' Python, without blocking the registry this process serves. */
export async function bus(registry: string, ops: Record<string, unknown>[]): Promise<BusOutcome[]> {
  const input = JSON.stringify({ registry, ops });
  const { code, stdout, stderr } = await runAsync(PEERS, [path.join(TOOLKIT, "test/runtime/bus_peer.py")], { input });
  const lines = stdout.split("\n").filter((l) => l !== "");
  if (code !== 0 || lines.length !== ops.length) throw new Error(`bus_peer.py exited ${code}: ${stderr}`);
  return lines.map((l) => JSON.parse(l) as BusOutcome);
}
