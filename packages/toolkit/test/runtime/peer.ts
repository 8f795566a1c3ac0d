import path from "node:path";
import { runAsync, TOOLKIT, venvPython } from "../helpers.js";

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
