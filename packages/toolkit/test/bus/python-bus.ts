import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { TOOLKIT, venvPython } from "../helpers.js";
import { PYTHON_PACKAGE } from "../runtime/upstream.js";

/**
 * Python processes for the bus tests: test/bus/py_bus.py running a producer or a consumer of a
 * generated package, and the package's console tool (`python -m eventcanon_openedx`). Each reports
 * JSON lines as they happen, so a test can wait for one, signal or kill the process, and read the rest.
 */

export type PyLine = Record<string, unknown>;

/** A handler call as py_bus.py reports it: the event and its delivery. */
export interface PyCall {
  readonly event_type: string;
  readonly data: unknown;
  readonly key: unknown;
  readonly schema_id: number | null;
  readonly topic: string;
  readonly position: string;
  readonly attempt: number;
  readonly metadata: Record<string, unknown>;
}

/** The values of the lines that report `kind` ("call", "log", "stats", "error", "sent"). */
export function linesOf<T>(lines: readonly PyLine[], kind: string): T[] {
  return lines.filter((l) => kind in l).map((l) => l[kind] as T);
}

/** Each handler call as `<event id>#<attempt>`. */
export function callIds(lines: readonly PyLine[]): string[] {
  return linesOf<PyCall>(lines, "call").map((c) => `${c.metadata.id}#${c.attempt}`);
}

export interface PyProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far, parsed (py_bus.py) or as text (the console tool). */
  readonly lines: PyLine[];
  /** Resolves when some line satisfies `test`, with it; fails with `what` and the output after the timeout. */
  waitFor(test: (line: PyLine) => boolean, what: string, timeoutMs?: number): Promise<PyLine>;
  /** The exit: code (null when killed by a signal), every line, stderr. */
  readonly done: Promise<{ code: number | null; lines: PyLine[]; stdout: string; stderr: string }>;
}

function watch(child: ChildProcess, parse: boolean): PyProcess {
  const lines: PyLine[] = [];
  let stdout = "";
  let stderr = "";
  let partial = "";
  const waiters: (() => void)[] = [];
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
    partial += d.toString();
    const complete = partial.split("\n");
    partial = complete.pop() ?? "";
    for (const line of complete) if (line !== "") lines.push(parse ? (JSON.parse(line) as PyLine) : { text: line });
    for (const wake of waiters) wake();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; lines: PyLine[]; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => {
      for (const wake of waiters) wake();
      resolve({ code, lines, stdout, stderr });
    }),
  );
  const waitFor = (test: (line: PyLine) => boolean, what: string, timeoutMs = 45_000) =>
    new Promise<PyLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(test);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`exited before ${what}:\n${stdout}\n${stderr}`));
        }
      };
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}:\n${stdout}\n${stderr}`)), timeoutMs);
      waiters.push(check);
      check();
    });
  return { child, lines, waitFor, done };
}

/** Runs a py_bus.py job with the repository's catalog package unless the job names another. */
export function pyBus(job: Record<string, unknown>): PyProcess {
  const child = spawn(venvPython(), [path.join(TOOLKIT, "test/bus/py_bus.py")]);
  child.stdin.end(`${JSON.stringify({ path: [PYTHON_PACKAGE.path], package: PYTHON_PACKAGE.name, ...job })}\n`);
  return watch(child, true);
}

/** Runs a py_bus.py job to its end; every line it printed. */
export async function pyBusDone(job: Record<string, unknown>): Promise<PyLine[]> {
  const run = pyBus(job);
  const { code, lines, stderr } = await run.done;
  if (code !== 0 && !lines.some((l) => "error" in l)) throw new Error(`py_bus.py exited ${code}: ${stderr}`);
  return lines;
}

/** `python -m eventcanon_openedx ARGS` with `input` on stdin. */
export function pyCli(args: readonly string[], input = ""): PyProcess {
  const child = spawn(venvPython(), ["-m", PYTHON_PACKAGE.name, ...args], {
    env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE.path },
  });
  child.stdin.end(input);
  return watch(child, false);
}
