import { readFileSync } from "node:fs";
import { createAjv } from "@eventcanon/toolkit";
import avro from "avsc";

/** The raw libraries the helpers are measured against, set up the plain way. */
export const createAjvForBench = {
  avroType: (schema: unknown) => avro.Type.forSchema(schema as avro.Schema),
  validator: (bundledSchemaFile: string) => createAjv().compile(JSON.parse(readFileSync(bundledSchemaFile, "utf8")) as object),
};
