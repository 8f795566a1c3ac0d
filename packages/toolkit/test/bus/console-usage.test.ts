import { describe, expect, it } from "vitest";
import { pyCli } from "./python-bus.js";
import { tsCli } from "./ts-cli.js";

/**
 * The two packages' console tools refuse the same command lines with the same words and exit code
 * (usage errors are found before any server is asked, so none runs here). The live commands are
 * compared in python-kafka.test.ts and python-redis.test.ts.
 */

const BOOT = ["--bootstrap", "127.0.0.1:1"];
const CASES: string[][] = [
  [],
  ["consumer"],
  ["consume"],
  ["consume", "--bus", "rabbitmq"],
  ["consume", "--bus", "kafka"],
  ["consume", "--bus", "kafka", ...BOOT],
  ["consume", "--bus", "kafka", ...BOOT, "--topic", "t", "--max", "0"],
  ["consume", "--bus", "kafka", ...BOOT, "--topic", "t", "--idle-ms", "soon"],
  ["produce", "--bus", "kafka", ...BOOT],
  ["produce", "--bus", "kafka", ...BOOT, "--event-type", "org.openedx.nope.v1"],
  ["produce", "--bus", "kafka", ...BOOT, "--wat"],
  ["consume", "--bus"],
  ["consume", "stray"],
  ["consume", "--from-beginning=yes"],
];

describe("the console tools' usage errors", () => {
  it("are the same in TypeScript and Python: message, usage text, exit code 2", async () => {
    const outcomes = await Promise.all(
      CASES.map(async (argv) => {
        const [ts, py] = await Promise.all([tsCli(argv), pyCli(argv).done]);
        return { argv, ts: [ts.code, ts.stderr.join("\n")], py: [py.code, py.stderr.replace(/\n$/, "")] };
      }),
    );
    for (const { argv, ts, py } of outcomes) {
      expect(py, argv.join(" ")).toEqual(ts);
      expect(ts[0]).toBe(2);
    }
  });
});
