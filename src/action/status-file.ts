/**
 * Where the Action keeps its last worker status, so the post step can send a final report after a cancel.
 */
import { join } from "node:path";

export function statusFilePath(env: NodeJS.ProcessEnv, milestone: string): string {
  return join(env.RUNNER_TEMP ?? "/tmp", `weave-${milestone}.status.json`);
}
