#!/usr/bin/env node
import { runCli } from "../dist/esm/generated/runtime/cli.js";
// The console tools (consume, produce) over the __TITLE__ event catalog; see runtime/cli.ts.
import { events } from "../dist/esm/index.js";

process.exitCode = await runCli(process.argv.slice(2), events);
