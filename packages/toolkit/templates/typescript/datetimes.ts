/**
 * Date-times on the wire (docs/schema-format.md): what is written carries a UTC offset (RFC 3339);
 * what is read may also be the offset-less form openedx-events writes for a naive datetime
 * (`datetime.isoformat()`: `2024-02-29T23:59:59.999999`), which Open edX means as UTC. Values stay
 * strings either way; only validation differs.
 */

/** openedx-events' `isoformat()` of a naive datetime: seconds, and microseconds when there are any. */
export const OFFSET_LESS = /^\d{4}-[0-1]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d(?:\.\d{6})?$/;

/** Set only while a read-path check runs; checks are synchronous, so no other check sees it. */
let reading = false;

/**
 * The validators' `date-time` format: ajv's RFC 3339 expression (with an offset), and on the read
 * path also the offset-less form. The generated validators call it in place of ajv's expression.
 */
export function dateTimeFormat(withOffset: RegExp): { test(value: string): boolean } {
  return { test: (value) => withOffset.test(value) || (reading && OFFSET_LESS.test(value)) };
}

/** Runs a check as the read path does. */
export function asReader<T>(check: () => T): T {
  const before = reading;
  reading = true;
  try {
    return check();
  } finally {
    reading = before;
  }
}
