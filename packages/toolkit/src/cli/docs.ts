import { readFileSync } from "node:fs";
import { TARGET_LIST } from "../emit/targets.js";
import { ERROR_DOCS, type ErrorCode } from "../lint/error-codes.js";
import { configSchema } from "../load/config.js";
import { ExitCode } from "../load/diagnostics.js";
import { markdownTable } from "./markdown.js";

/** Shipped in the package ("files": docs), so `canon docs` works wherever the toolkit is installed. */
const SCHEMA_FORMAT_URL = new URL("../../docs/schema-format.md", import.meta.url);

export interface Printed {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `canon explain`; a usage error prints `help` after its message. */
export function explain(args: readonly string[], help?: string): Printed {
  if (args.length === 1 && args[0] === "--markdown") {
    const rows = Object.entries(ERROR_DOCS).map(([c, d]) => [`\`${c}\``, d.meaning, d.fix]);
    return { code: ExitCode.ok, stdout: `${markdownTable(["code", "meaning", "fix"], rows)}\n`, stderr: "" };
  }
  const [code, ...extra] = args;
  if (extra.length > 0 || code?.startsWith("-")) return usage("explain", `expected one error code, got: ${args.join(" ")}`, help);
  const entries = Object.entries(ERROR_DOCS) as [ErrorCode, { meaning: string; fix: string }][];
  if (code === undefined) {
    const width = Math.max(...entries.map(([c]) => c.length));
    return { code: ExitCode.ok, stdout: `${entries.map(([c, d]) => `${c.padEnd(width)}  ${d.meaning}`).join("\n")}\n`, stderr: "" };
  }
  // Reports print `error[code]`; accept the code pasted with its brackets too.
  const name = /^(?:error)?\[?([^\]]+)\]?$/.exec(code)?.[1] ?? code;
  const doc = ERROR_DOCS[name as ErrorCode] as { meaning: string; fix: string } | undefined;
  if (doc === undefined) {
    // Codes that start with what was typed first, then those sharing the most of its words.
    const words = name.split("-").filter((part) => part.length > 2);
    const score = (c: string) => (c.startsWith(name) ? 100 : 0) + words.filter((w) => c.split("-").includes(w)).length;
    const near = entries
      .map(([c]) => c)
      .filter((c) => score(c) > 0)
      .sort((a, b) => score(b) - score(a));
    const suggestion = near.length > 0 ? `; did you mean ${near.slice(0, 5).join(", ")}?` : "";
    return usage("explain", `unknown error code "${name}"${suggestion} (canon explain lists every code)`);
  }
  return { code: ExitCode.ok, stdout: `${name}\n  meaning: ${doc.meaning}\n  fix:     ${doc.fix}\n`, stderr: "" };
}

/** `canon docs`; a usage error prints `help` after its message. */
export function docs(args: readonly string[], help?: string): Printed {
  const [topic = "schema-format", ...extra] = args;
  if (extra.length > 0) return usage("docs", `expected one topic, got: ${args.join(" ")}`, help);
  if (topic === "schema-format") return { code: ExitCode.ok, stdout: readFileSync(SCHEMA_FORMAT_URL, "utf8"), stderr: "" };
  if (topic === "config") return { code: ExitCode.ok, stdout: configDocs(), stderr: "" };
  return usage("docs", `unknown topic "${topic}"`, help);
}

interface SchemaNode {
  readonly description?: string;
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/** The config file's keys as a list, read from the meta-schema that checks it, so the two cannot differ. */
function configDocs(): string {
  const schema = configSchema(TARGET_LIST) as SchemaNode;
  const lines = [`eventcanon.config.json: ${schema.description ?? ""}`, ""];
  const walk = (node: SchemaNode, prefix: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === "$schema") continue;
      const name = `${prefix}${key}`;
      const values =
        child.enum !== undefined
          ? `one of ${child.enum.join(", ")}`
          : child.type === "object" && child.properties
            ? ""
            : (child.type ?? "");
      const parts = [values, child.description].filter((p) => p !== undefined && p !== "");
      lines.push(`  ${name}${parts.length > 0 ? `  ${parts.join(": ")}` : ""}`);
      walk(child, `${name}.`);
    }
  };
  walk(schema, "");
  return `${lines.join("\n")}\n`;
}

export function usage(command: string, message: string, help?: string): Printed {
  return { code: ExitCode.usage, stdout: "", stderr: `canon ${command}: ${message}\n${help === undefined ? "" : `\n${help}\n`}` };
}
