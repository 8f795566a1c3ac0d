import { directDependencies, type EventDefinition, type Model, namedType } from "../load/model.js";
import { escapeHtml } from "./html.js";

const BOX_HEIGHT = 28;
const ROW_GAP = 14;
const COLUMN_WIDTH = 230;
const BOX_WIDTH = 190;

/**
 * The event's type graph as an inline SVG, laid out at build time: one column per depth, one box
 * per named type (first reached depth), a line per use. Fixed width and height, so nothing shifts.
 */
export function typeGraph(model: Model, event: EventDefinition): string {
  const depth = new Map<string, number>([[event.record.name, 0]]);
  const edges: [string, string][] = [];
  const queue = [event.record.name];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    for (const used of directDependencies(namedType(model, name))) {
      edges.push([name, used]);
      if (!depth.has(used)) {
        depth.set(used, (depth.get(name) ?? 0) + 1);
        queue.push(used);
      }
    }
  }
  const columns = new Map<number, string[]>();
  for (const [name, d] of depth) columns.set(d, [...(columns.get(d) ?? []), name]);
  const position = new Map<string, { x: number; y: number }>();
  for (const [d, names] of columns) {
    for (const [row, name] of names.entries()) position.set(name, { x: 10 + d * COLUMN_WIDTH, y: 10 + row * (BOX_HEIGHT + ROW_GAP) });
  }
  const width = 20 + Math.max(...columns.keys()) * COLUMN_WIDTH + BOX_WIDTH;
  const height = 20 + Math.max(...[...columns.values()].map((n) => n.length)) * (BOX_HEIGHT + ROW_GAP) - ROW_GAP;
  const lines = [...new Set(edges.map(([a, b]) => `${a}>${b}`))].map((key) => {
    const [a, b] = key.split(">") as [string, string];
    const from = position.get(a);
    const to = position.get(b);
    if (from === undefined || to === undefined) return "";
    return `<line x1="${from.x + BOX_WIDTH}" y1="${from.y + BOX_HEIGHT / 2}" x2="${to.x}" y2="${to.y + BOX_HEIGHT / 2}"/>`;
  });
  const boxes = [...position].map(
    ([name, { x, y }]) =>
      `<g><rect x="${x}" y="${y}" width="${BOX_WIDTH}" height="${BOX_HEIGHT}" rx="4"/><text x="${x + 8}" y="${y + 18}">${escapeHtml(name)}</text></g>`,
  );
  return `<svg class="graph" role="img" aria-label="Types used by ${escapeHtml(event.record.name)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${lines.join("")}${boxes.join("")}</svg>`;
}
