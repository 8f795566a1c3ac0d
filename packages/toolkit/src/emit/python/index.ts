import type { EnumType, Field, RecordType } from "../../load/model.js";
import { type Emitter, groupBy, type OutputFiles, runtimeTemplates } from "../emitter.js";
import { renderModule } from "./module-renderer.js";
import { type QuicktypeClasses, quicktypeAnnotations } from "./quicktype-annotations.js";
import { historyModule, registryModule } from "./registry-module.js";

/**
 * Emits one module per domain plus `shared`, `_registry.py`, `_history.py`, `py.typed`, and the fixed
 * modules from templates/python (`__init__`, `_runtime`, `_avro`, `_envelope`, ...); the Avro and
 * bundled JSON schemas join them as package data (`includes` in target.ts).
 */
export const pythonEmitter: Emitter = {
  target: "python",
  async emit(model, config, cache, released) {
    const classes = [...model.types.values()].filter((t): t is RecordType | EnumType => t.kind !== "alias");
    const byModule = groupBy(classes, (t) => t.module);
    const quicktypeOut: QuicktypeClasses = { annotations: new Map(), members: new Map() };
    for (const types of byModule.values()) {
      const part = await quicktypeAnnotations(model, types, cache);
      for (const [name, annotations] of part.annotations) quicktypeOut.annotations.set(name, annotations);
      for (const [name, members] of part.members) quicktypeOut.members.set(name, members);
    }
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
    const files: OutputFiles = new Map();
    const classesOf = new Map<string, string>();
    for (const [module, types] of byModule) {
      const rendered = renderModule(sources, module, types);
      files.set(`${module}.py`, rendered.text);
      for (const [name, text] of rendered.classes) classesOf.set(name, text);
    }
    for (const [template, text] of runtimeTemplates("python", ".py", "#", config)) files.set(template, text);
    files.set("_registry.py", registryModule(model, config, released));
    files.set("_history.py", historyModule(model, config, released));
    files.set("py.typed", "");
    return { files, snippets: new Map(model.events.map((e) => [e.eventType, classesOf.get(e.record.name) as string])) };
  },
};
