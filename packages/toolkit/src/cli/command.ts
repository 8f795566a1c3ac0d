import { parseArgs } from "node:util";
import { ExitCode } from "../load/diagnostics.js";

/** One option of one command: what the parser accepts and what its help line says. */
export interface CommandOption {
  /** The long name, without the dashes. */
  readonly name: string;
  readonly short?: string;
  /** `strings` is a string option that may be given more than once. */
  readonly kind: "string" | "boolean" | "strings";
  /** The value's placeholder in help, e.g. DIR. */
  readonly value?: string;
  /** The values it takes; any other is a usage error. */
  readonly values?: readonly string[];
  /** The usage error for a value not in `values`; by default "--NAME must be A or B". */
  readonly wrongValue?: (value: string) => string;
  /** Its values are checked before --help is answered; otherwise --help wins. */
  readonly checkedBeforeHelp?: boolean;
  /** Its help, one entry per printed line. Without it the option is described in the command's text instead. */
  readonly help?: readonly string[];
  /** Accepted but not listed in the command's help. */
  readonly hidden?: boolean;
}

/** Options another command owns: given here, they are refused with a message that says where they belong. */
export interface OptionsElsewhere {
  readonly options: readonly CommandOption[];
  readonly message: string;
  /** Refused before --help is answered; otherwise --help wins. */
  readonly beforeHelp?: boolean;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface CommandInput {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** The verb of a command that has verbs (`canon registry serve`). */
  readonly verb?: string;
  /** The arguments as given, for commands that read them themselves. */
  readonly args: readonly string[];
  /** The command's help, which its usage errors print after the message. */
  readonly help: string;
}

export interface Command {
  readonly name: string;
  /** Its line in `canon --help`. */
  readonly summary: string;
  /** What follows "usage: " in its help; more lines are printed under it, aligned. */
  readonly usage: readonly string[];
  /** The help's paragraph between the usage and the options. */
  readonly about: string;
  readonly options: readonly CommandOption[];
  readonly elsewhere?: readonly OptionsElsewhere[];
  readonly positionals?: boolean;
  /** The first argument names one of these (`canon registry serve`); the options follow it. */
  readonly verbs?: readonly string[];
  /** The command judges its own arguments (a code or a topic, where a flag-like word is a value too); only -h/--help is read here. */
  readonly ownArguments?: boolean;
  /** A value not among an option's `values` is reported with the command's help after it. */
  readonly helpAfterWrongValue?: boolean;
  /** Options with a column this wide, when not the usual 17 characters. */
  readonly optionColumn?: number;
  readonly run: (input: CommandInput, cwd: string) => number | Promise<number>;
}

const HELP_COLUMN = 17;

function flag(option: CommandOption): string {
  const long = `--${option.name}${option.value === undefined ? "" : ` ${option.value}`}`;
  return option.short === undefined ? long : `-${option.short}, ${long}`;
}

/** `canon <command> --help`, from the command's table entry. */
export function commandHelp(command: Command): string {
  const [first, ...more] = command.usage;
  const usage = [`usage: ${first}`, ...more.map((line) => `       ${line}`)].join("\n");
  const listed = command.options.filter((o) => o.help !== undefined && o.hidden !== true);
  if (command.verbs !== undefined) {
    // A command with verbs describes each verb's options in its text; the common ones close it on one line.
    const common = listed.map((o) => (o.short === undefined ? flag(o) : `-${o.short}/--${o.name}`)).join(", ");
    return `${usage}\n\n${command.about}\n\ncommon options: ${common}`;
  }
  if (listed.length === 0) return `${usage}\n\n${command.about}`;
  const column = command.optionColumn ?? HELP_COLUMN;
  const lines = listed.map((o) => {
    const [head = "", ...rest] = o.help ?? [];
    return [`  ${flag(o).padEnd(column)}${head}`, ...rest.map((line) => `${" ".repeat(column + 2)}${line}`)].join("\n");
  });
  return `${usage}\n\n${command.about}\n\noptions:\n${lines.join("\n")}`;
}

/** `canon --help`: one line per command. */
export function commandList(commands: readonly Command[]): string {
  return commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n");
}

function usageError(prefix: string, message: string, help?: string): number {
  process.stderr.write(`${prefix}: ${message}\n${help === undefined ? "" : `\n${help}\n`}`);
  return ExitCode.usage;
}

interface Refusal {
  readonly message: string;
  readonly withHelp: boolean;
}

/** An option given to this command that another one owns. */
function misplacedOption(command: Command, values: OptionValues, beforeHelp: boolean): Refusal | undefined {
  const group = (command.elsewhere ?? []).find(
    (g) => (g.beforeHelp === true) === beforeHelp && g.options.some((o) => values[o.name] !== undefined),
  );
  return group === undefined ? undefined : { message: group.message, withHelp: false };
}

/** A value that is not among its option's values. */
function wrongValue(command: Command, values: OptionValues, beforeHelp: boolean): Refusal | undefined {
  for (const option of command.options) {
    const given = values[option.name];
    if ((option.checkedBeforeHelp === true) !== beforeHelp || option.values === undefined || given === undefined) continue;
    const wrong = (Array.isArray(given) ? given : [given]).find((v) => typeof v === "string" && !option.values?.includes(v));
    if (wrong !== undefined && typeof wrong === "string")
      return {
        message: option.wrongValue?.(wrong) ?? `--${option.name} must be ${option.values.join(" or ")}`,
        withHelp: command.helpAfterWrongValue === true,
      };
  }
  return undefined;
}

/** Parses a command's arguments by its table entry, answers --help and usage errors, then runs it. */
export async function runCommand(command: Command, args: readonly string[], cwd: string): Promise<number> {
  const help = commandHelp(command);
  const printHelp = (code: number) => {
    process.stdout.write(`${help}\n`);
    return code;
  };
  if (command.ownArguments) {
    if (args.includes("-h") || args.includes("--help")) return printHelp(ExitCode.ok);
    return command.run({ values: {}, positionals: [], args, help }, cwd);
  }
  let rest = args;
  let verb: string | undefined;
  if (command.verbs !== undefined) {
    [verb, ...rest] = args;
    if (verb === undefined || verb === "-h" || verb === "--help") return printHelp(verb === undefined ? ExitCode.usage : ExitCode.ok);
  }
  const prefix = `canon ${command.name}${verb === undefined ? "" : ` ${verb}`}`;
  const foreign = (command.elsewhere ?? []).flatMap((e) => e.options);
  let values: OptionValues;
  let positionals: string[];
  try {
    // The option types come from the table, so parseArgs cannot narrow them: a `strings` option gives strings.
    ({ values, positionals } = parseArgs({
      args: [...rest],
      options: Object.fromEntries(
        [...command.options, ...foreign].map((o) => [
          o.name,
          {
            type: o.kind === "boolean" ? ("boolean" as const) : ("string" as const),
            multiple: o.kind === "strings",
            ...(o.short === undefined ? {} : { short: o.short }),
          },
        ]),
      ),
      strict: true,
      allowPositionals: command.positionals === true,
    }) as { values: OptionValues; positionals: string[] });
  } catch (error) {
    return usageError(prefix, (error as Error).message, help);
  }
  const early = misplacedOption(command, values, true) ?? wrongValue(command, values, true);
  if (early !== undefined) return usageError(`canon ${command.name}`, early.message, early.withHelp ? help : undefined);
  if (values.help === true) return printHelp(ExitCode.ok);
  const late = wrongValue(command, values, false) ?? misplacedOption(command, values, false);
  if (late !== undefined) return usageError(`canon ${command.name}`, late.message, late.withHelp ? help : undefined);
  if (verb !== undefined && !command.verbs?.includes(verb)) return usageError(`canon ${command.name}`, `unknown verb "${verb}"`, help);
  return command.run({ values, positionals, args, help, ...(verb === undefined ? {} : { verb }) }, cwd);
}

/** A string option's value, if given. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}
