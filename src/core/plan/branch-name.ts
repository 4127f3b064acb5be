/**
 * Branch names as git accepts them (`git check-ref-format --branch`), checked before any git call sees them.
 * Responsibilities: the rules of git-check-ref-format(1) for a name under refs/heads/, plus no leading '-' (which git
 * commands would read as an option, e.g. `--output=PATH`).
 * Not here: whether the branch exists (local/preflight.ts, the App's checks).
 * Invariants: pure; stricter than git where they differ, never more lenient.
 */

export function isBranchName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || name === "@" || name === "HEAD") return false;
  if (name.startsWith("-") || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\/\./.test(name)) return false;
  return name.split("/").every((part) => part.length > 0 && !part.startsWith(".") && !part.endsWith(".lock"));
}
