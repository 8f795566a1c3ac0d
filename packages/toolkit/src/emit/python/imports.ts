/**
 * The names a generated module takes from elsewhere, recorded by the code that writes each use (as
 * quicktype's `withImport` and protobuf-es's `GeneratedFile.import` do), so that the module imports
 * exactly what its code names and nothing a docstring happens to mention.
 */
export class PythonImports {
  /** Standard-library modules imported whole, under a private alias (`import datetime as _datetime`). */
  private readonly whole = new Set<string>();
  private readonly stdlib = new Map<string, Set<string>>();
  private readonly runtime = new Set<string>();
  /** Classes of the package's other modules, by module. */
  private readonly siblings = new Map<string, Set<string>>();

  /** `name` from a standard-library module; returns it, for use in the code being written. */
  from(module: string, name: string): string {
    add(this.stdlib, module, name);
    return name;
  }

  /** A standard-library module under its private alias; returns `_module.name`. */
  qualified(module: string, name: string): string {
    this.whole.add(module);
    return `_${module}.${name}`;
  }

  /** A helper of the package's `_runtime` module; returns its name. */
  fromRuntime(name: string): string {
    this.runtime.add(name);
    return name;
  }

  /** A class of another module of the package (one of this module's own is not imported). */
  sibling(module: string, name: string): string {
    add(this.siblings, module, name);
    return name;
  }

  /** The import block: standard library, a blank line, the package's own modules, a blank line. */
  lines(): string[] {
    const stdlib = [
      ...sorted(this.whole).map((module) => `import ${module} as _${module}`),
      ...sortedEntries(this.stdlib).map(([module, names]) => `from ${module} import ${sorted(names).join(", ")}`),
    ];
    // A module of enums only uses nothing from the runtime.
    const own = [
      ...(this.runtime.size > 0 ? [`from ._runtime import ${sorted(this.runtime).join(", ")}`] : []),
      ...sortedEntries(this.siblings).map(([module, names]) => `from .${module} import ${sorted(names).join(", ")}`),
    ];
    return [...stdlib, "", ...own, ""];
  }
}

function add(map: Map<string, Set<string>>, key: string, name: string): void {
  const names = map.get(key);
  if (names === undefined) map.set(key, new Set([name]));
  else names.add(name);
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}

function sortedEntries(map: Map<string, Set<string>>): [string, Set<string>][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : 1));
}
