import { readFileSync } from "node:fs";
import type http from "node:http";
import net from "node:net";

/**
 * The cap on open connections when none is given: 256, or a quarter of the process's open-file limit
 * when that is lower (read where Linux shows it), so that answering 503 to those over the cap, and the
 * log, always have files to spare: once the process is out of them, a connection can only be dropped.
 */
export function defaultMaxConnections(): number {
  let limit = Number.POSITIVE_INFINITY;
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (line?.[1] !== undefined) limit = Number(line[1]);
  } catch {
    // Not Linux: the limit is unknown, and 256 is below the usual 1024.
  }
  return Math.max(1, Math.min(256, Math.floor(limit / 4)));
}

export interface ConnectionLimits {
  /** A connection must deliver a whole request within this long (ms) of opening, or of its previous answer. */
  readonly timeoutMs: number;
  /** Open connections at most; one more is refused with 503. */
  readonly maxConnections: number;
  /** The JSON body of an error answer the limits give (408, 503), and its content type. */
  readonly errorBody: (status: number, message: string) => string;
  readonly contentType: string;
}

export interface ConnectionGate {
  readonly listener: net.Server;
  /** Closes every open connection and stops the deadlines. */
  closeAll(): void;
}

/**
 * Hands accepted connections to `server` (call it before adding the server's request handler, so the
 * gate sees each request first) and keeps two limits Node's HTTP server does not: its
 * headers and request timeouts start with the first byte, so a connection that sends nothing stays
 * open, and it has no cap that answers (`maxConnections` drops sockets silently). Each connection has
 * a deadline: closed when no whole request has arrived in time, with a 408 when its body was still
 * coming. One connection over the cap is answered 503 and closed, before it can hold an open file.
 */
export function connectionGate(server: http.Server, limits: ConnectionLimits): ConnectionGate {
  const open = new Set<net.Socket>();
  const deadlines = new Map<net.Socket, NodeJS.Timeout>();
  // Responses whose request is still arriving: the deadline answers them with 408.
  const receiving = new Map<net.Socket, http.ServerResponse>();

  const stop = (socket: net.Socket) => {
    clearTimeout(deadlines.get(socket));
    deadlines.delete(socket);
  };
  const arm = (socket: net.Socket) => {
    stop(socket);
    deadlines.set(
      socket,
      setTimeout(() => {
        deadlines.delete(socket);
        const response = receiving.get(socket);
        if (response === undefined || response.headersSent) {
          socket.destroy();
          return;
        }
        const body = limits.errorBody(408, `Request timeout: the request did not arrive within ${limits.timeoutMs / 1000} s`);
        response.writeHead(408, { "content-type": limits.contentType, "content-length": Buffer.byteLength(body), connection: "close" });
        response.end(body, () => socket.destroy());
      }, limits.timeoutMs),
    );
  };

  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    const socket = request.socket;
    receiving.set(socket, response);
    // Once the request is in, the time taken to answer it is the server's, not the client's.
    request.on("end", () => {
      if (receiving.get(socket) === response) receiving.delete(socket);
      stop(socket);
    });
    response.on("finish", () => {
      if (receiving.get(socket) === response) receiving.delete(socket);
      if (!socket.destroyed) arm(socket);
    });
  });

  const listener = net.createServer((socket) => {
    if (open.size >= limits.maxConnections) {
      const body = limits.errorBody(
        503,
        `Too many connections: the registry serves at most ${limits.maxConnections} at once; retry shortly (idle ones are closed after ${limits.timeoutMs / 1000} s)`,
      );
      socket.on("error", () => {});
      // Node writes to a fresh socket at once (it tries the write before queueing it), so the answer is
      // with the kernel when the socket is closed right after. Closing at once matters: connections over
      // the cap arrive in bursts, and each one kept open until its client reads would hold an open file.
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\ncontent-type: ${limits.contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${body}`,
      );
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.once("close", () => {
      open.delete(socket);
      receiving.delete(socket);
      stop(socket);
    });
    arm(socket);
    server.emit("connection", socket);
  });

  return {
    listener,
    closeAll: () => {
      for (const socket of open) socket.destroy();
      for (const timer of deadlines.values()) clearTimeout(timer);
      deadlines.clear();
    },
  };
}
