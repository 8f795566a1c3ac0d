import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Change } from "../../src/compat/change.js";
import { type AvroPair, sampleAvroPairs } from "../../src/testing/avro-pair-sampler.js";
import { REPO } from "../helpers.js";
import { avroJavaVerdicts, type JavaVerdict } from "./avro-java.js";
import { AVRO_JAVA_CASES } from "./avro-java-cases.js";
import { type CanonAvro, canonAvro, canonVerdicts, full } from "./avro-verdicts.js";

/** The sample the documented figures are for (docs/compatibility-avro-java.md). */
const SEED = 17;
const COUNT = 4000;
const MODES = ["BACKWARD", "FORWARD", "FULL"] as const;

const pairs = sampleAvroPairs(SEED, COUNT);
const cases = AVRO_JAVA_CASES.map((c) => ({ old: c.writer, new: c.reader }));
// One Java run for the hand-picked cases and the sample: a JVM takes a second to start.
const java = avroJavaVerdicts([...cases, ...pairs]);
const unavailable = typeof java === "string" ? java : undefined;
if (unavailable) console.warn(`SKIPPED the differential test against Avro Java: ${unavailable}`);

/** The differences docs/compatibility-avro-java.md lists: reason -> number of differing verdicts. */
function documented(): Map<string, number> {
  const page = readFileSync(path.join(REPO, "docs/compatibility-avro-java.md"), "utf8");
  const rows = [...page.matchAll(/^\| `([a-z-]+)` +\| +([\d,]+) +\|/gm)];
  return new Map(rows.map((m) => [m[1] as string, Number((m[2] as string).replace(/,/g, ""))]));
}

/**
 * Why canon and Avro Java differ on a direction, from what canon reports: a refusal Java lets
 * through, or a change kind that marks a rule where the specification and Java part ways.
 */
function reason(answer: CanonAvro, direction: "backward" | "forward", javaVerdict: JavaVerdict): string {
  if (answer.invalid)
    return answer.invalid.javaAccepts ?? `unexplained: canon refuses the ${answer.file} schema: ${answer.invalid.message}`;
  const changes: Change[] = answer[direction];
  const has = (kind: string) => changes.some((c) => c.kind === kind);
  if (javaVerdict === "error" && has("AVRO_FIELD_MATCH_AMBIGUOUS")) return "field-match-ambiguous";
  const refused = changes.filter((c) => !c.compatible);
  if (javaVerdict === "compatible" && refused.length > 0 && refused.every((c) => c.kind === "AVRO_DECIMAL_MISMATCH"))
    return "decimal-mismatch";
  if (javaVerdict === "compatible" && has("AVRO_READER_UNION_BRANCHES_SHARE_NAME")) return "union-branches-share-name";
  return `unexplained: Java ${javaVerdict}, canon ${refused.length > 0 ? refused.map((c) => `${c.kind} ${c.path}`).join(", ") : "compatible"}`;
}

describe.skipIf(unavailable !== undefined)("canon compat against Apache Avro Java 1.12 (SchemaCompatibility, what Confluent runs)", () => {
  const verdicts = java as Exclude<typeof java, string>;

  it("gives the Avro Java verdict that each hand-picked case records", () => {
    const got = AVRO_JAVA_CASES.map((c, i) => `${c.name}: ${verdicts[i]?.backward}`);
    expect(got).toEqual(AVRO_JAVA_CASES.map((c) => `${c.name}: ${c.java}`));
  });

  it(`agrees on at least 99.5% of ${COUNT} seeded pairs x ${MODES.join("/")}, and differs only as documented`, () => {
    const sample = verdicts.slice(cases.length);
    const counts = new Map<string, number>();
    const unexplained: string[] = [];
    let agreed = 0;
    pairs.forEach((pair: AvroPair, i) => {
      const theirs = sample[i] as (typeof sample)[number];
      const answer = canonAvro(pair.old, pair.new);
      const ours = canonVerdicts(answer);
      const byMode = {
        BACKWARD: [ours.backward, theirs.backward],
        FORWARD: [ours.forward, theirs.forward],
        FULL: [full(ours.backward, ours.forward), full(theirs.backward, theirs.forward)],
      };
      for (const mode of MODES) {
        const [canon, javaVerdict] = byMode[mode];
        if (canon === javaVerdict) {
          agreed++;
          continue;
        }
        // FULL differs where a direction does; that direction says why.
        const direction = mode === "FORWARD" || (mode === "FULL" && ours.backward === theirs.backward) ? "forward" : "backward";
        const why = reason(answer, direction, theirs[direction]);
        counts.set(why, (counts.get(why) ?? 0) + 1);
        if (why.startsWith("unexplained")) unexplained.push(`pair ${i} ${mode} (${pair.edits.join("; ")}): ${why} [${theirs.reason}]`);
      }
    });
    const total = COUNT * MODES.length;
    console.log(
      `Avro Java and canon compat: ${agreed} of ${total} verdicts agree (${((100 * agreed) / total).toFixed(2)}%); differing: ${JSON.stringify(Object.fromEntries(counts))}`,
    );
    expect(unexplained).toEqual([]);
    expect(agreed / total).toBeGreaterThanOrEqual(0.995);
    const expected = documented();
    expect(Object.fromEntries([...counts].sort())).toEqual(Object.fromEntries([...expected].filter(([, n]) => n > 0).sort()));
    expect(readFileSync(path.join(REPO, "docs/compatibility-avro-java.md"), "utf8")).toContain(
      `${agreed.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} verdicts agree`,
    );
  });
});
