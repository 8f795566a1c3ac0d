import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { toPosix } from "../load/schema-files.js";

/**
 * How a program names `file` of an output folder: through the npm package that holds the folder
 * (`@acme/events/asyncapi/x.json`: the package's own name, from its package.json), and where no
 * package holds it, by its path from the working directory.
 */
export function npmFilePath(folder: string, file: string): string {
  const owner = npmPackageOf(folder);
  return owner === undefined ? fromHere(folder, file) : `${owner.name}/${toPosix(path.relative(owner.dir, path.join(folder, file)))}`;
}

/** The npm package whose entry point the folder's `entry` file is (the generated index); its path where no package holds it. */
export function npmPackageName(folder: string, entry: string): string {
  return npmPackageOf(folder)?.name ?? fromHere(folder, entry);
}

const fromHere = (folder: string, file: string) => `./${toPosix(path.relative(process.cwd(), path.join(folder, file)))}`;

/** The nearest package.json at or above `folder` that has a name. */
function npmPackageOf(folder: string): { name: string; dir: string } | undefined {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
        if (typeof name === "string" && name !== "") return { name, dir };
      } catch {
        // an unreadable manifest names nothing; look further up
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
