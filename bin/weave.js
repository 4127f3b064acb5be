#!/usr/bin/env node
// The `weave` command: a thin shim over the compiled CLI (dist/ is built by `npm pack` through `prepack`, and in a
// clone by `npm run build`, which `npm test` and `npm run demo` run first).
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
