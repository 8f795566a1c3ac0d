/**
 * prettier's layout of json-schema-to-typescript's unformatted output, for the shapes that output takes
 * for our declarations: doc comments, an interface's members one per line, nested index-signature
 * objects, and unions of names and plain string literals. prettier costs milliseconds per declaration
 * (most of generate's TypeScript time at 2,000 events); this costs microseconds. Anything else (a line
 * prettier might break, a quoted key, an escape, an empty interface) returns undefined, and the caller
 * lets the library format it with prettier. The test holds the two equal on every declaration of the
 * repo's catalog and the fixtures.
 */
export function formatDeclaration(raw: string): string | undefined {
  const out: string[] = [];
  /** For each open brace, the text its closing brace ends with: "" for a declaration, ";" for a member. */
  const open: string[] = [];
  const lines = raw.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const indent = "  ".repeat(open.length);
    if (line === "/**") {
      const end = lines.indexOf(" */", i);
      if (end < 0) return undefined;
      out.push(`${indent}/**`);
      for (const inner of lines.slice(i + 1, end)) {
        const text = inner.trim();
        if (!text.startsWith("*")) return undefined;
        // prettier keeps two trailing spaces (a Markdown line break) and drops any other trailing space.
        out.push(`${indent} ${text}${text !== "*" && inner.endsWith("  ") ? "  " : ""}`);
      }
      out.push(`${indent} */`);
      i = end;
      continue;
    }
    if (line === "") {
      if (i !== lines.length - 1) return undefined;
      continue;
    }
    let code: string | undefined;
    if (line === "}") {
      const close = open.pop();
      if (close === undefined) return undefined;
      code = `${"  ".repeat(open.length)}}${close}`;
    } else if (lines[i + 1] === "}" && line.endsWith("{")) {
      return undefined; // prettier writes an empty body as `{}`
    } else if (/^export interface [A-Za-z_$][\w$]* \{$/.test(line) && open.length === 0) {
      code = line;
      open.push("");
    } else if (open.length === 0) {
      const alias = /^(export type [A-Za-z_$][\w$]* = )(.+)$/.exec(line);
      const type = alias && typeText(alias[2] as string);
      if (!alias || type === undefined) return undefined;
      code = `${alias[1]}${type};`;
    } else {
      const member = /^((?:[A-Za-z_$][\w$]*\??)|\[k: string\]): (.+)$/.exec(line);
      if (!member) return undefined;
      if (member[2] === "{") {
        code = `${indent}${member[1]}: {`;
        open.push(";");
      } else {
        const type = typeText(member[2] as string);
        if (type === undefined) return undefined;
        code = `${indent}${member[1]}: ${type};`;
      }
    }
    // Well short of printWidth (120): prettier would break a longer line, and only ASCII has width 1 a character.
    if (code.length > 100 || !/^[\x20-\x7e]*$/.test(code)) return undefined;
    out.push(code);
  }
  return open.length === 0 ? `${out.join("\n")}\n` : undefined;
}

/** A union of (arrays of) names and plain string literals, as prettier prints it: no parentheses but an array's. */
function typeText(source: string): string | undefined {
  const tokens = source.match(/"[^"\\]*"|[A-Za-z_$][\w$]*|\[\]|[()|]|\s+|./g) ?? [];
  const parser = new TypeParser(tokens.filter((t) => !/^\s+$/.test(t)));
  const type = parser.union();
  return parser.done() ? type?.text : undefined;
}

interface Printed {
  readonly text: string;
  readonly union: boolean;
}

class TypeParser {
  private at = 0;

  constructor(private readonly tokens: readonly string[]) {}

  done(): boolean {
    return this.at === this.tokens.length;
  }

  union(): Printed | undefined {
    const members: Printed[] = [];
    do {
      const member = this.array();
      if (member === undefined) return undefined;
      members.push(member);
    } while (this.eat("|"));
    if (members.length === 1) return members[0];
    // A union inside a union: prettier's own flattening is not reproduced here.
    if (members.some((m) => m.union)) return undefined;
    return { text: members.map((m) => m.text).join(" | "), union: true };
  }

  private array(): Printed | undefined {
    let type = this.primary();
    while (type !== undefined && this.eat("[]")) type = { text: type.union ? `(${type.text})[]` : `${type.text}[]`, union: false };
    return type;
  }

  private primary(): Printed | undefined {
    const token = this.tokens[this.at];
    if (token === undefined) return undefined;
    if (token === "(") {
      this.at++;
      const inner = this.union();
      return inner !== undefined && this.eat(")") ? inner : undefined;
    }
    if (!/^("[^"\\]*"|[A-Za-z_$][\w$]*)$/.test(token)) return undefined;
    this.at++;
    return { text: token, union: false };
  }

  private eat(token: string): boolean {
    if (this.tokens[this.at] !== token) return false;
    this.at++;
    return true;
  }
}
