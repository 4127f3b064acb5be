/**
 * Who may steer a run on GitHub: the repository permissions (as GitHub's collaborator-permission endpoint names them)
 * that let a person's comment command, check-run button or approving review act.
 * Not here: asking GitHub for a person's permission (github/repo-client.ts), what the commands do (core/control.ts).
 * Invariants: one list for every way a person steers a run (comments, buttons, reviews; the App and the Actions
 * coordinator alike); anything GitHub may add later is refused until it is listed here.
 */

/** Permissions that may run `/weave …` commands, press weave's buttons and confirm a merge by review. */
export const STEERING_PERMISSIONS: ReadonlySet<string> = new Set(["write", "maintain", "admin"]);

export function maySteer(permission: string): boolean {
  return STEERING_PERMISSIONS.has(permission);
}
