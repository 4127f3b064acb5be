/**
 * Push rules: branch rules and the `workflows` permission enforced on `git push` over smart HTTP, as GitHub's
 * pre-receive checks do. Every repository gets a `pre-receive` hook that, when the stand-in asks for a check (rules on
 * the repository, or a pusher without `workflows`), sends the pushed ref updates — with their fast-forwardness and the
 * workflow files they change, which only the hook can see in git's quarantine — to the `/_rules/<owner>/<repo>` side
 * door and, when refused, prints GitHub's "GH013: Repository rule violations found for <ref>." with the reasons, or
 * "refusing to allow a GitHub App to create or update workflow `<path>` without `workflows` permission", so git
 * declines the whole push. Not here: which moves are refused (branch-rules.ts, workflow-permission.ts).
 * Invariant: the hook decides nothing itself; the stand-in does.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BranchRules } from "./branch-rules.js";
import type { SideDoor } from "./server.js";
import { mayWriteWorkflows, workflowRefusal } from "./workflow-permission.js";
import type { RepoRecord, TokenRecord, World } from "./world.js";

/** The credential behind each push in flight, by the nonce its hook carries (git-http.ts registers them). */
export type PushCredentials = Map<string, TokenRecord | undefined>;

const SHELL_HOOK = `#!/bin/sh
# Written by the weave GitHub stand-in (test/harness/push-rules.ts): nothing to check unless the stand-in asks.
[ -n "$WEAVE_RULES_URL" ] || exit 0
exec "${process.execPath}" "$(dirname "$0")/pre-receive.cjs"
`;

const HOOK = `"use strict";
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
  const lines = (args) => execFileSync("git", args, { encoding: "utf8" }).split("\\n").filter(Boolean);
  let workflows = [];
  if (after !== ZERO && before !== ZERO) workflows = lines(["diff", "--name-only", "--no-renames", before, after, "--", ".github/workflows/"]);
  if (after !== ZERO && before === ZERO) {
    const seen = new Set();
    for (const commit of lines(["rev-list", after, "--not", "--all"])) for (const path of lines(["diff-tree", "-r", "-m", "--root", "--name-only", "--no-commit-id", commit, "--", ".github/workflows/"])) seen.add(path);
    workflows = [...seen].sort();
  }
  return { ref, before, after, fastForward, workflows };
});
const url = process.env.WEAVE_RULES_URL;
if (!url) process.exit(0);
fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(updates) })
  .then((response) => response.json())
  .then(({ refused, workflow }) => {
    for (const message of workflow) process.stderr.write("error: " + message + "\\n");
    for (const { ref, reasons, rulesUrl } of refused) {
      process.stderr.write("error: GH013: Repository rule violations found for " + ref + ".\\nReview all repository rules at " + rulesUrl + "\\n\\n" + reasons.map((r) => "- " + r + "\\n").join("") + "\\n");
    }
    process.exit(refused.length > 0 || workflow.length > 0 ? 1 : 0);
  })
  .catch((error) => { process.stderr.write("error: the stand-in's rule check failed: " + error + "\\n"); process.exit(1); });
`;

/** Installs the pre-receive hook in the repository's bare git directory (idempotent). */
export async function installPushHook(repo: RepoRecord): Promise<void> {
  const hooks = join(repo.git.dir, "hooks");
  await mkdir(hooks, { recursive: true });
  const path = join(hooks, "pre-receive");
  await writeFile(join(hooks, "pre-receive.cjs"), HOOK);
  await writeFile(path, SHELL_HOOK);
  await chmod(path, 0o755);
}

/** Whether a push to `repo` with `token` needs the hook to ask (rules exist, or the pusher may not write workflows). */
export function pushNeedsCheck(repo: RepoRecord, token: TokenRecord | undefined): boolean {
  return repo.rulesets.length > 0 || !mayWriteWorkflows(token);
}

/** The `/_rules/<owner>/<repo>?push=<nonce>` side door the hook asks: `{ refused: [{ ref, reasons, rulesUrl }], workflow: [message] }`. */
export function createRulesDoor(world: World, rules: BranchRules, pushes: PushCredentials): SideDoor {
  return async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://x");
    const [, , owner = "", name = ""] = url.pathname.split("/");
    const repo = world.repo(owner, name);
    const token = pushes.get(url.searchParams.get("push") ?? "");
    const updates = JSON.parse(body.toString("utf8")) as { ref: string; before: string; after: string; fastForward: boolean; workflows: string[] }[];
    const refused = updates.map((u) => ({
      ref: u.ref, reasons: rules.refMoveReasons(repo, u, u.fastForward), rulesUrl: `${world.baseUrl}/_git/${repo.fullName}/rules?ref=${encodeURIComponent(u.ref)}`,
    })).filter((r) => r.reasons.length > 0);
    const workflow = mayWriteWorkflows(token) ? [] : updates.flatMap((u) => u.workflows.slice(0, 1).map(workflowRefusal));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ refused, workflow }));
  };
}
