import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles } from "../src/load/list-files.js";
import { canon, REPO, tempDir } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.join(REPO, "build/test-artifacts");
const SUBMITTED = "org.openedx.learning.exam.attempt.submitted.v1";

/** The catalog in a real headless Chromium from Debian's package, as a reader would use it. */
describe("catalog site in a browser", () => {
  let site: string;
  let browser: Browser;
  const external: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: scripts/setup.sh installs Debian's chromium package`);
    site = tempDir("site");
    const built = canon(["catalog", "--out", site], REPO);
    expect(built.code).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(relative: string, javaScriptEnabled = true) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    // Every request must stay on the page's own files: record and block anything else.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file://")) return route.continue();
      external.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(site, relative)).href);
    return page;
  }

  it("builds the same bytes twice", () => {
    const again = tempDir("site-again");
    expect(canon(["catalog", "--out", again], REPO).code).toBe(0);
    const files = listFiles(site);
    expect(listFiles(again)).toEqual(files);
    for (const file of files) expect(readFileSync(path.join(again, file), "utf8"), file).toBe(readFileSync(path.join(site, file), "utf8"));
  });

  it("filters the index as you type, follows a link, and switches the code tabs", async () => {
    const page = await open("index.html");
    await expect(page.locator("h1").textContent()).resolves.toBe("Event catalog");
    const all = await page.locator("[data-search]:visible").count();
    expect(all).toBe(75);
    await page.screenshot({ path: path.join(ARTIFACTS, "index.png") });

    await page.fill("#search", "exam attempt");
    await expect(page.locator("#shown").textContent()).resolves.toBe("5");
    expect(await page.locator("[data-search]:visible").count()).toBe(5);
    expect(await page.locator("section[data-domain=enterprise]").isVisible()).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, "search.png") });

    await page.click(`a[href="events/${SUBMITTED}.html"]`);
    await expect(page.locator("h1").textContent()).resolves.toBe("ExamAttemptSubmittedV1");
    // The registry facts come from registry/index.jsonl: the subject, and the released id.
    const released = readFileSync(path.join(REPO, "registry/index.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string; value: { id: number } })
      .find((entry) => entry.event === SUBMITTED);
    expect(await page.locator("main, body").first().textContent()).toContain(`learning-exam-attempt-lifecycle-${SUBMITTED}.CloudEvent`);
    expect(await page.locator("main, body").first().textContent()).toContain(`v1: id ${released?.value.id}`);
    expect(await page.locator(".panel-ts").isVisible()).toBe(true);
    expect(await page.locator(".panel-ts").textContent()).toContain("export interface ExamAttemptSubmittedV1 {");
    expect(await page.locator(".panel-py").isVisible()).toBe(false);

    await page.click('label[for="tab-py"]');
    expect(await page.locator(".panel-py").isVisible()).toBe(true);
    expect(await page.locator(".panel-py").textContent()).toContain("class ExamAttemptSubmittedV1:");
    expect(await page.locator(".panel-ts").isVisible()).toBe(false);

    // Keyboard: arrow keys move between the tabs (they are radio buttons).
    await page.focus("#tab-py");
    await page.keyboard.press("ArrowLeft");
    expect(await page.locator(".panel-avro").isVisible()).toBe(true);
    expect(await page.locator(".panel-avro").textContent()).toContain('"name": "CloudEvent"');
    await page.screenshot({ path: path.join(ARTIFACTS, "event.png"), fullPage: true });

    await page.click('a[href="../types/UserData.html"] >> nth=0');
    await expect(page.locator("h1").textContent()).resolves.toBe("UserData");
    expect(await page.locator(`a[href="../events/${SUBMITTED}.html"]`).count()).toBe(1);
    await page.context().close();
  });

  it("works without JavaScript except the search box", async () => {
    const index = await open("index.html", false);
    expect(await index.locator("#search").isVisible()).toBe(false);
    expect(await index.locator("[data-search]:visible").count()).toBe(75);
    const event = await open(`events/${SUBMITTED}.html`, false);
    await event.click('label[for="tab-avro"]');
    expect(await event.locator(".panel-avro").isVisible()).toBe(true);
    expect(await event.locator("svg.graph").getAttribute("width")).toMatch(/^\d+$/);
  });

  it("shows who sends and receives each event: the exam events' flow goes from edx-exams through the topic to the four consumers", async () => {
    const eventFile = (type: string) => JSON.parse(readFileSync(path.join(REPO, "schemas/events", `${type}.json`), "utf8"));
    const services = new Map(
      readdirSync(path.join(REPO, "services")).map((f) => {
        const s = JSON.parse(readFileSync(path.join(REPO, "services", f), "utf8")) as { id: string; name: string; owner: string | null };
        return [s.id, s];
      }),
    );
    const exams = ["submitted", "rejected", "verified", "errored", "reset"].map((a) => `org.openedx.learning.exam.attempt.${a}.v1`);
    const topicConsumers = [...new Set(exams.flatMap((t) => eventFile(t)["x-consumers"] as string[]))].sort();
    const page = await open(`events/${SUBMITTED}.html`);
    const flow = page.locator("svg.flow");
    expect(await flow.getAttribute("width")).toMatch(/^\d+$/);
    // Producers left, the topic in the middle, every consumer of the topic's events right; this event's own marked.
    const nodes = await flow.locator("g.node").evaluateAll((gs) =>
      gs.map((g) => ({
        label: g.getAttribute("aria-label") ?? "",
        mine: g.classList.contains("this"),
        x: Number(g.querySelector("rect")?.getAttribute("x")),
      })),
    );
    const producer = services.get("edx-exams")?.name ?? "";
    expect(nodes.filter((n) => n.label.startsWith(`${producer} sends`)).map((n) => n.x)).toEqual([10]);
    const topic = nodes.find((n) => n.label === "topic learning-exam-attempt-lifecycle");
    expect(topic).toBeDefined();
    const right = nodes.filter((n) => n.x > (topic?.x ?? 0));
    expect(right.map((n) => n.label.split(" receives ")[0]).sort()).toEqual(topicConsumers.map((id) => services.get(id)?.name).sort());
    expect(right.length).toBe(4);
    const mine = (eventFile(SUBMITTED)["x-consumers"] as string[]).map((id) => services.get(id)?.name).sort();
    expect(
      right
        .filter((n) => n.mine)
        .map((n) => n.label.split(" receives ")[0])
        .sort(),
    ).toEqual(mine);
    await flow.screenshot({ path: path.join(ARTIFACTS, "flow.png") });

    // The event links to its services, and each service's page links back and names its owner.
    await page.click('td a[href="../services/edx-platform-credit.html"]');
    await expect(page.locator("h1").textContent()).resolves.toBe(services.get("edx-platform-credit")?.name);
    expect(await page.locator("main").textContent()).toContain(services.get("edx-platform-credit")?.owner ?? "no owner on record");
    const received = await page.locator('a[href^="../events/"]').evaluateAll((as) => as.map((a) => a.textContent));
    expect(received.sort()).toEqual(
      readdirSync(path.join(REPO, "schemas/events"))
        .map((f) => f.replace(/\.json$/, ""))
        .filter((t) => ((eventFile(t)["x-consumers"] as string[] | undefined) ?? []).includes("edx-platform-credit"))
        .sort(),
    );
    await page.click(`a[href="../events/${SUBMITTED}.html"]`);
    await expect(page.locator("h1").textContent()).resolves.toBe("ExamAttemptSubmittedV1");
    // A service box in the diagram is a link too.
    await page.click('svg.flow a[href="../services/edx-exams.html"]');
    await expect(page.locator("h1").textContent()).resolves.toBe(producer);
    await page.context().close();

    // An event no source names a producer for says so.
    const unknown = await open("events/org.openedx.learning.course.enrollment.created.v1.html");
    expect(await unknown.locator("main").textContent()).toContain("unknown: no source names one");
    await unknown.context().close();
  });

  it("made no request outside its own files", () => {
    expect(external).toEqual([]);
  });
});
