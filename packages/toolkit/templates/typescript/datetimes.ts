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
  return { test: (value) => (withOffset.test(value) || (reading && OFFSET_LESS.test(value))) && onTheCalendar(value) };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * What the pattern lets through but no calendar holds (February 30, month 13, hour 24, a leap second, an
 * offset of 24 hours or more, year 0): Python's datetime cannot hold it, so neither package accepts it.
 */
export function onTheCalendar(value: string): boolean {
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const hour = Number(value.slice(11, 13));
  const minute = Number(value.slice(14, 16));
  const second = Number(value.slice(17, 19));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (year < 1 || days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return false;
  const offset = /[+-](\d\d):?(\d\d)$/.exec(value);
  return offset === null || (Number(offset[1]) <= 23 && Number(offset[2]) <= 59);
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
