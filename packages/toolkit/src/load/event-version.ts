/**
 * An event type's major version is its last segment, `.v<N>` (`...submitted.v2`); a breaking change is a new
 * major, so the versions of one event are its family (the type without `.v<N>`) with each N. Legacy names
 * (allow-listed in the config) may have no version: then the family is the whole name.
 */
const MAJOR = /\.v([0-9]+)$/;

/** The event type without its `.v<N>`: the name all its major versions share. */
export function eventFamily(eventType: string): string {
  return eventType.replace(MAJOR, "");
}

/** N of the trailing `.v<N>`; undefined for a name without one. */
export function majorVersion(eventType: string): number | undefined {
  const match = MAJOR.exec(eventType);
  return match ? Number(match[1]) : undefined;
}

/** The same event at another major version (`...v1` -> `...v3`); a name without `.v<N>` is returned as it is. */
export function withMajorVersion(eventType: string, major: number): string {
  return eventType.replace(MAJOR, `.v${major}`);
}

/** `...v1` for `...v2`; undefined for a first version or a name without one. */
export function previousMajor(eventType: string): string | undefined {
  const major = majorVersion(eventType);
  return major !== undefined && major > 1 ? withMajorVersion(eventType, major - 1) : undefined;
}
