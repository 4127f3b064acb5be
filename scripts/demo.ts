/**
 * `npm run demo`: weave's whole loop on a fresh machine, no GitHub account needed.
 * Creates a temporary repository with a realistic plan (data layer → API and UI in parallel → integration, plus
 * independent docs) and a scripted stand-in agent, runs `weave start` on it to the end, then shows the history.
 * The temporary repository is removed at the end (also on Ctrl-C); `npm run demo -- --keep` keeps it to look around.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "bin/weave.js");
const repo = mkdtempSync(join(tmpdir(), "weave-demo-"));
const git = (...args: string[]): string => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
const say = (text: string): void => console.log(`\n\x1b[1m${text}\x1b[0m`);
const keep = process.argv.includes("--keep");
const removeRepo = (): void => {
  if (!keep) rmSync(repo, { recursive: true, force: true });
};
process.on("exit", removeRepo);
process.on("SIGINT", () => process.exit(130));

say(`1. A repository with a plan: ${repo}`);
git("init", "-q", "-b", "main");
git("config", "user.email", "demo@weave.local");
git("config", "user.name", "weave demo");
mkdirSync(join(repo, ".github"), { recursive: true });
copyFileSync(join(root, "examples/diamond.yml"), join(repo, ".github/weave.yml"));
copyFileSync(join(root, "examples/demo-agent.mjs"), join(repo, "demo-agent.mjs"));
writeFileSync(join(repo, ".gitignore"), ".weave/\n");
writeFileSync(join(repo, "README.md"), "# demo app\n");
git("add", "-A");
git("commit", "-q", "-m", "Initial commit with a weave plan");

const weave = (...args: string[]): number => spawnSync(process.execPath, [bin, ...args], { cwd: repo, stdio: "inherit" }).status ?? 1;

say("2. weave plan check — is the plan valid?");
weave("plan", "check");
say("3. weave plan simulate --workers 2 — what a run should look like");
weave("plan", "simulate", "--workers", "2", "--format", "text");
say("4. weave start — every eligible milestone in parallel, each on its own branch and worktree, merged as it finishes");
const code = weave("start");
say("5. The history weave left on main");
console.log(git("log", "--graph", "--format=%h %s", "main"));
say("6. weave status");
weave("status");
console.log(keep ? `\nThe repository is at ${repo} — cd there and try \`node ${bin} status\` or \`git log --graph\`.` : "\nThe demo repository was removed; `npm run demo -- --keep` keeps it to look around.");
process.exit(code);
