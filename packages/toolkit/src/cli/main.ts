import { CanonError, ExitCode, formatReport } from "../load/diagnostics.js";
import { commandList, runCommand } from "./command.js";
import { COMMANDS } from "./commands.js";

const USAGE = `canon: eventcanon's command line

usage: canon <command> [options]

commands:
${commandList(COMMANDS)}

Run 'canon <command> --help' for a command's options.
Exit codes: 0 ok, 1 the schemas have errors or a change is incompatible, 2 usage error, 3 file system error.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`canon: unknown command "${name}"\n\n${USAGE}\n`);
    return ExitCode.usage;
  }
  return runCommand(command, rest, process.cwd());
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CanonError) {
      process.stderr.write(`${formatReport(error.diagnostics)}\n`);
      process.exitCode = error.exitCode;
    } else if (isFileSystemError(error)) {
      process.stderr.write(`canon: ${error.message}\nCheck that the path exists and is writable.\n`);
      process.exitCode = ExitCode.io;
    } else {
      process.stderr.write(`canon: internal error, please report it with this trace:\n${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = ExitCode.internal;
    }
  },
);

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && "syscall" in error;
}
