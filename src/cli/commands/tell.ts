/**
 * `weave tell <ID> <text…>`: give a running milestone extra instructions; its worker passes them to the agent with
 * its next task ($WEAVE_NOTES, and appended to the task text for presets) and records them in that task's
 * checkpoint commit.
 * Not here: the notes file (worker/notes-box.ts), delivering them (worker/worker-loop.ts).
 * Invariants: IDs not in the plan are usage errors; text starting with `-` needs `--` before it.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { WeaveError } from "../../core/errors.js";
import { weavePaths } from "../../local/weave-paths.js";
import { appendNote, notesFileOf } from "../../worker/notes-box.js";
import type { CliIo } from "../cli-io.js";
import { DEFAULT_PLAN_PATH, parseOptions, write } from "../cli-io.js";
import { idList, readPlan } from "../plan-arg.js";
import { findRepoRoot } from "../repo-root.js";

const USAGE = "weave tell <ID> [--plan PATH] [--] <text…>";

export async function runTell(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(argv, { plan: { type: "string" } }, USAGE);
  const [id, ...words] = positionals;
  const text = words.join(" ").trim();
  if (!id || !text) throw new WeaveError("usage", "weave tell needs a milestone ID and the text to tell it", { hint: `usage: ${USAGE}` });
  const plan = await readPlan(io, values.plan ?? DEFAULT_PLAN_PATH);
  idList(plan, [id], "weave tell");
  const repo = await findRepoRoot(io.cwd);
  const file = notesFileOf(weavePaths(repo).costFile(id));
  await mkdir(dirname(file), { recursive: true });
  const note = await appendNote(file, text);
  write(io.stdout, `${id} will get this with its next task: ${note}`);
  return 0;
}
