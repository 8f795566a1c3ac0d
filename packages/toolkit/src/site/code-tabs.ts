import { renderAll } from "../emit/generate.js";
import type { CodeTab } from "../emit/target.js";
import { TARGET_LIST } from "../emit/targets.js";
import type { Catalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import type { EventDefinition } from "../load/model.js";
import { escapeHtml } from "./html.js";

/** A target's tab on the event pages, with what its emitter made of each event. */
export interface CodeTabContent extends CodeTab {
  readonly target: string;
  readonly snippets: ReadonlyMap<string, string>;
}

/**
 * The tabs of every target that has one, in the targets' order: their emitters render in memory (through the
 * render cache, so after `canon generate` this reads what that run kept) and hand over each event's snippet.
 */
export async function codeTabs(catalog: Catalog, config: CanonConfig): Promise<CodeTabContent[]> {
  const shown = TARGET_LIST.filter((t) => t.tab !== undefined);
  const rendered = await renderAll(
    catalog,
    config,
    shown.map((t) => t.name),
  );
  return shown.map((t) => ({ ...(t.tab as CodeTab), target: t.name, snippets: rendered.get(t.name)?.snippets ?? new Map() }));
}

/** The event's tabs: radio inputs first, then the panels, which the style sheet shows for the checked input only. */
export function codeTabsHtml(tabs: readonly CodeTabContent[], event: EventDefinition): string[] {
  const inputs = tabs.map(
    (t, i) =>
      `<input type="radio" name="lang" id="tab-${t.language}"${i === 0 ? " checked" : ""}><label for="tab-${t.language}">${escapeHtml(t.label)}</label>`,
  );
  const panels = tabs.map((t) => {
    const snippet = t.snippets.get(event.eventType);
    if (snippet === undefined) throw new Error(`the ${t.target} emitter has a catalog tab but handed no snippet for ${event.eventType}`);
    return `<div class="panel panel-${t.language}" role="region" aria-label="${escapeHtml(t.label)}"><pre><code>${escapeHtml(snippet)}</code></pre></div>`;
  });
  return ['<div class="tabs">', ...inputs, ...panels, "</div>"];
}

/** Where the style sheet template shows a tab's panel: one such selector for each tab. */
const PANEL_SELECTOR = "#tab-LANGUAGE:checked ~ .panel-LANGUAGE";

/** The site's style sheet from its template, with a panel selector per tab. */
export function styleSheet(template: string, tabs: readonly CodeTab[]): string {
  if (!template.includes(`${PANEL_SELECTOR} {`)) throw new Error(`the site's style.css template lacks "${PANEL_SELECTOR} {"`);
  return template.replace(`${PANEL_SELECTOR} {`, `${tabs.map((t) => PANEL_SELECTOR.replaceAll("LANGUAGE", t.language)).join(",\n")} {`);
}
