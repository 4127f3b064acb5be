/**
 * Outbound text filter: what weave does to any text before it reaches a GitHub page.
 * Responsibilities: redact secret values (the secret-like environment variables' values and known token shapes),
 * neutralise job/agent/user words (@mentions, HTML tags, links and autolinks), and fit a body into GitHub's limits.
 * Not here: where text is posted (github/repo-client.ts applies `redactSecrets` and `fitBody` to every body it
 * sends); rendering the texts themselves (github/check-runs.ts, github/status-comment.ts, github/merge-texts.ts).
 * Invariants: pure; redaction never shortens a body below its non-secret words; `fitBody` output is at most `limit`.
 */

/** GitHub's limit on an issue/PR comment and PR body (characters). */
export const COMMENT_LIMIT = 65_536;
/** GitHub's limit on a check run's output.summary and output.text (characters). */
export const CHECK_OUTPUT_LIMIT = 65_535;

const REDACTED = "[redacted]";

/** Names of environment variables whose values are secrets. */
export function isSecretName(name: string): boolean {
  return /(_KEY|_TOKEN|_SECRET)$/i.test(name) || /PASSWORD/i.test(name);
}

/** The values to redact from an environment: secret-like names, values long enough to be a secret (8+ chars). */
export function secretValuesOf(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = Object.entries(env)
    .filter(([name, value]) => isSecretName(name) && value !== undefined && value.trim().length >= 8)
    .flatMap(([, value]) => {
      const v = value!.trim();
      // A PEM key is posted line by line as often as whole: redact every long line of it too.
      const lines = v.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 16);
      return [v, ...lines];
    });
  // Longest first, so a value containing another is redacted whole.
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** Known token shapes (Anthropic, GitHub, OpenAI, Google). */
const TOKEN_SHAPES: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** Replaces every secret value and every known token shape with `[redacted]`. */
export function redactSecrets(text: string, secretValues: readonly string[] = []): string {
  let out = text;
  for (const value of secretValues) if (value.length > 0) out = out.split(value).join(REDACTED);
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

const ZWJ = "\u200d";

/**
 * Neutralises words that came from a job, an agent or a user so they render as plain text: @mentions and #refs do
 * not notify or link, HTML tags do not render, links and autolinks are not clickable, and the words stay on one
 * line (no heading or quote breaking out; table cells escape `|` in their renderer). The words still read the same.
 */
export function neutraliseText(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/\]\(/g, `]${ZWJ}(`)
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, `$1:${ZWJ}//`)
    .replace(/\bwww\./gi, `www${ZWJ}.`)
    .replace(/`/g, "'");
}

/** Redacts and neutralises one piece of job/agent/user text for a page (the usual call at a render point). */
export function safeJobText(text: string, secretValues: readonly string[] = []): string {
  return neutraliseText(redactSecrets(text, secretValues));
}

/**
 * Fits a body into `limit` characters: a too-long body is cut at a line end and ends with `note` (what was left
 * out and where to see it whole). A body within the limit is returned unchanged.
 */
export function fitBody(body: string, limit: number = COMMENT_LIMIT, note = "see the check run or `weave status` for the rest"): string {
  if (body.length <= limit) return body;
  const tail = (omitted: number): string => `\n\n… ${omitted} more characters left out; ${note}.`;
  const room = Math.max(0, limit - tail(body.length).length);
  let cut = body.lastIndexOf("\n", room);
  if (cut < room / 2) cut = room;
  // Never split a surrogate pair.
  if (cut > 0 && /[\ud800-\udbff]/.test(body[cut - 1]!)) cut -= 1;
  return (body.slice(0, cut) + tail(body.length - cut)).slice(0, limit);
}
