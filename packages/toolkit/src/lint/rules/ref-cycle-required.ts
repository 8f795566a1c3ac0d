import type { Field, Model } from "../../load/model.js";
import { rule } from "../rule.js";

export default rule({
  code: "ref-cycle-required",
  meaning: "records contain each other through non-null record fields only: no finite value exists",
  fix: 'make one field on the cycle nullable (`"default": null`), an array or a map',
  check({ model }, report) {
    for (const cycle of requiredCycles(model)) {
      const [first] = cycle;
      if (first === undefined) continue;
      const path = [...cycle.map((step) => `${step.from}.${step.field.name}`), first.from].join(" -> ");
      report(
        first.field.origin.file,
        first.field.origin.pointer,
        `${path}: every field on this cycle is a non-null record, so no finite value exists`,
        'make one field on the cycle nullable (with "default": null), an array or a map; a default does not end it, since Avro and Python write every field',
      );
    }
  },
});

interface Step {
  readonly from: string;
  readonly field: Field;
  readonly to: string;
}

/**
 * Records that contain themselves through fields that are neither nullable, an array nor a map: one
 * cycle per strongly connected component (Tarjan's algorithm), from its first record by name.
 */
function requiredCycles(model: Model): Step[][] {
  const edges = new Map<string, Step[]>();
  for (const type of model.types.values()) {
    if (type.kind !== "record") continue;
    const steps = type.fields.flatMap((field) =>
      field.type.kind === "ref" && model.types.get(field.type.name)?.kind === "record"
        ? [{ from: type.name, field, to: field.type.name }]
        : [],
    );
    edges.set(type.name, steps);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    const own = index.size;
    index.set(node, own);
    low.set(node, own);
    stack.push(node);
    onStack.add(node);
    for (const { to } of edges.get(node) ?? []) {
      if (!index.has(to)) visit(to);
      if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? own, low.get(to) ?? own));
    }
    if (low.get(node) !== own) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    components.push(component);
  };
  for (const name of edges.keys()) if (!index.has(name)) visit(name);
  const cycles: Step[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...members].sort()[0];
    if (start === undefined) continue;
    // Breadth-first from the start back to it, inside the component: the shortest such cycle.
    const reached = new Map<string, Step[]>([[start, []]]);
    const queue = [start];
    let cycle: Step[] | undefined;
    for (let node = queue.shift(); node !== undefined && cycle === undefined; node = queue.shift()) {
      for (const step of edges.get(node) ?? []) {
        if (!members.has(step.to)) continue;
        const path = [...(reached.get(node) ?? []), step];
        if (step.to === start) {
          cycle = path;
          break;
        }
        if (!reached.has(step.to)) {
          reached.set(step.to, path);
          queue.push(step.to);
        }
      }
    }
    if (cycle !== undefined) cycles.push(cycle);
  }
  return cycles;
}
