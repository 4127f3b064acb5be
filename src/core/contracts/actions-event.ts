/**
 * Contract of what weave reads from the event payload GitHub Actions writes for a job (`$GITHUB_EVENT_PATH`): the
 * repository's default branch, and nothing else.
 * Responsibilities: the schema of the part weave reads; everything else in the payload is ignored.
 * Not here: reading the file (action/run-milestone.ts, action/post.ts).
 * Invariants: GitHub writes this file, not weave, so it carries no weave version; a payload without the field, or
 * not JSON at all, names no default branch (the caller falls back), never an error.
 */
import { z } from "zod";

const ActionsEventSchema = z.object({ repository: z.object({ default_branch: z.string().min(1).optional() }).optional() });

/** The default branch the event names, or undefined. */
export function eventDefaultBranch(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ActionsEventSchema.safeParse(value);
  return parsed.success ? parsed.data.repository?.default_branch : undefined;
}
