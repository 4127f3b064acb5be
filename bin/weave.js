#!/usr/bin/env node
// The `weave` command: a thin shim over the compiled CLI (built by `npm ci` through the `prepare` script).
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
