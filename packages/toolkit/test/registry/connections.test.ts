import net from "node:net";
import { describe, expect, it } from "vitest";
import { CONTENT_TYPE, serveRegistry } from "../../src/registry/server.js";
import { canon, REPO, tempDir } from "../helpers.js";
import { call, emptyRegistryConfig, record, startServer } from "./serve-helpers.js";

/** What a raw connection saw: how long it stayed open, and what the server sent (status line, JSON body). */
interface Probe {
  readonly ms: number;
  readonly status: string;
  readonly body: string;
}

/** Opens a connection, lets `behave` write to it (or not), and resolves when the server closes it. */
function probe(port: number, behave: (socket: net.Socket) => void = () => {}): Promise<Probe> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1", () => behave(socket));
    let received = "";
    socket.on("data", (d: Buffer) => {
      received += d.toString();
    });
    socket.on("error", () => {});
    // A client closes its side once the server has closed its own, as HTTP clients do.
    socket.on("end", () => socket.end());
    socket.on("close", () =>
      resolve({
        ms: Date.now() - started,
        status: received.split("\r\n")[0] ?? "",
        body: received.slice(received.indexOf("\r\n\r\n") + 4),
      }),
    );
  });
}

/** Writes `text` a character every `everyMs`, until the connection is closed. */
const trickle = (text: string, everyMs: number) => (socket: net.Socket) => {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) clearInterval(timer);
    else socket.write(text[i++ % text.length] as string);
  }, everyMs);
};

const errorBody = (status: number, message: string) => JSON.stringify({ error_code: status, message });

describe("canon registry serve closes connections that send no whole request in time", () => {
  it("the CLI's 10 s, for a connection that sends nothing, headers a byte at a time, or a body that never ends", async () => {
    const server = await startServer(tempDir("registry-idle"));
    try {
      const port = Number(new URL(server.url).port);
      const slowBody = (socket: net.Socket) => {
        socket.write(
          `POST /subjects/slow-value/versions HTTP/1.1\r\nHost: x\r\nContent-Type: ${CONTENT_TYPE}\r\nContent-Length: 100\r\n\r\n{`,
        );
        trickle(" ", 500)(socket);
      };
      const answered = (socket: net.Socket) => socket.write("GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n");
      const [idle, slowHeaders, body, keptAlive] = await Promise.all([
        probe(port),
        probe(port, trickle("GET /subjects HTTP/1.1\r\nX-Slow: yes\r\n", 500)),
        probe(port, slowBody),
        probe(port, answered),
      ]);
      for (const [what, seen] of [
        ["idle", idle],
        ["slow headers", slowHeaders],
        ["slow body", body],
      ] as const) {
        expect(seen.ms, what).toBeGreaterThanOrEqual(9_900);
        expect(seen.ms, what).toBeLessThan(12_000);
      }
      expect(idle).toMatchObject({ status: "", body: "" });
      expect(body).toMatchObject({
        status: "HTTP/1.1 408 Request Timeout",
        body: errorBody(408, "Request timeout: the request did not arrive within 10 s"),
      });
      // After an answer, an idle keep-alive connection goes at Node's keep-alive timeout (5 s), before the deadline.
      expect(keptAlive.status).toBe("HTTP/1.1 200 OK");
      expect(keptAlive.ms).toBeLessThan(9_000);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("a client that takes almost the whole deadline is still answered, and the deadline starts again after the answer", async () => {
    const server = await serveRegistry({
      config: emptyRegistryConfig(),
      port: 0,
      host: "127.0.0.1",
      data: tempDir("registry-deadline"),
      requestTimeoutMs: 2000,
    });
    try {
      const request = `GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n`;
      const seen = await probe(server.port, (socket) => {
        // The first request arrives whole after 1.5 s; the second, on the same connection, 1.5 s after the answer.
        setTimeout(() => socket.write(request), 1500);
        socket.once("data", () => setTimeout(() => socket.write(request), 1500));
      });
      expect(seen.status).toBe("HTTP/1.1 200 OK");
      expect(seen.body.split("HTTP/1.1 200 OK").length).toBe(2);
      // Closed 2 s after the second answer: 1.5 + 1.5 + 2.
      expect(seen.ms).toBeGreaterThanOrEqual(4900);
      expect(seen.ms).toBeLessThan(7000);
    } finally {
      await server.close();
    }
  });
});

describe("canon registry serve caps open connections with a clear refusal", () => {
  const refusal = (max: number, seconds: number) =>
    errorBody(
      503,
      `Too many connections: the registry serves at most ${max} at once; retry shortly (idle ones are closed after ${seconds} s)`,
    );

  it("one over the cap gets 503 with a JSON body and Retry-After; once the idle ones are closed, requests are served again", async () => {
    const server = await serveRegistry({
      config: emptyRegistryConfig(),
      port: 0,
      host: "127.0.0.1",
      data: tempDir("registry-cap"),
      requestTimeoutMs: 1500,
      maxConnections: 5,
    });
    try {
      const idle = Array.from({ length: 5 }, () => probe(server.port));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const refused = await fetch(`${server.url}/subjects`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.headers.get("content-type")).toBe(CONTENT_TYPE);
      expect(await refused.text()).toBe(refusal(5, 1.5));
      for (const seen of await Promise.all(idle)) expect(seen.ms).toBeGreaterThanOrEqual(1400);
      expect((await call(server.url, "POST", "/subjects/after-cap-value/versions", { schema: record("AfterCap", []) })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("600 idle connections to the CLI under a 300-file limit: each is held or refused with 503, and the registry keeps serving", async () => {
    const data = tempDir("registry-flood");
    const server = await startServer(data, { shell: "ulimit -n 300" });
    try {
      // A quarter of the open-file limit: the rest stays free for refusals and the log.
      expect(server.stdout()).toContain("(at most 75 connections at once)");
      const port = Number(new URL(server.url).port);
      const flood = Array.from({ length: 600 }, () => probe(port));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const during = await fetch(`${server.url}/subjects`);
      expect({ status: during.status, body: await during.text() }).toEqual({ status: 503, body: refusal(75, 10) });
      const seen = await Promise.all(flood);
      const held = seen.filter((s) => s.status === "");
      const refused = seen.filter((s) => s.status === "HTTP/1.1 503 Service Unavailable");
      expect(held.length).toBe(75);
      expect(refused.length).toBe(525);
      for (const s of refused) expect(s.body).toBe(refusal(75, 10));
      for (const s of held) expect(s.ms).toBeGreaterThanOrEqual(9_900);
      const after = await call(server.url, "POST", "/subjects/after-flood-value/versions", { schema: record("AfterFlood", []) });
      expect(after.status).toBe(200);
      expect(server.stderr()).toBe("");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("--max-connections sets the cap; a value that is not a whole number from 1 is a usage error (exit 2)", async () => {
    for (const value of ["0", "abc", "2.5"]) {
      const refused = canon(["registry", "serve", "--port", "0", "--max-connections", value], REPO);
      expect(refused.code, value).toBe(2);
      expect(refused.stderr.split("\n")[0]).toBe("canon registry serve: --max-connections must be a whole number, at least 1");
    }
    const server = await startServer(tempDir("registry-cap-flag"), { args: ["--max-connections", "3"] });
    try {
      expect(server.stdout()).toContain("(at most 3 connections at once)");
      const port = Number(new URL(server.url).port);
      const held = Array.from({ length: 3 }, () => probe(port));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await fetch(`${server.url}/subjects`)).status).toBe(503);
      server.child.kill("SIGTERM");
      await Promise.all(held);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});
