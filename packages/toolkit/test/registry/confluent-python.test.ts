import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRegistry, serveRegistry } from "../../src/registry/server.js";
import { runAsync, TOOLKIT, tempDir, venvPython } from "../helpers.js";
import { emptyRegistryConfig } from "./serve-helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: the script's answers are asserted field by field.
type Results = any;

/** Runs the Python client's script without blocking: the server it talks to runs in this process. */
async function runClient(url: string, userInfo: string): Promise<Results> {
  const script = path.join(TOOLKIT, "test/registry/confluent_python_client.py");
  const { code, stdout, stderr } = await runAsync(venvPython(), [script, url, userInfo]);
  if (code !== 0) throw new Error(`confluent_python_client.py: ${stderr}`);
  return JSON.parse(stdout);
}

describe("Confluent's Python client (confluent-kafka 2.16) against canon registry serve, with basic auth", () => {
  let server: RunningRegistry;
  let results: Results;
  const saved = process.env.EVENTCANON_REGISTRY_USERS;
  beforeAll(async () => {
    process.env.EVENTCANON_REGISTRY_USERS = "ci:s3cret";
    server = await serveRegistry({ config: emptyRegistryConfig(), port: 0, host: "127.0.0.1", data: tempDir("registry-python") });
    results = await runClient(server.url, "ci:s3cret");
  });
  afterAll(async () => {
    await server.close();
    if (saved === undefined) delete process.env.EVENTCANON_REGISTRY_USERS;
    else process.env.EVENTCANON_REGISTRY_USERS = saved;
  });

  it("AvroSerializer registers and frames, AvroDeserializer reads the writer schema by id", () => {
    expect(results.serde).toEqual({ id: 1, magic: 0, value: { a: "hello" }, latest: 1 });
  });

  it("3. test_compatibility against a subject without versions: True ('latest' and all versions); version 1 is 40402", () => {
    expect(results["3"]).toEqual({
      latest: { ok: true },
      all: { ok: true },
      numbered: { status: 404, error_code: 40402, message: "Version 1 not found." },
    });
  });

  it("4. delete_config of a subject without its own level: 40401; with one: the level removed", () => {
    expect(results["4"].unset).toEqual({ status: 404, error_code: 40401, message: "Subject 'py-no-level-value' not found." });
    expect(results["4"].set.ok).toMatchObject({ compatibilityLevel: "FORWARD" });
  });

  it("5. deleted=True finds the soft-deleted schema; verbose=True gives the messages", () => {
    expect(results["5"].deleted).toEqual({ ok: results["5"].id });
    expect(results["5"].live).toEqual({ status: 404, error_code: 40401, message: "Subject 'py-flags-value' not found." });
    expect(results["5"].versions).toEqual({ ok: [1] });
    expect(results["5"].verbose).toEqual({
      ok: {
        is_compatible: false,
        messages: ["BACKWARD against version 1: AVRO_TYPE_MISMATCH at /fields/a: the reader cannot read the writer's type: string -> int"],
      },
    });
  });

  it("6. get_subjects(subject_prefix=...) and deletedOnly filter", () => {
    expect(results["6"]).toEqual({
      prefix: { ok: ["py-filter-b-value"] },
      prefix_deleted: { ok: ["py-filter-a-value", "py-filter-b-value"] },
      deleted_only: { ok: ["py-filter-a-value"] },
      versions_deleted_only: { ok: [1] },
    });
  });

  it("7. register_schema of a record without a name: 42201", () => {
    expect(results["7"]).toEqual({
      status: 422,
      error_code: 42201,
      message: 'Invalid schema: No name in schema: {"type":"record","fields":[]}; every record, enum and fixed needs a "name"',
    });
  });

  it("9. basic.auth.user.info works, and so do 'basic' and 'BASIC' sent by hand; a wrong password is 401", () => {
    expect(results["9"]).toEqual({ client: { ok: ["AVRO", "JSON"] }, lower: 200, upper: 200, wrong: 401 });
  });
});
