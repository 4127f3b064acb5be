/**
 * Who may steer a run from GitHub's own controls (check-run buttons, approving reviews): the permissions that may
 * merge into the repository.
 * Not here: comment commands' own check (github/comment-commands.ts).
 * Invariants: anything else (read, triage, none) is refused without a change.
 */
export const MAY_MERGE: ReadonlySet<string> = new Set(["write", "maintain", "admin"]);
