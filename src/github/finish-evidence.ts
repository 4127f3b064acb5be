/**
 * Finish evidence: a worker's `finished` is believed only when its branch shows it — the reported head is on
 * `weave/<ID>` (the branch's head or an ancestor of it) and the branch carries a checkpoint commit of every task.
 * Responsibilities: read the branch through the App's git mirror and say why a `finished` claim is not shown.
 * Not here: the checkpoint trailer format (worker/checkpoint.ts), applying the heartbeat (github/mutate-record.ts).
 * Invariants: reads git only, never the job's words; any failure to read is "not shown" (the claim waits).
 */
import { parseCheckpoint } from "../worker/checkpoint.js";
import type { RepoMirror } from "./repo-mirror.js";

/** Why `finished` is not shown by the branch; undefined when it is. */
export async function finishNotShown(mirror: RepoMirror, target: string, id: string, tasks: number, headSha: string | undefined): Promise<string | undefined> {
  if (!headSha || !/^[0-9a-f]{40}$/.test(headSha)) return "the job reported no head commit";
  const branch = `weave/${id}`;
  let head: string | undefined;
  try {
    head = (await mirror.fetch([branch, target])).get(branch);
  } catch {
    return `${branch} could not be read`;
  }
  if (!head) return `${branch} does not exist`;
  if (!(await mirror.isAncestor(headSha, head))) return `the reported head ${headSha.slice(0, 7)} is not on ${branch}`;
  const log = await mirror.git.raw(["log", "--format=%B%x00", "--end-of-options", headSha, `^refs/heads/${target}`, "--"]).catch(() => "");
  const done = new Set<number>();
  for (const message of log.split("\0")) {
    const c = parseCheckpoint(message.trim());
    if (c && c.milestone === id && c.of === tasks && !c.partial) done.add(c.task);
  }
  const missing = Array.from({ length: tasks }, (_, i) => i + 1).filter((n) => !done.has(n));
  return missing.length ? `${branch} has no checkpoint commit for task${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${tasks}` : undefined;
}
