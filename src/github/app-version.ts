/**
 * The running App's name and version, from the package.json it was installed with (logged at boot).
 * Not here: the CLI's `weave --version` (src/cli/); the Action's job summary (src/action/).
 * Invariants: read at run time from the package root next to dist/, never hard-coded; a missing or odd file gives "unknown".
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const PackageJson = z.object({ name: z.string(), version: z.string() });

export function readAppVersion(packageJson = new URL("../../../package.json", import.meta.url)): { name: string; version: string } {
  try {
    const parsed = PackageJson.safeParse(JSON.parse(readFileSync(packageJson, "utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: a missing or unreadable package.json is not a reason to refuse to start
  }
  return { name: "weave", version: "unknown" };
}
