/** `name=value` for each keyword given, in order, as Python spells the values. */
export function keywordArguments(values: Record<string, string | number | undefined>): string {
  return (
    Object.entries(values)
      .filter(([, v]) => v !== undefined)
      // JSON's string escapes are all Python's too.
      .map(([k, v]) => `${k}=${typeof v === "string" ? JSON.stringify(v) : String(v)}`)
      .join(", ")
  );
}

/** A docstring wrapped to the line width, escaped so that no text can end it early. */
export function docstring(text: string, indent: string): string[] {
  // A quote at the very end would run into the closing quotes.
  const escaped = text.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"').replace(/"$/, '\\"');
  const lines = wrap(escaped, 96 - indent.length);
  if (lines.length === 1) return [`${indent}"""${lines[0]}"""`];
  return [`${indent}"""${lines[0]}`, ...lines.slice(1).map((l) => `${indent}${l}`), `${indent}"""`];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A JSON value as a Python literal (null/true/false spelt the Python way). */
export function pythonJson(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}
