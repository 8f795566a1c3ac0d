import { CheckedFiles } from "../load/checked-files.js";
import type { CanonConfig } from "../load/config.js";
import { type Diagnostic, sortDiagnostics } from "../load/diagnostics.js";
import { buildModel } from "../load/loader.js";
import { checkShape } from "../load/meta-schema.js";
import type { Model } from "../load/model.js";
import { inFolderOrder, readSchemaFolder, type SchemaFile } from "../load/schema-files.js";
import { lintServices, readServices, withServices } from "../load/services.js";
import { lintCatalog } from "./run.js";

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
  /** Handed the model once it is built without errors, before the lint rules run (generate starts its workers then). */
  readonly built?: (model: Model) => void;
}

/** read -> meta-schema -> model -> lint: everything `canon lint` reports, all at once. */
export function loadCatalog(config: CanonConfig, cwd: string, options: LoadOptions = {}): Catalog {
  const checked = new CheckedFiles(config.cache);
  const read = readSchemaFolder(config.schemas, cwd, checked);
  const diagnostics: Diagnostic[] = [...read.diagnostics];
  const loadable: SchemaFile[] = [];
  const rejected = new Set<string>();
  for (const file of read.files) {
    const shape = checked.passed(file.digest) ? { diagnostics: [], loadable: true } : checkShape(file);
    if (shape.diagnostics.length === 0) checked.pass(file.digest);
    diagnostics.push(...shape.diagnostics);
    // A missing keyword is reported where it is missing, at its parent, which is not thereby judged.
    for (const d of shape.diagnostics) if (d.code !== "missing-keyword") rejected.add(`${file.rel}#${d.pointer}`);
    if (shape.loadable) loadable.push(file);
    if (shape.diagnostics.length > 0) read.broken.add(file.rel);
  }
  if (options.unchanged !== undefined) {
    // The model depends on file order (which of two equal type names wins), so keep the folder's.
    loadable.push(...options.unchanged);
    loadable.sort(inFolderOrder);
  }
  checked.save();
  const built = buildModel(loadable, config, read.broken);
  diagnostics.push(...built.diagnostics);
  const services = readServices(config, cwd);
  const model = withServices(built.model, services.files);
  // A base version read only to be compared with (canon check) was linted when it landed.
  if (options.lint === false) return { files: loadable, model, diagnostics: sortDiagnostics(diagnostics) };
  diagnostics.push(...services.diagnostics);
  const loaded = built.diagnostics.length === 0;
  if (loaded && diagnostics.length === 0) options.built?.(model);
  diagnostics.push(...lintCatalog({ files: loadable, model, config }, { rejected, loaded }));
  // An event that failed to load would leave its services looking unused.
  if (loaded) diagnostics.push(...lintServices(loadable, model, services.files));
  return { files: loadable, model, diagnostics: sortDiagnostics(diagnostics) };
}

/** How lint and generate describe a catalog in their closing line. */
export function catalogSummary(catalog: Catalog): string {
  return `${catalog.model.events.length} events, ${catalog.model.types.size - catalog.model.events.length} other named types`;
}
