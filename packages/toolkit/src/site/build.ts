import { readFileSync } from "node:fs";
import { avroKeySchemaOf, avroSchemaOf } from "../emit/avro/index.js";
import type { OutputFiles } from "../emit/emitter.js";
import { TARGET_LIST, type Target } from "../emit/targets.js";
import type { Catalog } from "../lint/catalog.js";
import type { CanonConfig } from "../load/config.js";
import { eventHistory, type History, readHistory } from "../load/history.js";
import {
  type EventDefinition,
  eventsOf,
  type Field,
  type Model,
  type NamedType,
  namedType,
  reachableTypes,
  type Service,
  type TypeNode,
} from "../load/model.js";
import { avroFullName, subjectNames } from "../registry/subjects.js";
import { type CodeTabContent, codeTabs, codeTabsHtml, styleSheet } from "./code-tabs.js";
import { flowGraph } from "./flow.js";
import { typeGraph } from "./graph.js";
import { escapeHtml, page } from "./html.js";

const TEMPLATES = new URL("../../templates/site/", import.meta.url);

/** Where each event and shared type is described, relative to the site root. */
const eventPage = (event: EventDefinition) => `events/${event.eventType}.html`;
const typePage = (name: string) => `types/${name}.html`;
const servicePage = (id: string) => `services/${id}.html`;

/**
 * The static catalog: an index with search, one page per event version and per shared type, and on each
 * event's page the code its targets generate for it (see codeTabs).
 */
export async function buildSite(catalog: Catalog, config: CanonConfig<Target>): Promise<OutputFiles> {
  const model = catalog.model;
  const tabs = await codeTabs(catalog, config);
  const files: OutputFiles = new Map();
  files.set("style.css", styleSheet(readFileSync(new URL("style.css", TEMPLATES), "utf8"), tabs));
  files.set("search.js", readFileSync(new URL("search.js", TEMPLATES), "utf8"));
  files.set("index.html", indexPage(model));
  const history = readHistory(config);
  for (const event of model.events) files.set(eventPage(event), eventPageHtml(model, event, tabs, config, history));
  const usedBy = whereUsed(model);
  for (const type of model.types.values()) {
    if (model.events.some((e) => e.record.name === type.name) || !type.origin.file.startsWith("types/")) continue;
    files.set(typePage(type.name), typePageHtml(model, type, usedBy.get(type.name) ?? []));
  }
  for (const service of model.services.values()) files.set(servicePage(service.id), servicePageHtml(model, service, config));
  return files;
}

function indexPage(model: Model): string {
  const domains = [...new Set(model.events.map((e) => e.domain))].sort();
  const latest = latestVersions(model);
  const sections = domains.map((domain) => {
    const events = model.events.filter((e) => e.domain === domain && latest.has(e.eventType));
    const items = events.map((e) => {
      const search = `${e.eventType} ${e.record.name} ${e.record.description ?? ""}`.toLowerCase();
      return `<li data-search="${escapeHtml(search)}"><a href="${eventPage(e)}"><code>${escapeHtml(e.eventType)}</code></a> <span class="muted">${escapeHtml(e.record.name)}</span><br>${escapeHtml(firstSentence(e.record.description))}</li>`;
    });
    return `<section data-domain="${escapeHtml(domain)}"><h2>${escapeHtml(domain)} <span class="muted">(${events.length})</span></h2><ul class="events">${items.join("")}</ul></section>`;
  });
  const shared = [...model.types.values()].filter(
    (t) => t.origin.file.startsWith("types/") && !model.events.some((e) => e.record.name === t.name),
  );
  const body = [
    "<h1>Event catalog</h1>",
    `<p>${model.events.length} events over ${domains.length} domains, ${shared.length} shared types. <span class="muted">Showing <span id="shown">${latest.size}</span>.</span></p>`,
    '<div id="filter" hidden><label for="search" class="muted">Filter events</label>',
    '<input id="search" class="search" type="search" placeholder="Filter by event type, name or words" autocomplete="off"></div>',
    ...sections,
    `<h2>Shared types</h2><p>${shared.map((t) => `<a href="${typePage(t.name)}">${escapeHtml(t.name)}</a>`).join(", ")}</p>`,
    ...(model.services.size === 0
      ? []
      : [
          `<h2>Services <span class="muted">(${model.services.size})</span></h2>`,
          `<ul class="services">${[...model.services.values()].map((s) => `<li><a href="${servicePage(s.id)}">${escapeHtml(s.name)}</a> <span class="muted">${escapeHtml(s.id)}</span></li>`).join("")}</ul>`,
        ]),
    '<script src="search.js"></script>',
  ];
  return page("Event catalog", "", body.join("\n"));
}

/** The event's registry subjects, and each released version with its global ids and fingerprint. */
function registryRows(model: Model, event: EventDefinition, config: CanonConfig, history: History): string[] {
  const key = avroKeySchemaOf(model, event);
  const names = subjectNames(
    {
      eventType: event.eventType,
      topic: event.topic,
      fullName: avroFullName(avroSchemaOf(model, event, config)),
      keyName: key === undefined ? undefined : avroFullName(key),
    },
    config,
  );
  const released = eventHistory(history, event.eventType);
  const versions =
    released.length === 0
      ? '<span class="muted">not released yet (<code>canon release</code>)</span>'
      : released
          .map(
            (r) =>
              `v${r.version}: id <code>${r.value.id}</code>${r.key ? `, key id <code>${r.key.id}</code>` : ""}, fingerprint <code>${r.value.fingerprint.slice(0, 16)}</code>`,
          )
          .join("<br>");
  return [
    `<tr><th scope="row">Registry subject</th><td><code>${escapeHtml(typeof names === "string" ? "-" : names.value)}</code></td></tr>`,
    ...(typeof names === "string" || names.key === undefined
      ? []
      : [`<tr><th scope="row">Key subject</th><td><code>${escapeHtml(names.key)}</code></td></tr>`]),
    `<tr><th scope="row">Released</th><td>${versions}</td></tr>`,
  ];
}

function eventPageHtml(
  model: Model,
  event: EventDefinition,
  tabs: readonly CodeTabContent[],
  config: CanonConfig<Target>,
  history: History,
): string {
  const root = "../";
  const records = [event.record, ...reachableTypes(model, event)].filter((t) => t.kind === "record");
  const imports = TARGET_LIST.flatMap((t) => (t.importLine === undefined ? [] : [t.importLine(event, config.outputs[t.name])]));
  const body = [
    `<p class="muted"><a href="${root}index.html">Catalog</a> / ${escapeHtml(event.domain)}</p>`,
    `<h1>${escapeHtml(event.record.name)}</h1>`,
    `<p><code>${escapeHtml(event.eventType)}</code></p>`,
    `<p>${escapeHtml(event.record.description ?? "")}</p>`,
    "<table><tbody>",
    `<tr><th scope="row">Topic</th><td><code>${escapeHtml(event.topic ?? "-")}</code></td></tr>`,
    `<tr><th scope="row">Message key</th><td><code>${escapeHtml(event.keyField ?? "-")}</code></td></tr>`,
    `<tr><th scope="row">Producers</th><td>${event.producers === undefined ? '<span class="muted">unknown: no source names one</span>' : serviceLinks(model, event.producers, root)}</td></tr>`,
    `<tr><th scope="row">Consumers</th><td>${event.consumers.length === 0 ? '<span class="muted">none on record</span>' : serviceLinks(model, event.consumers, root)}</td></tr>`,
    ...registryRows(model, event, config, history),
    "</tbody></table>",
    "<h2>Flow</h2>",
    flowGraph(model, event, root) || '<p class="muted">No source names a service that sends or receives the events on this topic.</p>',
    "<h2>Fields</h2>",
    ...records.map((record) => fieldsTable(model, record, root)),
    "<h2>Type graph</h2>",
    typeGraph(model, event),
    "<h2>Example</h2>",
    ...event.examples.map((example) => `<pre><code>${escapeHtml(JSON.stringify(example, null, 2))}</code></pre>`),
    "<h2>Generated code</h2>",
    ...codeTabsHtml(tabs, event),
    "<h2>Import it</h2>",
    `<pre><code>${escapeHtml(imports.join("\n"))}</code></pre>`,
    "<h2>Versions</h2>",
    versionsList(model, event, root),
  ];
  return page(event.record.name, root, body.join("\n"));
}

function serviceLinks(model: Model, ids: readonly string[], root: string): string {
  return ids.map((id) => `<a href="${root}${servicePage(id)}">${escapeHtml(model.services.get(id)?.name ?? id)}</a>`).join(", ");
}

function servicePageHtml(model: Model, service: Service, config: CanonConfig<Target>): string {
  const root = "../";
  const { produces, consumes } = eventsOf(model, service.id);
  const list = (events: readonly EventDefinition[], none: string) =>
    events.length === 0
      ? `<p class="muted">${none}</p>`
      : `<ul>${events.map((e) => `<li><a href="${root}${eventPage(e)}"><code>${escapeHtml(e.eventType)}</code></a> <span class="muted">on ${escapeHtml(e.topic ?? "no topic on record")}</span></li>`).join("")}</ul>`;
  const where = service.path === undefined ? service.repository : `${service.repository}/tree/HEAD/${service.path}`;
  const body = [
    `<p class="muted"><a href="${root}index.html">Catalog</a> / services</p>`,
    `<h1>${escapeHtml(service.name)}</h1>`,
    `<p>${escapeHtml(service.description)}</p>`,
    "<table><tbody>",
    `<tr><th scope="row">Id</th><td><code>${escapeHtml(service.id)}</code></td></tr>`,
    `<tr><th scope="row">Owner</th><td>${service.owner === null ? '<span class="muted">no owner on record</span>' : escapeHtml(service.owner)}</td></tr>`,
    `<tr><th scope="row">Code</th><td><a href="${escapeHtml(where)}">${escapeHtml(where)}</a></td></tr>`,
    ...TARGET_LIST.flatMap(({ name, serviceDocument: document }) =>
      document === undefined
        ? []
        : [
            `<tr><th scope="row">${escapeHtml(document.label)}</th><td><code>${escapeHtml(document.path(service.id, config.outputs[name]))}</code></td></tr>`,
          ],
    ),
    "</tbody></table>",
    `<h2>Sends <span class="muted">(${produces.length})</span></h2>`,
    list(produces, "No event on record."),
    `<h2>Receives <span class="muted">(${consumes.length})</span></h2>`,
    list(consumes, "No event on record."),
  ];
  return page(service.name, root, body.join("\n"));
}

function typePageHtml(model: Model, type: NamedType, users: readonly EventDefinition[]): string {
  const root = "../";
  const body = [
    `<p class="muted"><a href="${root}index.html">Catalog</a> / shared types</p>`,
    `<h1>${escapeHtml(type.name)}</h1>`,
    `<p>${escapeHtml(type.description ?? "")}</p>`,
    type.kind === "record"
      ? fieldsTable(model, type, root)
      : type.kind === "enum"
        ? `<p>One of: ${type.symbols.map((s) => `<code>${escapeHtml(s)}</code>`).join(", ")}</p>`
        : `<p>A ${escapeHtml(typeLabel(model, type.target, root))} on the wire.</p>`,
    `<h2>Where used <span class="muted">(${users.length} events)</span></h2>`,
    `<ul>${users.map((e) => `<li><a href="${root}${eventPage(e)}"><code>${escapeHtml(e.eventType)}</code></a></li>`).join("")}</ul>`,
  ];
  return page(type.name, root, body.join("\n"));
}

function fieldsTable(model: Model, record: NamedType & { kind: "record" }, root: string): string {
  const rows = record.fields.map((field) => {
    const nullable = field.type.kind === "nullable";
    return `<tr><td><code>${escapeHtml(field.name)}</code></td><td>${typeLabel(model, field.type, root)}</td><td>${field.required ? "required" : "optional"}</td><td>${nullable ? "yes" : "no"}</td><td>${field.default === undefined ? "" : `<code>${escapeHtml(JSON.stringify(field.default.value))}</code>`}</td><td>${escapeHtml(field.description ?? "")}</td></tr>`;
  });
  return `<h3 id="${escapeHtml(record.name)}">${escapeHtml(record.name)}</h3><table><thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Presence</th><th scope="col">Nullable</th><th scope="col">Default</th><th scope="col">Description</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** A field's type in words, with links to shared types. */
function typeLabel(model: Model, type: TypeNode, root: string): string {
  switch (type.kind) {
    case "string":
      return type.constraints.format ? `string (${escapeHtml(type.constraints.format)})` : "string";
    case "integer":
    case "number":
    case "boolean":
      return type.kind;
    case "array":
      return `array of ${typeLabel(model, type.items, root)}`;
    case "map":
      return `map of ${typeLabel(model, type.values, root)}`;
    case "nullable":
      return `${typeLabel(model, type.inner, root)} or null`;
    case "ref": {
      const named = namedType(model, type.name);
      return named.origin.file.startsWith("types/")
        ? `<a href="${root}${typePage(named.name)}">${escapeHtml(named.name)}</a>`
        : `<a href="#${escapeHtml(named.name)}">${escapeHtml(named.name)}</a>`;
    }
  }
}

/** Major versions of the same event side by side, with what changed between consecutive ones. */
function versionsList(model: Model, event: EventDefinition, root: string): string {
  const family = event.eventType.replace(/\.v[0-9]+$/, "");
  const versions = model.events.filter((e) => e.eventType.replace(/\.v[0-9]+$/, "") === family);
  const items = versions.map((v) => {
    const current = v.eventType === event.eventType ? ' <span class="muted">(this page)</span>' : "";
    const fieldsOf = (e: EventDefinition) => new Set(e.record.fields.map((f: Field) => f.name));
    const index = versions.indexOf(v);
    const previous = index > 0 ? versions[index - 1] : undefined;
    const diff =
      previous === undefined
        ? "first version"
        : `new major version (incompatible with ${escapeHtml(previous.eventType)}): fields added ${[...fieldsOf(v)].filter((n) => !fieldsOf(previous).has(n)).join(", ") || "none"}; removed ${[...fieldsOf(previous)].filter((n) => !fieldsOf(v).has(n)).join(", ") || "none"}`;
    return `<li><a href="${root}${eventPage(v)}"><code>${escapeHtml(v.eventType)}</code></a>${current}: ${diff}</li>`;
  });
  return `<ul>${items.join("")}</ul>`;
}

function latestVersions(model: Model): Set<string> {
  const latest = new Map<string, EventDefinition>();
  for (const event of model.events) {
    const family = event.eventType.replace(/\.v[0-9]+$/, "");
    const known = latest.get(family);
    const major = (e: EventDefinition) => Number(/\.v([0-9]+)$/.exec(e.eventType)?.[1] ?? 0);
    if (known === undefined || major(event) > major(known)) latest.set(family, event);
  }
  return new Set([...latest.values()].map((e) => e.eventType));
}

function whereUsed(model: Model): Map<string, EventDefinition[]> {
  const users = new Map<string, EventDefinition[]>();
  for (const event of model.events) {
    for (const type of reachableTypes(model, event)) users.set(type.name, [...(users.get(type.name) ?? []), event]);
  }
  return users;
}

function firstSentence(text: string | undefined): string {
  if (text === undefined) return "";
  const end = text.search(/\.\s/);
  return end < 0 ? text : text.slice(0, end + 1);
}
