import { majorVersion } from "../load/event-version.js";
import type { EventDefinition, Model } from "../load/model.js";
import { escapeHtml } from "./html.js";

const BOX_WIDTH = 270;
const BOX_HEIGHT = 40;
const ROW_GAP = 12;
const COLUMN_GAP = 70;

/** The short name of an event on its topic: its action, with the major version past the first (`submitted`, `submitted.v2`). */
function actionOf(event: EventDefinition): string {
  const segments = event.eventType.split(".");
  const version = segments.at(-1) ?? "";
  if (majorVersion(event.eventType) === undefined) return version;
  return version === "v1" ? (segments.at(-2) ?? version) : `${segments.at(-2)}.${version}`;
}

/**
 * The topic's flow as an inline SVG, laid out at build time like the type graph: the services that send
 * any event on the topic, the topic, the services that receive one. Each service box lists the events it
 * sends or receives there; those that handle `event` itself are marked, the rest drawn quieter.
 * Services link to their pages. Empty when no producer or consumer of the topic is on record.
 */
export function flowGraph(model: Model, event: EventDefinition, root: string): string {
  const onTopic = event.topic === undefined ? [event] : model.events.filter((e) => e.topic === event.topic);
  const side = (pick: (e: EventDefinition) => readonly string[]) => {
    const byService = new Map<string, EventDefinition[]>();
    for (const e of onTopic) for (const id of pick(e)) byService.set(id, [...(byService.get(id) ?? []), e]);
    return [...byService].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  const producers = side((e) => e.producers ?? []);
  const consumers = side((e) => e.consumers);
  if (producers.length === 0 && consumers.length === 0) return "";
  const rows = Math.max(producers.length, consumers.length, 1);
  const height = 20 + rows * (BOX_HEIGHT + ROW_GAP) - ROW_GAP;
  const width = 20 + 3 * BOX_WIDTH + 2 * COLUMN_GAP;
  const columnX = [10, 10 + BOX_WIDTH + COLUMN_GAP, 10 + 2 * (BOX_WIDTH + COLUMN_GAP)] as const;
  const centered = (count: number, row: number) => 10 + ((rows - count) * (BOX_HEIGHT + ROW_GAP)) / 2 + row * (BOX_HEIGHT + ROW_GAP);
  const topicY = centered(1, 0);
  const topic = event.topic ?? "(no topic on record)";
  const parts: string[] = [];
  const box = (x: number, y: number, title: string, detail: string, mine: boolean, href: string | undefined, label: string) => {
    const inner = `<rect x="${x}" y="${y}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="4"/><text x="${x + 8}" y="${y + 17}">${escapeHtml(title)}</text><text class="detail" x="${x + 8}" y="${y + 33}">${escapeHtml(detail)}</text>`;
    const g = `<g class="${mine ? "node this" : "node"}" aria-label="${escapeHtml(label)}">${inner}</g>`;
    return href === undefined ? g : `<a href="${escapeHtml(href)}">${g}</a>`;
  };
  const arrow = (x1: number, y1: number, x2: number, y2: number, mine: boolean) =>
    `<line class="${mine ? "edge this" : "edge"}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/><polygon class="${mine ? "edge this" : "edge"}" points="${x2},${y2} ${x2 - 7},${y2 - 4} ${x2 - 7},${y2 + 4}"/>`;
  const services = (list: [string, EventDefinition[]][], column: 0 | 2, verb: string) =>
    list.forEach(([id, events], row) => {
      const y = centered(list.length, row);
      const mine = events.includes(event);
      const actions = events.map(actionOf).join(", ");
      const name = model.services.get(id)?.name ?? id;
      const from = column === 0 ? [columnX[0] + BOX_WIDTH, y + BOX_HEIGHT / 2] : [columnX[1] + BOX_WIDTH, topicY + BOX_HEIGHT / 2];
      const to = column === 0 ? [columnX[1], topicY + BOX_HEIGHT / 2] : [columnX[2], y + BOX_HEIGHT / 2];
      parts.push(arrow(from[0] as number, from[1] as number, to[0] as number, to[1] as number, mine));
      parts.push(box(columnX[column], y, name, actions, mine, `${root}services/${id}.html`, `${name} ${verb} ${actions}`));
    });
  services(producers, 0, "sends");
  services(consumers, 2, "receives");
  parts.push(
    box(
      columnX[1],
      topicY,
      topic,
      `topic, ${onTopic.length} event type${onTopic.length === 1 ? "" : "s"}`,
      true,
      undefined,
      `topic ${topic}`,
    ),
  );
  return `<svg class="flow" role="img" aria-label="${escapeHtml(`Who sends and receives the events on ${topic}`)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}
