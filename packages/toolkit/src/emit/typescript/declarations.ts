import { compile, type Options } from "json-schema-to-typescript";
import type { CanonConfig } from "../../load/config.js";
import type { Model, NamedType } from "../../load/model.js";
import type { RenderCache } from "../render-cache.js";
import { namedSchema } from "../schema-view.js";
import { formatDeclaration } from "./declaration-format.js";

type Json = Record<string, unknown>;

export const COMPILE_OPTIONS: Partial<Options> = {
  bannerComment: "",
  // Closed records: no `[k: string]: unknown` index signature.
  additionalProperties: false,
  // Each named type is compiled on its own; the ones it uses are imported, never inlined again.
  declareExternallyReferenced: false,
  // minItems/maxItems would otherwise turn arrays into tuples.
  ignoreMinAndMaxItems: true,
  strictIndexSignatures: true,
  unknownAny: true,
  format: true,
  style: { printWidth: 120, singleQuote: false, trailingComma: "all" },
};

/**
 * The schema json-schema-to-typescript sees for one named type, rebuilt from the model. References
 * to other named types become `tsType` names, which is what stops the library from re-declaring a
 * shared type in every file that uses it.
 */
export function declarationSchema(model: Model, type: NamedType, config: CanonConfig): Json {
  const integer = config.typescript.longs === "bigint" ? { integer: { tsType: "bigint" } } : {};
  return namedSchema(model, type, { ref: (named) => ({ tsType: named.name }), docs: true, ...integer });
}

/** One named type's declaration, as json-schema-to-typescript compiles it and prettier lays it out. */
export async function declaration(model: Model, type: NamedType, config: CanonConfig, cache: RenderCache): Promise<string> {
  const schema = declarationSchema(model, type, config);
  const compiled = (options: Partial<Options>) => compile(schema as Parameters<typeof compile>[0], type.name, options);
  return cache.get("ts-declaration", JSON.stringify([type.name, schema]), async () => {
    // prettier itself only where formatDeclaration cannot lay the declaration out the same.
    const laidOut = formatDeclaration(await compiled({ ...COMPILE_OPTIONS, format: false }));
    return (laidOut ?? (await compiled(COMPILE_OPTIONS))).trim();
  });
}
