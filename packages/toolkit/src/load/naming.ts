/** `exam_attempt` -> `ExamAttempt`; `in-progress` -> `InProgress`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** Python's hard keywords plus the soft keywords and builtins a dataclass field must not shadow. */
const PYTHON_RESERVED = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

/** Attribute names the generated dataclasses themselves define. */
const PYTHON_TAKEN = new Set(["to_dict", "from_dict", "from_avro"]);

/** A field name that Python accepts as an attribute: keywords get a trailing underscore (PEP 8). */
export function pythonFieldName(name: string): string {
  return PYTHON_RESERVED.has(name) || PYTHON_TAKEN.has(name) ? `${name}_` : name;
}

/** Files and folders the generated TypeScript package holds besides its domains' `<domain>.ts`. */
export const TYPESCRIPT_OWN_MODULES: ReadonlySet<string> = new Set(["index", "types", "validators", "runtime", "releases"]);

/**
 * Why no generated package can hold an event domain of this name, or undefined: each domain becomes
 * `<domain>.ts` and `<domain>.py`, beside the TypeScript package's own modules and within Python's grammar.
 */
export function domainNameProblem(domain: string): string | undefined {
  if (TYPESCRIPT_OWN_MODULES.has(domain)) return `the TypeScript package's own ${domain} module`;
  if (PYTHON_RESERVED.has(domain)) return `a Python keyword, so \`from .${domain} import ...\` would not parse`;
  return undefined;
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isAvroName(name: string): boolean {
  return AVRO_NAME.test(name);
}
