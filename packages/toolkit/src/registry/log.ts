import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/** One complete line of the log: its number (from 1) and its text without the newline. */
export interface LogLine {
  readonly number: number;
  readonly text: string;
}

/** Another process (still running) holds the log: two writers would write over each other's records. */
export class LogInUse extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`${file} is in use by process ${pid}`);
  }
}

/**
 * The registry server's write-ahead log: one record per line, each written whole at the end and synced
 * before the request is answered. A record counts once its newline is on disk; whatever follows the
 * last newline was being written when the process or the machine stopped, was never acknowledged, and
 * is set aside at the next start, so no record is ever appended onto part of another.
 */
export class AppendLog {
  /** Set when a failed write could not be cut back off: appending more would follow a partial line. */
  private broken: string | undefined;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    private size: number,
    private readonly lockFile: string,
  ) {}

  /**
   * Opens (or creates) the log and recovers it: every complete line is returned; a torn tail is moved
   * into `<file>.torn-<offset>` next to it and cut off, and `notice` gets one line saying so.
   */
  static open(file: string, notice: (line: string) => void): { log: AppendLog; lines: LogLine[] } {
    const folder = path.dirname(file);
    const created = mkdirSync(folder, { recursive: true });
    // A new folder or file exists after a crash only once the folder holding its name is synced too.
    if (created !== undefined) for (let dir = folder; dir !== path.dirname(created); dir = path.dirname(dir)) syncFolder(path.dirname(dir));
    const lockFile = lock(file);
    const isNew = !existsSync(file);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
    } catch (error) {
      rmSync(lockFile, { force: true });
      throw error;
    }
    try {
      if (isNew) {
        fsyncSync(fd);
        syncFolder(folder);
      }
      const bytes = readAll(fd);
      let end = bytes.lastIndexOf(0x0a) + 1;
      // The last line can be torn while its newline reached the disk (pages are not written in order), so
      // a last line that is not JSON is part of the tail too. One record is written at a time: only the
      // last one can be torn, and a bad line before it is damage that stops the start.
      if (end === bytes.length && end >= 2) {
        const lastStart = bytes.lastIndexOf(0x0a, end - 2) + 1;
        if (lastStart < end - 1 && !isJson(bytes.subarray(lastStart, end - 1))) end = lastStart;
      }
      if (end < bytes.length) {
        const aside = setAside(file, end, bytes.subarray(end));
        ftruncateSync(fd, end);
        fsyncSync(fd);
        notice(
          `canon registry: ${file} ended in a record cut short (a crash while it was written, so never acknowledged): ` +
            `set ${bytes.length - end} bytes from byte offset ${end} aside into ${aside}; every complete record before it is kept`,
        );
      }
      const text = bytes.subarray(0, end).toString("utf8");
      const lines = text === "" ? [] : text.slice(0, -1).split("\n");
      return { log: new AppendLog(file, fd, end, lockFile), lines: lines.map((line, i) => ({ number: i + 1, text: line })) };
    } catch (error) {
      closeSync(fd);
      rmSync(lockFile, { force: true });
      throw error;
    }
  }

  /**
   * Appends one record (a line without its newline) and syncs it. When that fails, the file is cut back
   * to where it was, so the next record starts on a line of its own; if even that fails, every later
   * append is refused until a restart sets the partial line aside.
   */
  append(record: string): void {
    if (this.broken !== undefined)
      throw new Error(
        `${this.file} could not be cut back after a failed write (${this.broken}); restart the server to set the partial record aside`,
      );
    const bytes = Buffer.from(`${record}\n`, "utf8");
    try {
      writeAll(this.fd, bytes, this.size);
      fsyncSync(this.fd);
    } catch (error) {
      try {
        ftruncateSync(this.fd, this.size);
        fsyncSync(this.fd);
      } catch (cut) {
        this.broken = (cut as Error).message;
      }
      throw error;
    }
    this.size += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
    rmSync(this.lockFile, { force: true });
  }
}

/**
 * Takes `<file>.lock`, holding this process's id, or throws LogInUse when a running process holds it. A
 * lock whose process is gone (killed, or the machine restarted) is taken over: it is what kill -9 leaves.
 */
function lock(file: string): string {
  const lockFile = `${file}.lock`;
  for (;;) {
    try {
      const fd = openSync(lockFile, "wx", 0o644);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return lockFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = Number(readFileSync(lockFile, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && running(pid)) throw new LogInUse(file, pid);
    rmSync(lockFile, { force: true });
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A write to a file can be short (a size limit, a full disk): the rest follows, or its error does. */
function writeAll(fd: number, bytes: Buffer, position: number): void {
  for (let done = 0; done < bytes.length; ) {
    const written = writeSync(fd, bytes, done, bytes.length - done, position + done);
    if (written <= 0) throw new Error("the write made no progress");
    done += written;
  }
}

function readAll(fd: number): Buffer {
  const bytes = Buffer.alloc(fstatSync(fd).size);
  for (let done = 0; done < bytes.length; ) {
    const read = readSync(fd, bytes, done, bytes.length - done, done);
    if (read === 0) return bytes.subarray(0, done);
    done += read;
  }
  return bytes;
}

function isJson(line: Buffer): boolean {
  try {
    JSON.parse(line.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Writes the torn bytes next to the log (synced), under a name no earlier recovery used for other bytes. */
function setAside(file: string, offset: number, tail: Buffer): string {
  for (let n = 1; ; n++) {
    const aside = `${file}.torn-${offset}${n === 1 ? "" : `-${n}`}`;
    // A crash after setting aside and before cutting off leaves the same bytes there: that file is reused.
    if (existsSync(aside) && !readFileSync(aside).equals(tail)) continue;
    const fd = openSync(aside, "w", 0o644);
    try {
      writeAll(fd, tail, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncFolder(path.dirname(file));
    return aside;
  }
}

function syncFolder(folder: string): void {
  const fd = openSync(folder, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
