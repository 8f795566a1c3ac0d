import { createHash } from "node:crypto";
import { toolkitSalt } from "../load/cache-files.js";
import type { CanonConfig } from "../load/config.js";
import { type EventDefinition, type Model, type NamedType, namedType, typesReachedFrom } from "../load/model.js";
import type { ReleasedSchemas } from "../load/released-schemas.js";
import type { FileSink, Kept, OutputFiles } from "./emitter.js";

const hashOf = (text: string) => createHash("sha256").update(text).digest("hex");

/** JSON of a value whose Maps (the config's, the release history's) count by their entries. */
const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v] : v));

/** What the keys of one model are made of; plain data, so a worker thread can be handed them (see ModelDigests.adopt). */
export interface NodeDigests {
  /** The names of every type each named type reaches, itself included. */
  readonly reached: Map<string, readonly string[]>;
  /** Each named type's own hash, by name. */
  readonly own: Map<string, string>;
  /** Each named type's hash with every type it reaches, by name. */
  readonly types: Map<string, string>;
  /** Each event's hash with every type it reaches, by the event's id. */
  readonly events: Map<string, string>;
}

/** The digests of one model's nodes, each made once, kept per model: every target's keys are made of the same. */
export class ModelDigests {
  private static readonly byModel = new WeakMap<Model, ModelDigests>();

  static of(model: Model): ModelDigests {
    let digests = ModelDigests.byModel.get(model);
    if (digests === undefined) {
      digests = new ModelDigests(model, { reached: new Map(), own: new Map(), types: new Map(), events: new Map() });
      ModelDigests.byModel.set(model, digests);
    }
    return digests;
  }

  /** Gives `model` (a worker's copy) the digests made for the original, instead of making them again there. */
  static adopt(model: Model, data: NodeDigests): void {
    ModelDigests.byModel.set(model, new ModelDigests(model, data));
  }

  private constructor(
    private readonly model: Model,
    private readonly data: NodeDigests,
  ) {}

  /** Every node's digest, made now: what a worker is handed. */
  all(): NodeDigests {
    for (const name of this.model.types.keys()) this.type(name);
    for (const event of this.model.events) this.event(event);
    return this.data;
  }

  reached(root: string): readonly string[] {
    let names = this.data.reached.get(root);
    if (names === undefined) {
      names = [root, ...typesReachedFrom(this.model, namedType(this.model, root)).map((t) => t.name)];
      this.data.reached.set(root, names);
    }
    return names;
  }

  type(name: string): string {
    let digest = this.data.types.get(name);
    if (digest === undefined) {
      const reached = [...this.reached(name)].sort().map((n) => `${n} ${this.own(n)}`);
      digest = hashOf(reached.join("\n"));
      this.data.types.set(name, digest);
    }
    return digest;
  }

  private own(name: string): string {
    let hash = this.data.own.get(name);
    if (hash === undefined) {
      hash = hashOf(JSON.stringify(namedType(this.model, name)));
      this.data.own.set(name, hash);
    }
    return hash;
  }

  event(event: EventDefinition): string {
    let digest = this.data.events.get(event.id);
    if (digest === undefined) {
      // The record is in the type digest, with what it reaches; the rest of the event is here.
      digest = hashOf(`${JSON.stringify({ ...event, record: event.record.name })}\n${this.type(event.record.name)}`);
      this.data.events.set(event.id, digest);
    }
    return digest;
  }
}

/**
 * One key per generated file, naming everything its renderer reads: the toolkit's code and libraries,
 * the target, the config, the release history, and the model nodes the file is made from with every
 * type they reach. Two renders with the same key write the same bytes, which is what lets generate
 * leave a file unrendered when the disk holds what the last render with that key wrote (see Kept).
 * A renderer that reads anything else of the model (another event, the catalog as a whole) must not
 * be keyed this way, or must name that part too. The model's nodes are plain data (no Maps), so their
 * JSON is their content.
 */
export class FileKeys {
  private readonly context: string;
  private readonly digests: ModelDigests;

  constructor(
    private readonly model: Model,
    target: string,
    config: CanonConfig,
    released: ReleasedSchemas,
  ) {
    this.context = hashOf(json([toolkitSalt(), target, config, [...released.values], [...released.keys]]));
    this.digests = ModelDigests.of(model);
  }

  /**
   * The key of a file made from `parts` (its kind and name), `types` and `events` (each whole: record,
   * examples, topic, key, ...), with every type they reach.
   */
  of(parts: readonly string[], types: readonly NamedType[], events: readonly EventDefinition[] = []): string {
    const digests = [...types.map((t) => this.digests.type(t.name)), ...events.map((e) => this.digests.event(e))];
    return hashOf(JSON.stringify([this.context, parts, digests]));
  }

  /** Every type `types` reach, themselves included. */
  reach(types: readonly NamedType[]): NamedType[] {
    const names = new Set(types.flatMap((t) => this.digests.reached(t.name)));
    return [...names].map((name) => namedType(this.model, name));
  }
}

/**
 * An emitter's files: a keyed file is rendered only when `kept` does not say the disk already holds
 * it as rendered from its key. Without `kept` (the site, `generate --check`) everything is rendered.
 * With a `sink`, each file goes there at once and `files` and `keys` stay empty.
 */
export class KeyedFiles {
  readonly files: OutputFiles = new Map();
  /** The key of each keyed file, rendered or kept. */
  readonly keys = new Map<string, string>();

  constructor(
    private readonly kept: Kept | undefined,
    private readonly sink?: FileSink,
  ) {}

  set(rel: string, content: string): void {
    if (this.sink === undefined) this.files.set(rel, content);
    else this.sink(rel, content, undefined);
  }

  /** Renders `rel` unless it is kept; the content, or undefined when kept. */
  async keyed(rel: string, key: string, render: () => string | Promise<string>): Promise<string | undefined> {
    const kept = this.kept?.(rel, key) === true;
    const content = kept ? undefined : await render();
    if (this.sink !== undefined) this.sink(rel, content, key);
    else {
      this.keys.set(rel, key);
      if (content !== undefined) this.files.set(rel, content);
    }
    return content;
  }
}
