import type { EventDefinition } from "../load/model.js";
import type { Emitter } from "./emitter.js";

/**
 * Everything the toolkit knows of one target, in one place (`src/emit/<name>/target.ts`): the config's
 * `outputs` keys, `canon generate --target`, the help, generate and the catalog's code tabs are all read
 * from the list of these in src/emit/targets.ts.
 */
export interface TargetDescription<N extends string = string> {
  /** The `outputs` key, the `--target` value and the folder name under `--out DIR`. */
  readonly name: N;
  /** Where the output goes without an `outputs` entry, relative to the config file. */
  readonly folder: string;
  /** One line for the help and `canon docs config`. */
  readonly summary: string;
  /** Loaded on use: the emitters' libraries take most of a second to import, which `canon lint` need not wait for. */
  readonly emitter: () => Promise<Emitter>;
  /**
   * Folders of this target's output that hold another target's files as they are (package data):
   * filled from that target's rendering, so those files are made once and held in memory once.
   */
  readonly includes?: Readonly<Record<string, string>>;
  /** Its emitter is slow and single-threaded: with a second core it renders in a worker thread while the others render. */
  readonly worker?: true;
  /**
   * false: its emitter never reads an event's examples, so its worker is handed the model without them
   * (more than half of a 2,000-event model's bytes, and copying the model is most of what a one-field
   * change waits for in the worker); the files' keys still name them, through the digests it is handed.
   */
  readonly readsExamples?: false;
  /** The catalog's code tab for this target; the emitter then hands over a snippet per event (`Rendering.snippets`). */
  readonly tab?: CodeTab;
  /** How a program imports an event's code from this target's output (`folder`, absolute), as the catalog shows it. */
  readonly importLine?: (event: EventDefinition, folder: string) => string;
  /** A document per service (`label`), and where it is published, as the catalog's service pages name it. */
  readonly serviceDocument?: { readonly label: string; readonly path: (service: string, folder: string) => string };
}

export interface CodeTab {
  /** What the tab says. */
  readonly label: string;
  /** Short name of the snippets' language; it names the tab and its panel (`tab-ts`, `panel-ts`). */
  readonly language: string;
}

/** Keeps the name's literal type, so the `Target` union can be derived from the list. */
export function target<const N extends string>(description: TargetDescription<N>): TargetDescription<N> {
  return description;
}
