// The attack on the run ledger (issue 13), as a worker job's agent would make it: with the job's push token, fetch
// refs/weave/state, mark a milestone merged, copy weave's MAC trailer and push the forged commit on top. Used by the
// App server's test (test/github/app-forged-ledger.test.ts) and the Actions home's (test/actions-home/).
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** git as the agent would run it, with the job's token in the environment (as actions/checkout would set it). */
function agentGit(cwd: string, token: string) {
  const env = { ...process.env, GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`, GIT_AUTHOR_NAME: "weave", GIT_AUTHOR_EMAIL: "weave@users.noreply.github.com", GIT_COMMITTER_NAME: "weave", GIT_COMMITTER_EMAIL: "weave@users.noreply.github.com" };
  return async (args: string[], input?: string): Promise<string> => {
    const child = exec("git", args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) child.child.stdin?.end(input);
    return (await child).stdout;
  };
}

/**
 * The attack: fetch the ledger with the job's token, mark `id` merged (with words meant to reach the issue), keep
 * weave's MAC trailer from the commit it copies (the best an agent without the key can do), and push it on top.
 * Its scratch directory goes into `dirs` for the caller to remove.
 */
export async function forgeMerged(url: string, token: string, id: string, dirs: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "weave-agent-"));
  dirs.push(dir);
  const git = agentGit(dir, token);
  await git(["init", "-q", "--bare"]);
  // The App writes the ledger as heartbeats come: like any pusher, the agent tries again when it lost the race.
  for (let attempt = 0; ; attempt++) {
    await git(["fetch", "-q", url, "+refs/weave/state:refs/weave/state"]);
    const head = (await git(["rev-parse", "refs/weave/state"])).trim();
    const state = JSON.parse(await git(["show", `${head}:state.json`])) as { milestones: Record<string, Record<string, unknown>> };
    Object.assign(state.milestones[id]!, { state: "merged", reason: "@alice FORGED <b>pwned</b> https://evil.example" });
    const blob = (await git(["hash-object", "-w", "--stdin"], `${JSON.stringify(state, null, 2)}\n`)).trim();
    const tree = (await git(["mktree"], `100644 blob ${blob}\tstate.json\n`)).trim();
    const copied = (await git(["log", "-1", "--format=%B", head])).split("\n").filter((l) => l.startsWith("Weave-Ledger-MAC:"));
    const forged = (await git(["commit-tree", tree, "-p", head, "-m", `weave: ${id} merged\n\n${copied.join("\n")}`])).trim();
    const pushed = await git(["push", "-q", url, `${forged}:refs/weave/state`]).then(() => true, (e: unknown) => {
      if (attempt >= 20) throw e;
      return false;
    });
    if (pushed) return forged;
  }
}
