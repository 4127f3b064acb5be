/**
 * git's failures, translated at the edge: a failed git call (its arguments, exit code and output) becomes a WeaveError
 * whose code says what happened, so the code above branches on `head-moved` or `ref-missing`, never on git's English.
 * Responsibilities: `head-moved` (a push refused as not a fast-forward, a stale lease, a compare-and-swap
 * `update-ref` that found another value, a ref locked by another git), `ref-missing` (a fetched or deleted remote ref
 * that is not there), a timed-out call, and `git-failed` for the rest, with git's last words and no secret in them.
 * Not here: running git (git/git-executor.ts); what a forge's server says through a push (github/github-refusals.ts
 * reads GitHub's words about rules and workflow permissions before this is asked).
 * Invariants: pure; the one place git's own words are read; a message never holds a string listed as a secret.
 */
import type { ErrorCode } from "../core/errors.js";
import { WeaveError } from "../core/errors.js";
import type { GitOutput } from "../ports/git.js";

export interface RefusalOptions {
  /** Strings replaced by `***` wherever they appear in the message. */
  secrets?: readonly string[];
  /** The hint of a `git-failed` error (the codes with a meaning carry their own). */
  hint?: string;
}

const DEFAULT_HINT = "run the same git command by hand to see the whole error";

/** git's words for "the ref is not where you expected": a race that looking again resolves. */
const MOVED = [
  /\[rejected\][^\n]*\((?:non-fast-forward|fetch first|stale info|already exists)\)/i,
  /\bnon-fast-forward\b/i,
  /incorrect old value provided/i,
  /cannot lock ref '[^']*': (?:is at [0-9a-f]+ but expected|reference already exists|unable to create '[^']*\.lock': file exists)/i,
];
/** git's words for "the remote has no such ref". */
const MISSING = [/couldn't find remote ref/i, /remote ref does not exist/i];

/** `text` with every secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join("***"), text);
}

/** The git command in `args` (`fetch` in `-c k=v fetch …`). */
function commandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-c" || arg === "-C") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return "";
}

/** What kind of failure git's output describes (exit code and words); `git-failed` when it is none weave knows. */
export function refusalCode(output: GitOutput): ErrorCode {
  if (output.code === 0) throw new WeaveError("internal", "a git call that succeeded is not a refusal");
  if (output.timedOut) return "git-failed";
  const words = `${output.stdout}\n${output.stderr}`;
  if (MISSING.some((r) => r.test(words))) return "ref-missing";
  if (MOVED.some((r) => r.test(words))) return "head-moved";
  return "git-failed";
}

/** A failed git call as a WeaveError: its code from `refusalCode`, its message `git <command> failed: <git's last lines>`. */
export function gitRefusal(args: readonly string[], output: GitOutput, options: RefusalOptions = {}): WeaveError {
  const command = commandOf(args);
  const lines = redact(output.stderr.trim() || output.stdout.trim(), options.secrets).split("\n").map((l) => l.trim()).filter(Boolean);
  const detail = lines.slice(-3).join(" ") || `exit ${output.code}`;
  const cause = new Error(lines.join("\n") || `exit ${output.code}`);
  if (output.timedOut) return new WeaveError("git-failed", `git ${command} timed out`, { cause, hint: "the remote or the disk is slow or unreachable: weave tries again later" });
  const code = refusalCode(output);
  const message = `git ${command} failed: ${detail}`;
  if (code === "head-moved") return new WeaveError(code, message, { cause, hint: "the ref moved since weave read it: look again and retry on the new commit" });
  if (code === "ref-missing") return new WeaveError(code, message, { cause, hint: "the ref is not there: it was deleted or never pushed" });
  return new WeaveError(code, message, { cause, hint: options.hint ?? DEFAULT_HINT });
}
