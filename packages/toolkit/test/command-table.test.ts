import { afterEach, describe, expect, it, vi } from "vitest";
import { type Command, type CommandInput, commandHelp, runCommand } from "../src/cli/command.js";
import { COMMANDS } from "../src/cli/commands.js";
import { canon, REPO } from "./helpers.js";

/** Runs a command in this process, with what it printed. */
async function captured(command: Command, args: readonly string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const code = await runCommand(command, args, REPO);
  vi.restoreAllMocks();
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("the command table", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is what canon --help lists and what canon <command> --help prints", () => {
    const usage = canon(["--help"], REPO).stdout;
    for (const command of COMMANDS) expect(usage).toContain(`  ${command.name.padEnd(10)} ${command.summary}\n`);
    const lint = COMMANDS.find((c) => c.name === "lint");
    expect(lint && canon(["lint", "--help"], REPO).stdout).toBe(lint && `${commandHelp(lint)}\n`);
  });

  it("lists every option a command declares with help, unless it is hidden", () => {
    for (const command of COMMANDS.filter((c) => c.verbs === undefined)) {
      const help = commandHelp(command);
      for (const option of command.options.filter((o) => o.help !== undefined && o.hidden !== true))
        expect([command.name, help]).toEqual([command.name, expect.stringContaining(`--${option.name}`)]);
    }
  });

  // A command added to the table gets its help, parsing and usage errors from its entry alone.
  const seen: CommandInput[] = [];
  const tiny: Command = {
    name: "tiny",
    summary: "a command only this test declares",
    usage: ["canon tiny [options]"],
    about: "Says hello.",
    options: [
      { name: "shout", kind: "boolean", help: ["in capitals"] },
      { name: "lang", kind: "string", value: "CODE", values: ["en", "fr"], help: ["en (default) or fr"] },
      { name: "help", short: "h", kind: "boolean", help: ["show this help"] },
    ],
    run: (input) => {
      seen.push(input);
      return 0;
    },
  };

  it("derives a new command's help from its entry", async () => {
    const help =
      "usage: canon tiny [options]\n\nSays hello.\n\noptions:\n  --shout          in capitals\n  --lang CODE      en (default) or fr\n  -h, --help       show this help";
    expect(commandHelp(tiny)).toBe(help);
    expect(await captured(tiny, ["-h"])).toEqual({ code: 0, stdout: `${help}\n`, stderr: "" });
  });

  it("parses a new command's options by their kinds and refuses what it does not declare", async () => {
    expect(await captured(tiny, ["--shout", "--lang", "fr"])).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(seen.at(-1)?.values).toEqual({ shout: true, lang: "fr" });
    const unknown = await captured(tiny, ["--whisper"]);
    expect([unknown.code, unknown.stderr.split("\n")[0]]).toEqual([2, expect.stringMatching(/^canon tiny: Unknown option '--whisper'/)]);
    expect(unknown.stderr).toContain(`\n\n${commandHelp(tiny)}\n`);
    expect(await captured(tiny, ["--lang", "de"])).toEqual({ code: 2, stdout: "", stderr: "canon tiny: --lang must be en or fr\n" });
    expect((await captured(tiny, ["extra"])).stderr).toMatch(/^canon tiny: Unexpected argument 'extra'/);
  });
});
