import { Readable } from "node:stream";
import { runCli } from "../../../openedx-events/src/generated/runtime/cli.js";
import { events } from "../../../openedx-events/src/index.js";

/** The TypeScript package's console tool (eventcanon-openedx), run in this process with `input` on stdin. */
export async function tsCli(argv: readonly string[], input = ""): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, events as never, {
    stdin: Readable.from([input]),
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
  });
  return { code, stdout, stderr };
}
