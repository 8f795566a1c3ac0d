import type { TypeNode } from "../../load/model.js";

/**
 * String formats that Python carries as typed values rather than `str`: the class, and the runtime's
 * converters from and to the wire string (which stays what openedx-events writes).
 */
export const TYPED_FORMATS = {
  "date-time": { name: "datetime", module: "datetime", read: "read_datetime", from: "datetime_from_wire", to: "datetime_to_wire" },
  date: { name: "date", module: "datetime", read: "read_date", from: "date_from_wire", to: "date_to_wire" },
  uuid: { name: "UUID", module: "uuid", read: "read_uuid", from: "uuid_from_wire", to: "uuid_to_wire" },
} as const;
export type TypedFormat = (typeof TYPED_FORMATS)[keyof typeof TYPED_FORMATS];

export function typedFormat(type: TypeNode): TypedFormat | undefined {
  if (type.kind !== "string") return undefined;
  const format = type.constraints.format;
  return format !== undefined && Object.hasOwn(TYPED_FORMATS, format) ? TYPED_FORMATS[format as keyof typeof TYPED_FORMATS] : undefined;
}
