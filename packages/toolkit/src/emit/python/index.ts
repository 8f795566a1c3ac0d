import type { EnumType, Field, NamedType, RecordType } from "../../load/model.js";
import { type Emitter, eventSnippets, groupBy, runtimeTemplates } from "../emitter.js";
import { FileKeys, KeyedFiles } from "../file-keys.js";
import { renderModule } from "./module-renderer.js";
import { type QuicktypeClasses, quicktypeAnnotations } from "./quicktype-annotations.js";
import { quicktypeChunks } from "./quicktype-chunks.js";
import { historyModule, registryModule } from "./registry-module.js";

/**
 * Emits one module per domain plus `shared`, `_registry.py`, `_history.py`, `py.typed`, and the fixed
 * modules from templates/python (`__init__`, `_runtime`, `_avro`, `_envelope`, ...); the Avro and
 * bundled JSON schemas join them as package data (`includes` in target.ts).
 */
export const pythonEmitter: Emitter = {
  target: "python",
  async emit(model, config, cache, released, kept, sink) {
    const classes = [...model.types.values()].filter((t): t is RecordType | EnumType => t.kind !== "alias");
    const byModule = groupBy(classes, (t) => t.module);
    const keys = new FileKeys(model, "python", config, released);
    const quicktypeOut: QuicktypeClasses = { annotations: new Map(), members: new Map() };
    const annotated = new Map<string, Promise<void>>();
    // Each module's quicktype runs, made once and only for modules that some rendered module reads.
    const annotate = (module: string) => {
      let done = annotated.get(module);
      if (done === undefined) {
        done = (async () => {
          for (const chunk of quicktypeChunks(model, byModule.get(module) ?? [])) {
            const part = await quicktypeAnnotations(model, chunk, cache);
            for (const [name, annotations] of part.annotations) quicktypeOut.annotations.set(name, annotations);
            for (const [name, members] of part.members) quicktypeOut.members.set(name, members);
          }
        })();
        annotated.set(module, done);
      }
      return done;
    };
    const sources = {
      model,
      eventTypes: new Map(model.events.map((e) => [e.record.name, e.eventType])),
      annotationOf: (type: RecordType, field: Field) => {
        const annotation = quicktypeOut.annotations.get(type.name)?.get(field.name);
        if (annotation === undefined) throw new Error(`quicktype gave no annotation for ${type.name}.${field.name}`);
        return annotation;
      },
      memberOf: (type: EnumType, symbol: string) => {
        const member = quicktypeOut.members.get(type.name)?.get(symbol);
        if (member === undefined) throw new Error(`quicktype gave no member for ${type.name} ${JSON.stringify(symbol)}`);
        return member;
      },
    };
    const out = new KeyedFiles(kept, sink);
    const classesOf = new Map<string, string>();
    const allByModule = groupBy(model.types.values(), (t) => t.module);
    for (const [module, types] of byModule) {
      // A module's text takes enum member names from the quicktype runs of the modules it reaches, and
      // each of those reads the modules it reaches: all their types are in its key.
      const read = readModules(keys, allByModule, module);
      const ownEvents = model.events.filter((e) => e.record.module === module);
      const key = keys.of(
        ["module", module],
        [...read].flatMap((m) => allByModule.get(m) ?? []),
        ownEvents,
      );
      await out.keyed(`${module}.py`, key, async () => {
        for (const m of read) await annotate(m);
        const rendered = renderModule(sources, module, types);
        for (const [name, text] of rendered.classes) classesOf.set(name, text);
        return rendered.text;
      });
    }
    for (const [template, text] of runtimeTemplates("python", ".py", "#", config)) out.set(template, text);
    out.set("_registry.py", registryModule(model, config, released));
    out.set("_history.py", historyModule(model, config, released));
    out.set("py.typed", "");
    return { files: out.files, keys: out.keys, ...(sink === undefined && { snippets: eventSnippets(model, classesOf) }) };
  },
};

/** `module` and every module its types reach, and those reach, and so on. */
function readModules(keys: FileKeys, byModule: ReadonlyMap<string, readonly NamedType[]>, module: string): Set<string> {
  const read = new Set([module]);
  for (const m of read) for (const type of keys.reach(byModule.get(m) ?? [])) read.add(type.module);
  return read;
}
