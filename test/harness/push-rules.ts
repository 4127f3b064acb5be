/**
 * Push rules: branch rules enforced on `git push` over smart HTTP, as GitHub's pre-receive checks do. A repository
 * with rules gets a `pre-receive` hook (a node script) that sends the pushed ref updates to the stand-in's
 * `/_rules/<owner>/<repo>` side door and, when refused, prints GitHub's "GH013: Repository rule violations found for
 * <ref>." with the reasons, so git declines the whole push. Not here: which moves are refused (branch-rules.ts).
 * Invariant: the hook decides nothing itself; the stand-in's rules do (the hook only measures fast-forwardness).
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BranchRules } from "./branch-rules.js";
import type { SideDoor } from "./server.js";
import type { RepoRecord, World } from "./world.js";

const HOOK = `#!${process.execPath}
"use strict";
// Written by the weave GitHub stand-in (test/harness/push-rules.ts): asks the stand-in whether its branch rules allow this push.
const { execFileSync } = require("node:child_process");
const { readFileSync } = require("node:fs");
const ZERO = "0".repeat(40);
const updates = readFileSync(0, "utf8").split("\\n").filter(Boolean).map((line) => {
  const [before, after, ref] = line.split(" ");
  let fastForward = true;
  if (before !== ZERO && after !== ZERO) {
    try { execFileSync("git", ["merge-base", "--is-ancestor", before, after], { stdio: "ignore" }); } catch { fastForward = false; }
  }
  return { ref, before, after, fastForward };
});
const url = process.env.WEAVE_RULES_URL;
if (!url) process.exit(0);
fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(updates) })
  .then((response) => response.json())
  .then(({ refused }) => {
    for (const { ref, reasons, rulesUrl } of refused) {
      process.stderr.write("error: GH013: Repository rule violations found for " + ref + ".\\nReview all repository rules at " + rulesUrl + "\\n\\n" + reasons.map((r) => "- " + r + "\\n").join("") + "\\n");
    }
    process.exit(refused.length > 0 ? 1 : 0);
  })
  .catch((error) => { process.stderr.write("error: the stand-in's rule check failed: " + error + "\\n"); process.exit(1); });
`;

/** Installs the pre-receive hook in the repository's bare git directory (idempotent). */
export async function installPushHook(repo: RepoRecord): Promise<void> {
  const hooks = join(repo.git.dir, "hooks");
  await mkdir(hooks, { recursive: true });
  const path = join(hooks, "pre-receive");
  await writeFile(path, HOOK);
  await chmod(path, 0o755);
}

/** The `/_rules/<owner>/<repo>` side door the hook asks: `{ refused: [{ ref, reasons, rulesUrl }] }`. */
export function createRulesDoor(world: World, rules: BranchRules): SideDoor {
  return async (req, res, body) => {
    const [, , owner = "", name = ""] = new URL(req.url ?? "/", "http://x").pathname.split("/");
    const repo = world.repo(owner, name);
    const updates = JSON.parse(body.toString("utf8")) as { ref: string; before: string; after: string; fastForward: boolean }[];
    const refused = updates.map((u) => ({
      ref: u.ref, reasons: rules.refMoveReasons(repo, u, u.fastForward), rulesUrl: `${world.baseUrl}/_git/${repo.fullName}/rules?ref=${encodeURIComponent(u.ref)}`,
    })).filter((r) => r.reasons.length > 0);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ refused }));
  };
}
