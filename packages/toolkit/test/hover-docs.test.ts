import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { TARGET_LIST } from "../src/emit/targets.js";
import { loadCatalog } from "../src/lint/catalog.js";
import { loadConfig } from "../src/load/config.js";
import { type Field, type NamedType, namedType, type RecordType, type TypeNode } from "../src/load/model.js";
import { REPO } from "./helpers.js";

/**
 * A field's own description is what an editor shows on hover, also when the field's schema is a
 * `$ref` (json-schema-to-typescript drops a description beside a `$ref`; the emitter hands it the
 * reference as a type name, which keeps it). Asked of the TypeScript language service, as an editor asks.
 */

const config = loadConfig(REPO, {}, TARGET_LIST);
const { model } = loadCatalog(config, REPO);
const GENERATED = config.outputs.typescript;

/** The named type a field's schema references, through nullable and arrays; undefined for scalars. */
function referenced(type: TypeNode): string | undefined {
  if (type.kind === "ref") return type.name;
  if (type.kind === "nullable") return referenced(type.inner);
  if (type.kind === "array") return referenced(type.items);
  return undefined;
}

const records = [...model.types.values()].filter((t): t is RecordType => t.kind === "record");
const refFields = records.flatMap((record) =>
  record.fields.flatMap((field) => (field.description !== undefined && referenced(field.type) !== undefined ? [{ record, field }] : [])),
);

/** A language service over the generated package plus one consumer file held in memory. */
function languageService(consumer: string, text: string): ts.LanguageService {
  const options: ts.CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
  };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [consumer],
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      const content = file === consumer ? text : ts.sys.readFile(file);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => REPO,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (file) => file === consumer || ts.sys.fileExists(file),
    readFile: (file) => (file === consumer ? text : ts.sys.readFile(file)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

function description(type: NamedType, field: string): string {
  const found = (type as RecordType).fields.find((f) => f.name === field) as Field;
  return found.description as string;
}

describe("field docs on hover in the generated TypeScript package", () => {
  it("hover on a field whose schema is a $ref shows the field's own description, not its type's", () => {
    const examAttempt = namedType(model, "ExamAttemptData");
    const courseKey = namedType(model, "CourseKey");
    const user = namedType(model, "UserData");
    // Each $ref target has a description of its own: the hover must not fall back to it.
    expect(courseKey.description).toBeDefined();
    expect(courseKey.description).not.toBe(description(examAttempt, "course_key"));
    const consumer = path.join(GENERATED, "..", "hover-consumer.ts");
    const text = [
      'import type { ExamAttemptSubmittedV1 } from "./generated/index.js";',
      "declare const event: ExamAttemptSubmittedV1;",
      "export const key = event.exam_attempt.course_key;",
      "export const student = event.exam_attempt.student_user;",
      "export const requester = event.exam_attempt.requesting_user;",
      "",
    ].join("\n");
    const service = languageService(consumer, text);
    const hover = (name: string) => {
      const info = service.getQuickInfoAtPosition(consumer, text.indexOf(`.${name};`) + 1);
      return { signature: ts.displayPartsToString(info?.displayParts), doc: ts.displayPartsToString(info?.documentation) };
    };
    expect(hover("course_key")).toEqual({
      signature: "(property) ExamAttemptData.course_key: string",
      doc: description(examAttempt, "course_key"),
    });
    expect(hover("student_user").doc).toBe(description(examAttempt, "student_user"));
    expect(hover("requesting_user").doc).toBe(description(examAttempt, "requesting_user"));
    expect(hover("student_user").doc).not.toBe(user.description);
  });

  it.each(refFields.map(({ record, field }) => [`${record.name}.${field.name}`, record, field] as const))(
    "%s keeps its description in JSDoc",
    (_name, record, field) => {
      const file = path.join(GENERATED, "types", `${record.module}.ts`);
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
      let doc: string | undefined;
      source.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || node.name.text !== record.name) return;
        const member = node.members.find((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === field.name);
        const jsDoc = member === undefined ? [] : ts.getJSDocCommentsAndTags(member);
        doc = jsDoc.map((d) => ts.getTextOfJSDocComment((d as ts.JSDoc).comment)).join("\n");
      });
      expect(doc?.replace(/\s+/g, " ")).toBe(field.description?.replace(/\s+/g, " "));
    },
  );

  it("covers every kind of reference the catalog has: to a record or an alias, nullable, in an array", () => {
    const kinds = new Set(refFields.map(({ field }) => `${field.type.kind}:${namedType(model, referenced(field.type) as string).kind}`));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(["array:record", "nullable:alias", "nullable:record", "ref:alias", "ref:record"]),
    );
  });
});
