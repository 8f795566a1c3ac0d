import avro from "avsc";

/**
 * How Avro longs are held in JavaScript. `number`: exactly, for the integers a number holds
 * exactly (±(2^53 - 1)); anything beyond is refused, naming its path, in both directions.
 * `bigint`: every 64-bit value, exactly.
 */
export type LongMode = "number" | "bigint";

/** avsc's cursor over a buffer (not in its typings): writes past the end move `pos` on, and avsc retries with room. */
interface Tap {
  buf: Buffer;
  pos: number;
  readInt(): number;
  readLong(): number;
  skipLong(): void;
  writeLong(n: number): void;
  isValid(): boolean;
}

const MAX_LONG = 2n ** 63n - 1n;
const MIN_LONG = -(2n ** 63n);

/** A long read that the mode cannot hold; the codec finds its path and says so. */
export class LongRangeError extends RangeError {
  constructor(readonly value: bigint) {
    super(`the long ${value} is outside ±(2^53 - 1), the integers a JavaScript number holds exactly`);
    this.name = "LongRangeError";
  }
}

/** Set on what `readLow` returns when the varint goes on past its fourth byte. */
const MORE = 0x10000000;

/**
 * The first four bytes of a zigzag varint: its low 28 bits, plus MORE when bytes follow. avsc's own
 * reader adds the high bytes up in floating point, which for a zigzag value above 2^53 rounds away
 * its lowest bit: the sign. So -(2^52 + 1) came back as +2^52, and -(2^53 - 1) as 2^53 - 2, silently.
 * Here the sign bit is read from the integer part and the magnitude kept in two exact halves.
 */
function readLow(tap: Tap): number {
  const buf = tap.buf;
  let b = buf[tap.pos++] as number;
  let low = b & 0x7f;
  if ((b & 0x80) === 0) return low;
  b = buf[tap.pos++] as number;
  low |= (b & 0x7f) << 7;
  if ((b & 0x80) === 0) return low;
  b = buf[tap.pos++] as number;
  low |= (b & 0x7f) << 14;
  if ((b & 0x80) === 0) return low;
  b = buf[tap.pos++] as number;
  low |= (b & 0x7f) << 21;
  return (b & 0x80) === 0 ? low : low | MORE;
}

/** The rest of the varint: bits 28 and up of the zigzag value, an exact double (below 2^36 for 64 bits). */
function readHigh(tap: Tap): number {
  const buf = tap.buf;
  let high = 0;
  let scale = 1;
  let b: number;
  do {
    b = buf[tap.pos++] as number;
    high += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  if (high >= 2 ** 36) throw new RangeError("a long's varint encodes more than 64 bits");
  return high;
}

/** The long as a bigint: the zigzag value is high * 2^28 + low, and its magnitude high * 2^27 + low / 2. */
function bigOf(low: number, high: number): bigint {
  const magnitude = (BigInt(high) << 27n) + BigInt(low >>> 1);
  return low & 1 ? -magnitude - 1n : magnitude;
}

/** Below 2^26 the high half keeps the magnitude under 2^53, an exact double. */
function numberOf(low: number, high: number): number {
  const magnitude = high * 2 ** 27 + (low >>> 1);
  return low & 1 ? -magnitude - 1 : magnitude;
}

function readNumber(tap: Tap): number {
  const low = readLow(tap);
  if (low < MORE) return (low >>> 1) ^ -(low & 1);
  const high = readHigh(tap);
  if (high < 2 ** 26) {
    const value = numberOf(low & (MORE - 1), high);
    if (Number.isSafeInteger(value)) return value;
  }
  throw new LongRangeError(bigOf(low & (MORE - 1), high));
}

function readBigInt(tap: Tap): bigint {
  const low = readLow(tap);
  if (low < MORE) return BigInt((low >>> 1) ^ -(low & 1));
  const high = readHigh(tap);
  return high < 2 ** 26 ? BigInt(numberOf(low & (MORE - 1), high)) : bigOf(low & (MORE - 1), high);
}

/**
 * Writes a safe integer exactly. avsc computes the zigzag value `-2n - 1` in floating point, which
 * above 2^53 is rounded to an even number: a positive one. Here the sign goes into the first byte
 * and the magnitude (below 2^53, exact) is divided by powers of two only.
 */
function writeNumber(tap: Tap, n: number): void {
  if (n >= -0x40000000 && n < 0x40000000) {
    tap.writeLong(n); // avsc's integer arithmetic is exact in this range.
    return;
  }
  const negative = n < 0 ? 1 : 0;
  let rest = negative ? -n - 1 : n;
  const buf = tap.buf;
  buf[tap.pos++] = (((rest % 64) * 2) | negative | 0x80) & 0xff;
  rest = Math.floor(rest / 64);
  while (rest >= 128) {
    buf[tap.pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[tap.pos++] = rest;
}

function writeBigInt(tap: Tap, n: bigint): void {
  if (n >= -0x1fffffffffffffn && n <= 0x1fffffffffffffn) {
    writeNumber(tap, Number(n));
    return;
  }
  let zigzag = n < 0n ? (-n << 1n) - 1n : n << 1n;
  const buf = tap.buf;
  while (zigzag >= 128n) {
    buf[tap.pos++] = Number(zigzag & 0x7fn) | 0x80;
    zigzag >>= 7n;
  }
  buf[tap.pos++] = Number(zigzag);
}

const isLong = (value: unknown): value is bigint => typeof value === "bigint" && value >= MIN_LONG && value <= MAX_LONG;

type Hook = (value: unknown, type: avro.Type) => void;
type Resolver = { _read: (tap: Tap) => unknown };
type AvscType = avro.Type & Record<string, unknown>;

/**
 * avsc's long with exact reads and writes. avsc's public hook for custom longs (`LongType.__with`)
 * copies every value through a buffer of its own; overriding its tap methods instead keeps the hot
 * path free of allocation. They are avsc 5.7's internals, which is why the dependency is pinned to
 * ~5.7 and why the boundary tests run against fastavro's bytes.
 */
const LongBase = avro.types.LongType as unknown as new () => AvscType;

class NumberLong extends LongBase {
  _check(value: unknown, _flags: number, hook?: Hook): boolean {
    const ok = Number.isSafeInteger(value);
    if (!ok && hook) hook(value, this);
    return ok;
  }
  _read(tap: Tap): number {
    return readNumber(tap);
  }
  _write(tap: Tap, value: unknown): void {
    if (!Number.isSafeInteger(value)) throw new Error(`invalid "long": ${String(value)}`);
    writeNumber(tap, value as number);
  }
  _update(resolver: Resolver, writer: avro.Type): void {
    if (writer.typeName === "int") resolver._read = (tap) => tap.readInt();
    else if (writer.typeName.endsWith("long")) resolver._read = readNumber;
  }
}

/**
 * Named `abstract:long`, as avsc names its custom longs, so that an unwrapped union (`["null", "long"]`)
 * asks the branch whether a bigint is its value instead of sorting values by `typeof`.
 */
class BigIntLong extends LongBase {
  _check(value: unknown, _flags: number, hook?: Hook): boolean {
    const ok = isLong(value);
    if (!ok && hook) hook(value, this);
    return ok;
  }
  _read(tap: Tap): bigint {
    return readBigInt(tap);
  }
  _write(tap: Tap, value: unknown): void {
    if (!isLong(value)) throw new Error(`invalid "long": ${String(value)}`);
    writeBigInt(tap, value);
  }
  _update(resolver: Resolver, writer: avro.Type): void {
    if (writer.typeName === "int") resolver._read = (tap) => BigInt(tap.readInt());
    else if (writer.typeName.endsWith("long")) resolver._read = readBigInt;
  }
  _deref(): string {
    return "long";
  }
  /** Defaults in a schema are JSON numbers. */
  _copy(value: unknown): unknown {
    return typeof value === "number" ? BigInt(value) : value;
  }
  override compare(a: bigint, b: bigint): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

Object.defineProperty(BigIntLong.prototype, "typeName", { value: "abstract:long" });
// The union branch name avsc gives an abstract long (wrapped unions: `{ long: 1n }`).
Object.defineProperty(BigIntLong.prototype, "_concreteTypeName", { value: "long" });

const LONGS: Record<LongMode, avro.Type> = { number: new NumberLong(), bigint: new BigIntLong() };

/**
 * Options for avsc's `Type.forSchema`: every `long` of the schema gets the mode's exact type, and
 * records are plain (avsc's record methods are enumerable, so a JSON Schema validator saw a decoded
 * record's `clone`, `toBuffer`... as properties the schema does not allow).
 */
export function avroOptions(mode: LongMode, options: Partial<avro.ForSchemaOptions> = {}): Partial<avro.ForSchemaOptions> {
  const long = LONGS[mode];
  return {
    omitRecordMethods: true,
    ...options,
    typeHook: (schema) =>
      schema === "long" || (typeof schema === "object" && schema !== null && (schema as { type?: unknown }).type === "long")
        ? long
        : undefined,
  };
}

/** Why a value does not fit a long of the mode, or undefined when it does (or is no long's). */
export function longMisfit(mode: LongMode, type: avro.Type, value: unknown): string | undefined {
  const long = LONGS[mode];
  // An unwrapped union (`["null", "long"]`) refuses a value without asking its branches.
  const union = type.typeName.startsWith("union") ? (type as avro.types.UnwrappedUnionType).types : undefined;
  if (type !== long && !union?.includes(long)) return undefined;
  if (mode === "number") {
    if (typeof value === "bigint") return `${value}n is a bigint; this package holds longs as numbers`;
    if (Number.isInteger(value))
      return `${String(value)} is outside ±(2^53 - 1), the integers a JavaScript number holds exactly; this package refuses to lose precision (see the README on large integers)`;
    return undefined;
  }
  if (typeof value === "number" && Number.isInteger(value))
    return `${value} is a number; this package holds longs as bigints (write ${value}n or BigInt(${value}))`;
  if (typeof value === "bigint") return `${value}n is outside the 64-bit range of an Avro long`;
  return undefined;
}
