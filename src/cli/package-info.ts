/**
 * The installed weave package's own facts, read at run time from its package.json: name, version, and the GitHub
 * repository (from `repository`) that `weave init` points the worker Action and the plan's `$schema` at.
 * Responsibilities: parse `repository` in its npm forms; build the Action ref and schema URL for the released tag.
 * Not here: writing files (cli/commands/init.ts).
 * Invariants: nothing is hard-coded: a package without `repository` yields no ref (callers ask for --action-ref).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const PACKAGE_JSON_PATH = fileURLToPath(new URL("../../../package.json", import.meta.url));

const PackageJson = z.object({
  name: z.string(),
  version: z.string(),
  repository: z.union([z.string(), z.object({ url: z.string(), directory: z.string().optional() })]).optional(),
});

export interface PackageInfo {
  name: string;
  version: string;
  /** `owner/repo` on GitHub, when `repository` names one. */
  githubRepo?: string;
}

/** `owner/repo` from npm's `repository` forms: "owner/repo", "github:owner/repo", or a GitHub URL. */
export function githubRepoOf(repository: string | { url: string } | undefined): string | undefined {
  const text = typeof repository === "string" ? repository : repository?.url;
  if (!text) return undefined;
  const short = /^(?:github:)?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)$/.exec(text);
  const url = /github\.com[/:]([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(text);
  const match = short ?? url;
  return match ? `${match[1]}/${match[2]}` : undefined;
}

export function readPackageInfo(path = PACKAGE_JSON_PATH): PackageInfo {
  const parsed = PackageJson.parse(JSON.parse(readFileSync(path, "utf8")));
  return { name: parsed.name, version: parsed.version, githubRepo: githubRepoOf(parsed.repository) };
}

/** `uses:` for the worker Action at the released tag of this version, e.g. `owner/repo/action@v1.2.3`. */
export function defaultActionRef(info: PackageInfo): string | undefined {
  return info.githubRepo ? `${info.githubRepo}/action@v${info.version}` : undefined;
}

/** The plan JSON Schema in the repository at the released tag (the same file ships in the package's `schema/`). */
export function schemaUrl(info: PackageInfo): string | undefined {
  return info.githubRepo ? `https://raw.githubusercontent.com/${info.githubRepo}/v${info.version}/schema/weave.schema.json` : undefined;
}

/** `owner/repo[/path]@ref` as GitHub's `uses:` accepts it for a remote action. */
export const ACTION_REF = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._\-/]+)?@[A-Za-z0-9._\-/]+$/;
