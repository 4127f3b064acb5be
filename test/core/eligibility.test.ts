import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { findEligibility } from "../../src/core/eligibility.js";
import type { MilestoneState } from "../../src/core/lifecycle.js";
import { parsePlan } from "../../src/core/plan/parse-plan.js";
import type { Plan } from "../../src/core/plan/plan.js";

function plan(milestones: string, extra = ""): Plan {
  return parsePlan(`version: 1\n${extra}worker: { command: x }\nmilestones:\n${milestones}`, "weave.yml");
}

const diamond = plan(`  - { id: A, tasks: [t], files: [src/types.ts] }
  - { id: B, tasks: [t], depends_on: [A], files: ["src/auth/**", src/types.ts] }
  - { id: C, tasks: [t], depends_on: [A], files: ["src/ui/**", src/types.ts] }
  - { id: D, tasks: [t], depends_on: [B, C] }
  - { id: E, tasks: [t], depends_on: [D] }
  - { id: F, tasks: [t] }
`);

const states = (entries: Record<string, MilestoneState>) => new Map(Object.entries(entries));

describe("findEligibility", () => {
  it("lists roots first", () => {
    const r = findEligibility(diamond, new Map());
    expect(r.eligible.map((m) => m.id)).toEqual(["A", "F"]);
    expect(r.ineligible.find((m) => m.id === "D")?.reason).toBe("Blocked by incomplete dependencies: B, C.");
  });

  it("unblocks dependents of merged milestones and warns about overlaps among those that may run together", () => {
    const r = findEligibility(diamond, states({ A: "merged", F: "running" }));
    expect(r.eligible.map((m) => m.id)).toEqual(["B", "C"]);
    expect(r.ineligible.map((m) => [m.id, m.reason])).toEqual([
      ["A", "Already merged."],
      ["D", "Blocked by incomplete dependencies: B, C."],
      ["E", "Blocked by incomplete dependencies: D."],
      ["F", "Running."],
    ]);
    expect(r.overlaps).toEqual([{ a: "B", b: "C", files: ["src/types.ts"], serialized: false }]);
  });

  it("skips everything downstream of a failure, naming the failed milestone, and keeps siblings going", () => {
    const r = findEligibility(diamond, states({ A: "merged", B: "failed" }));
    expect(r.eligible.map((m) => m.id)).toEqual(["C", "F"]);
    expect(r.ineligible.find((m) => m.id === "D")).toMatchObject({ kind: "skipped", reason: "Skipped: B failed.", waitingOn: ["B"] });
    expect(r.ineligible.find((m) => m.id === "E")).toMatchObject({ kind: "skipped", reason: "Skipped: B failed." });
  });

  it("under overlap: serialize, names the holder of the files", () => {
    const p = plan(`  - { id: M002, tasks: [t], files: ["src/auth/**"] }
  - { id: M004, tasks: [t], files: [src/auth/login.ts] }
  - { id: M005, tasks: [t], files: [docs/x.md] }
`, "overlap: serialize\n");
    const r = findEligibility(p, states({ M002: "running" }));
    expect(r.eligible.map((m) => m.id)).toEqual(["M005"]);
    expect(r.ineligible.find((m) => m.id === "M004")).toMatchObject({ kind: "held", reason: "Waits: src/auth/login.ts is held by M002.", waitingOn: ["M002"] });
    const free = findEligibility(p, states({ M002: "merged" }));
    expect(free.eligible.map((m) => m.id)).toEqual(["M004", "M005"]);
  });

  it("never lists a milestone with an unmerged dependency, a merged or an active one (property)", () => {
    const stateArb = fc.constantFrom<MilestoneState | undefined>(undefined, "merged", "running", "failed", "finished", "conflict", "stopped");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.infiniteStream(fc.tuple(fc.boolean(), stateArb)), (n, stream) => {
        const it = stream[Symbol.iterator]();
        const lines: string[] = [];
        const st = new Map<string, MilestoneState>();
        for (let i = 0; i < n; i++) {
          const deps: string[] = [];
          for (let j = 0; j < i; j++) if (it.next().value[0]) deps.push(`M${j}`);
          lines.push(`  - { id: M${i}, tasks: [t], depends_on: [${deps.join(", ")}] }`);
          const s = it.next().value[1];
          if (s) st.set(`M${i}`, s);
        }
        const p = plan(`${lines.join("\n")}\n`);
        const r = findEligibility(p, st);
        expect(r.eligible.length + r.ineligible.length).toBe(n);
        for (const e of r.eligible) {
          const m = p.milestones.find((x) => x.id === e.id)!;
          expect(st.get(e.id) === undefined).toBe(true);
          for (const d of m.depends_on) expect(st.get(d)).toBe("merged");
        }
      }),
      { numRuns: 150 },
    );
  });
});
