import type { CanonConfig } from "./config.js";
import { type Diagnostic, sortDiagnostics } from "./diagnostics.js";
import { lintCatalog, lintFiles } from "./lint.js";
import { buildModel } from "./loader.js";
import { checkShape } from "./meta-schema.js";
import type { Model } from "./model.js";
import { inFolderOrder, readSchemaFolder, type SchemaFile } from "./schema-files.js";
import { lintServices, readServices, withServices } from "./services.js";

export interface Catalog {
  readonly files: readonly SchemaFile[];
  readonly model: Model;
  /** Every problem found, sorted; the catalog is usable only when this is empty. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions {
  /** false stops at the model. */
  readonly lint?: boolean;
  /**
   * Files of another catalog, already checked, that the schemas folder lacks but this version has
   * unchanged: a base version read for `canon check` then holds only the files that differ.
   */
  readonly unchanged?: readonly SchemaFile[];
}

/** read -> meta-schema -> model -> lint: everything `canon lint` reports, all at once. */
export function loadCatalog(config: CanonConfig, cwd: string, options: LoadOptions = {}): Catalog {
  const read = readSchemaFolder(config.schemas, cwd);
  const diagnostics: Diagnostic[] = [...read.diagnostics];
  const wellFormed: SchemaFile[] = [];
  for (const file of read.files) {
    const problems = checkShape(file);
    diagnostics.push(...problems);
    if (problems.length === 0) wellFormed.push(file);
    else read.broken.add(file.rel);
  }
  if (options.unchanged !== undefined) {
    // The model depends on file order (which of two equal type names wins), so keep the folder's.
    wellFormed.push(...options.unchanged);
    wellFormed.sort(inFolderOrder);
  }
  const built = buildModel(wellFormed, config, read.broken);
  diagnostics.push(...built.diagnostics);
  const services = readServices(config, cwd);
  const model = withServices(built.model, services.files);
  // A base version read only to be compared with (canon check) was linted when it landed.
  if (options.lint === false) return { files: wellFormed, model, diagnostics: sortDiagnostics(diagnostics) };
  diagnostics.push(...services.diagnostics);
  // Model rules assume every reference resolved; with load errors only the per-file rules run.
  if (built.diagnostics.length === 0)
    diagnostics.push(...lintCatalog(wellFormed, model, config), ...lintServices(wellFormed, model, services.files));
  else diagnostics.push(...lintFiles(wellFormed, config));
  return { files: wellFormed, model, diagnostics: sortDiagnostics(diagnostics) };
}
