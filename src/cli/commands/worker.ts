/**
 * `weave __worker …` (internal): a worker process for one milestone, or with `--pool` a warm worker that the local
 * coordinator's pool hands milestones to over IPC.
 * Not here: the worker itself (local/local-worker-main.ts, local/pool-worker-main.ts).
 */
import { WeaveError } from "../../core/errors.js";
import { runLocalWorker } from "../../local/local-worker-main.js";
import { runPoolWorker } from "../../local/pool-worker-main.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions } from "../cli-io.js";

export async function runWorkerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, {
    repo: { type: "string" }, job: { type: "string" }, milestone: { type: "string" }, run: { type: "string" }, base: { type: "string" }, expect: { type: "string" }, pool: { type: "boolean" },
  }, "weave __worker --repo DIR --job FILE --milestone ID --run RUN --base REF [--expect SHA] | weave __worker --pool");
  if (values.pool) return runPoolWorker(io.env);
  const { repo, job, milestone, run, base } = values;
  if (!repo || !job || !milestone || !run || !base) throw new WeaveError("usage", "__worker needs --repo, --job, --milestone, --run and --base");
  return runLocalWorker({ repo, jobPath: job, milestone, runId: run, base, expectedHead: values.expect }, io.env);
}
