import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { CheckedFiles } from "./checked-files.js";
import type { Diagnostic } from "./diagnostics.js";
import { type JsonSource, parseJsonSource } from "./json-source.js";

export type FileRole = "event" | "type";

/** One file of the schemas folder, parsed with positions. */
export interface SchemaFile {
  /** Path relative to the schemas folder, forward slashes: how `$ref`s and the model name it. */
  readonly rel: string;
  readonly role: FileRole;
  readonly source: JsonSource;
  /** What CheckedFiles records it under, when the run has a cache. */
  readonly digest?: string;
}

const ROLE_FOLDERS: Record<string, FileRole> = { events: "event", types: "type" };

/** Files larger than this are refused before parsing, so one bad file cannot exhaust memory. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads every `*.json` under `events/` and `types/` of the schemas folder, in sorted order so that
 * output never depends on the file system's listing order.
 */
export function readSchemaFolder(
  root: string,
  cwd: string,
  checked?: CheckedFiles,
): { files: SchemaFile[]; broken: Set<string>; diagnostics: Diagnostic[] } {
  const files: SchemaFile[] = [];
  /** Files that exist but could not be used; references to them are reported as such. */
  const broken = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const shown = (absolute: string) => toPosix(path.relative(cwd, absolute)) || ".";
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    if (!statSync(realRoot).isDirectory()) throw new Error("not a directory");
  } catch {
    diagnostics.push({
      code: "schemas-folder-missing",
      file: shown(root),
      pointer: "",
      message: "schemas folder not found",
      hint: "run from the repository root or pass --schemas DIR",
    });
    return { files, broken, diagnostics };
  }
  const { files: jsonFiles, links, linkedFolders } = listJsonFiles(root);
  for (const absolute of linkedFolders) {
    const real = realpathSync(absolute);
    // A link to a folder inside is not followed: its files are read where they really are.
    if (!path.relative(realRoot, real).startsWith("..")) continue;
    diagnostics.push({
      code: "file-outside-schemas",
      file: shown(absolute),
      pointer: "",
      line: 1,
      column: 1,
      message: `symbolic link to a folder points outside the schemas folder (to ${real})`,
      hint: "copy the files into the schemas folder instead of linking to them",
    });
  }
  for (const absolute of jsonFiles) {
    const rel = toPosix(path.relative(root, absolute));
    const file = shown(absolute);
    const role = ROLE_FOLDERS[rel.split("/")[0] ?? ""];
    if (role === undefined) {
      diagnostics.push({
        code: "file-misplaced",
        file,
        pointer: "",
        line: 1,
        column: 1,
        message: "schema file is neither under events/ nor under types/",
        hint: "put one file per event in events/ and shared types in types/",
      });
      continue;
    }
    broken.add(rel);
    const unreadable = (message: string, hint: string) =>
      diagnostics.push({ code: "file-unreadable", file, pointer: "", line: 1, column: 1, message, hint });
    // A plain file was reached through real folders only, so its real path is the root's plus `rel`:
    // resolving it again cost a few lstat calls per file.
    let real = path.join(realRoot, rel);
    try {
      if (links.has(absolute)) real = realpathSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      unreadable(
        code === "ELOOP" ? "symbolic link loops back on itself" : `symbolic link points to nothing (${code ?? "error"})`,
        "remove the link, or point it at a schema file inside the schemas folder",
      );
      continue;
    }
    if (path.relative(realRoot, real).startsWith("..")) {
      diagnostics.push({
        code: "file-outside-schemas",
        file,
        pointer: "",
        line: 1,
        column: 1,
        message: `symbolic link points outside the schemas folder (to ${real})`,
        hint: "copy the file into the schemas folder instead of linking to it",
      });
      continue;
    }
    const stat = statSync(real);
    // A FIFO or device would block the read (or never end): only regular files are read.
    if (!stat.isFile()) {
      unreadable("not a regular file (a folder, FIFO, socket or device named *.json)", "replace it with a schema file");
      continue;
    }
    const size = stat.size;
    if (size > MAX_FILE_BYTES) {
      diagnostics.push({
        code: "file-too-large",
        file,
        pointer: "",
        line: 1,
        column: 1,
        message: `file is ${size} bytes; the limit is ${MAX_FILE_BYTES}`,
        hint: "split the schema into shared types under types/",
      });
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(real);
    } catch (error) {
      unreadable(`cannot be read: ${(error as Error).message}`, "check the file's permissions");
      continue;
    }
    const digest = checked?.digest(role, bytes);
    const parsed = parseJsonSource(file, bytes.toString("utf8"), bytes, checked?.passed(digest));
    diagnostics.push(...parsed.diagnostics);
    if (parsed.diagnostics.length === 0) {
      files.push({ rel, role, source: parsed.source, ...(digest === undefined ? {} : { digest }) });
      broken.delete(rel);
    }
  }
  return { files, broken, diagnostics };
}

/** The order readSchemaFolder lists files in: folder by folder, names sorted, files and subfolders mixed. */
export function inFolderOrder(a: SchemaFile, b: SchemaFile): number {
  const x = a.rel.split("/");
  const y = b.rel.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i] as string, y[i] as string];
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The `*.json` files (and links) under `folder`, sorted, which of them are symbolic links, and the
 * symbolic links to folders found on the way.
 */
function listJsonFiles(folder: string, out = { files: [] as string[], links: new Set<string>(), linkedFolders: [] as string[] }) {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolute = path.join(folder, entry.name);
    if (entry.isDirectory()) listJsonFiles(absolute, out);
    else if (entry.name.endsWith(".json") && (entry.isFile() || entry.isSymbolicLink())) {
      out.files.push(absolute);
      if (entry.isSymbolicLink()) out.links.add(absolute);
    } else if (entry.isSymbolicLink() && isFolder(absolute)) out.linkedFolders.push(absolute);
  }
  return out;
}

function isFolder(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
