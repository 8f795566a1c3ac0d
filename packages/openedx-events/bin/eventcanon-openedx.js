#!/usr/bin/env node
// The console tools (consume, produce) over the Open edX event catalog; see runtime/cli.ts.
import { events } from "../dist/esm/index.js";
import { runCli } from "../dist/esm/generated/runtime/cli.js";

process.exitCode = await runCli(process.argv.slice(2), events);
