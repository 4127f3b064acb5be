#!/usr/bin/env node
// Regenerates the committed subset of GitHub's OpenAPI descriptions used by the offline stand-in (test/harness/).
// Responsibilities: fetch the pinned @octokit/openapi and @octokit/openapi-webhooks tarballs into a temp dir with
// `npm pack`, keep only the operations and webhooks listed in test/harness/openapi/operations.json plus every
// component they reference (refs stay resolvable inside the subset), drop prose, and write test/harness/openapi/*.json.
// Not here: validation itself (test/harness/openapi-validator.ts). Usage: npm run harness:generate
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "test/harness/openapi");
const wanted = JSON.parse(readFileSync(join(outDir, "operations.json"), "utf8"));

function fetchJson(pkg, version, member, tmp) {
  const out = execFileSync("npm", ["pack", `${pkg}@${version}`, "--silent", "--pack-destination", tmp], { cwd: tmp, encoding: "utf8" });
  const tarball = join(tmp, out.trim().split("\n").pop());
  execFileSync("tar", ["xzf", tarball, "-C", tmp, `package/${member}`]);
  const json = JSON.parse(readFileSync(join(tmp, "package", member), "utf8"));
  rmSync(join(tmp, "package"), { recursive: true, force: true });
  return json;
}

const PROSE = new Set(["description", "summary", "externalDocs", "x-github", "x-octokit"]);

/** Deep-copies `node` without prose, collecting every `#/components/...` $ref into `refs`. */
function strip(node, refs, inProperties = false) {
  if (Array.isArray(node)) return node.map((item) => strip(item, refs));
  if (node === null || typeof node !== "object") return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inProperties && PROSE.has(key)) continue;
    if (key === "$ref" && typeof value === "string") refs.add(value);
    copy[key] = strip(value, refs, key === "properties" && !inProperties);
  }
  return copy;
}

/** Copies the components reachable from `refs` (transitively) out of `spec`. */
function collectComponents(spec, refs) {
  const components = {};
  const seen = new Set();
  const queue = [...refs];
  while (queue.length > 0) {
    const ref = queue.pop();
    if (seen.has(ref)) continue;
    seen.add(ref);
    const [, , kind, name] = ref.split("/");
    const target = spec.components?.[kind]?.[name];
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    const more = new Set();
    (components[kind] ??= {})[name] = strip(target, more);
    queue.push(...more);
  }
  for (const kind of Object.keys(components)) components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)));
  return components;
}

function subsetRest(spec) {
  const refs = new Set();
  const paths = {};
  const missing = new Set(wanted.operations);
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!missing.has(operation.operationId)) continue;
      missing.delete(operation.operationId);
      const kept = strip(operation, refs);
      delete kept.requestBody?.content?.["application/json"]?.examples;
      (paths[path] ??= {})[method] = kept;
    }
  }
  if (missing.size > 0) throw new Error(`operations not in the description: ${[...missing].join(", ")}`);
  return { openapi: spec.openapi, info: { title: spec.info.title, version: spec.info.version, "x-weave-source": `@octokit/openapi@${wanted.openapiVersion}` }, paths, components: collectComponents(spec, refs) };
}

function subsetWebhooks(spec) {
  const refs = new Set();
  const webhooks = {};
  for (const name of wanted.webhooks) {
    const hook = spec.webhooks[name];
    if (hook === undefined) throw new Error(`webhook not in the description: ${name}`);
    webhooks[name] = { post: { requestBody: strip(hook.post.requestBody, refs) } };
  }
  return { openapi: spec.openapi, info: { title: spec.info.title, version: spec.info.version, "x-weave-source": `@octokit/openapi-webhooks@${wanted.webhooksVersion}` }, webhooks, components: collectComponents(spec, refs) };
}

const tmp = mkdtempSync(join(tmpdir(), "weave-openapi-"));
try {
  const rest = fetchJson("@octokit/openapi", wanted.openapiVersion, "generated/api.github.com.json", tmp);
  writeFileSync(join(outDir, "rest-subset.json"), JSON.stringify(subsetRest(rest)) + "\n");
  const hooks = fetchJson("@octokit/openapi-webhooks", wanted.webhooksVersion, "generated/api.github.com.json", tmp);
  writeFileSync(join(outDir, "webhooks-subset.json"), JSON.stringify(subsetWebhooks(hooks)) + "\n");
  console.log(`wrote ${wanted.operations.length} operations and ${wanted.webhooks.length} webhooks to ${outDir}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
