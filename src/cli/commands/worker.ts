/**
 * `weave __worker …` (internal): the process the local coordinator starts for one milestone.
 * Not here: the worker itself (local/local-worker-main.ts).
 */
import { WeaveError } from "../../core/errors.js";
import { runLocalWorker } from "../../local/local-worker-main.js";
import type { CliIo } from "../cli-io.js";
import { parseOptions } from "../cli-io.js";

export async function runWorkerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(argv, {
    repo: { type: "string" }, job: { type: "string" }, milestone: { type: "string" }, run: { type: "string" }, base: { type: "string" }, expect: { type: "string" },
  }, "weave __worker --repo DIR --job FILE --milestone ID --run RUN --base REF [--expect SHA]");
  const { repo, job, milestone, run, base } = values;
  if (!repo || !job || !milestone || !run || !base) throw new WeaveError("usage", "__worker needs --repo, --job, --milestone, --run and --base");
  return runLocalWorker({ repo, jobPath: job, milestone, runId: run, base, expectedHead: values.expect }, io.env);
}
