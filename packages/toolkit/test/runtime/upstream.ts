import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import avro from "avsc";
import { FIXTURES, REPO } from "../helpers.js";
import { type PeerOp, runPeer } from "./peer.js";

/** The Python package of the repository's catalog, for runPeer. */
export const PYTHON_PACKAGE = { path: path.join(REPO, "packages/openedx-events-py/src"), name: "eventcanon_openedx" };

/** One of openedx-events' older xblock wire schemas (see fixtures/upstream-xblock), with a message written with it. */
export interface UpstreamCase {
  readonly eventType: string;
  readonly schema: Record<string, unknown>;
  /** A value as an older producer sends it: no `version`. */
  readonly value: { xblock_info: Record<string, string> };
  /** Avro bytes of the value, which avsc and fastavro both wrote. */
  readonly body: Buffer;
}

/** Every upstream snapshot, with bytes written by avsc and checked equal to fastavro's. */
export async function upstreamCases(): Promise<UpstreamCase[]> {
  const folder = path.join(FIXTURES, "upstream-xblock");
  const cases = readdirSync(folder)
    .filter((f) => f.endsWith("_schema.avsc"))
    .sort()
    .map((file) => {
      const schema = JSON.parse(readFileSync(path.join(folder, file), "utf8")) as Record<string, unknown>;
      const fields = ((schema.fields as { type: { fields: { name: string }[] } }[])[0]?.type.fields ?? []).map((f) => f.name);
      const xblock_info = Object.fromEntries(fields.map((name) => [name, `${name} of ${file.split("+")[3]}`]));
      const value = { xblock_info };
      return { eventType: String(schema.namespace), schema, value, body: avro.Type.forSchema(schema as avro.Schema).toBuffer(value) };
    });
  const written = await runPeer(
    [],
    cases.map((c): PeerOp => ({ op: "raw-write", schema: c.schema, data: c.value })),
  );
  for (const [i, c] of cases.entries()) {
    const outcome = written[i];
    if (!outcome?.ok || outcome.hex !== c.body.toString("hex"))
      throw new Error(`${c.eventType}: fastavro wrote ${JSON.stringify(outcome)}, avsc ${c.body.toString("hex")}`);
  }
  return cases;
}
