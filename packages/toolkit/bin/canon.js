#!/usr/bin/env node
// A committed entry point, so npm links `canon` at install time, before dist/ is built.
import "../dist/cli/main.js";
