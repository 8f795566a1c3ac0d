import http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault = (request: { method: string; url: string; n: number; body: string }) => "pass" | "429" | "503" | "slow" | "409" | "drop";

/** A proxy in front of a registry that injects faults: 5xx, answers too slow to wait for, dropped connections, 409. */
export async function faultyProxy(target: string, fault: Fault) {
  let n = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", async () => {
      const kind = fault({
        method: request.method ?? "GET",
        url: request.url ?? "/",
        n: ++n,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      if (kind === "503") {
        response
          .writeHead(503, { "content-type": "application/json" })
          .end('{"error_code":50003,"message":"Error while forwarding the request to the leader"}');
        return;
      }
      if (kind === "429") {
        response.writeHead(429, { "content-type": "application/json" }).end('{"error_code":42901,"message":"Too many requests"}');
        return;
      }
      if (kind === "409") {
        response
          .writeHead(409, { "content-type": "application/json" })
          .end('{"error_code":409,"message":"Schema being registered is incompatible (injected)"}');
        return;
      }
      if (kind === "drop") {
        request.socket.destroy();
        return;
      }
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method ?? "GET",
        headers: {
          "content-type": String(request.headers["content-type"] ?? "application/json"),
          ...(request.headers.authorization === undefined ? {} : { authorization: request.headers.authorization }),
        },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      const text = await upstream.text();
      // Applied upstream, but answered after the client gave up: the retry must not register twice.
      if (kind === "slow") await new Promise((resolve) => setTimeout(resolve, 700));
      if (!response.destroyed) response.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve(server.closeAllConnections()))),
  };
}
