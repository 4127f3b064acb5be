// What the coordinator in Actions makes of a worker run that ended without a closing report (a pure table): the
// loop's judgement (finished by the branch, or requeued like a dead job) unless the job was asked to stop or pause, or
// the branch's spend shows the worker stopped itself on the run's budget.
import { describe, expect, it } from "vitest";
import { endedRunVerdict } from "../../src/actions-home/coordinate-liveness.js";
import type { EndedRun } from "../../src/actions-home/coordinate-liveness.js";

const base: EndedRun = { resolving: false, budgetStopped: false, ceilingUsd: 1, othersCostUsd: 0.5, ownCostUsd: 0, branch: { tasksDone: 1, costUsd: 0.25 }, tasks: 4 };

describe("endedRunVerdict", () => {
  it.each<[string, Partial<EndedRun>, ReturnType<typeof endedRunVerdict>]>([
    ["died under the budget, nobody asked: the loop requeues it", {}, "judge"],
    ["every checkpoint on the branch: the loop finishes it, even at the ceiling", { branch: { tasksDone: 4, costUsd: 0.5 } }, "judge"],
    ["every checkpoint, but a person asked it to stop: stopped (a stop is never overridden)", { branch: { tasksDone: 4, costUsd: 0.5 }, signal: "stop" }, "stopped"],
    ["every checkpoint, asked to pause: the loop finishes it", { branch: { tasksDone: 4, costUsd: 0.5 }, signal: "pause" }, "judge"],
    ["a person's stop", { signal: "stop" }, "stopped"],
    ["the budget's stop (its signal)", { signal: "stop", budgetStopped: true }, "stopped"],
    ["the run is budget-stopped, drain (a pause signal): stopped, as a budget-stopped pause is", { signal: "pause", budgetStopped: true }, "stopped"],
    ["a person's pause", { signal: "pause" }, "paused"],
    ["the branch's spend brings the run to its ceiling: the worker stopped itself", { branch: { tasksDone: 2, costUsd: 0.5 } }, "stopped"],
    ["the ledger's spend of it already does", { ownCostUsd: 0.5, branch: { tasksDone: 2, costUsd: 0.25 } }, "stopped"],
    ["just under the ceiling: died, requeued", { branch: { tasksDone: 2, costUsd: 0.49 } }, "judge"],
    ["no ceiling: spend says nothing", { ceilingUsd: undefined, branch: { tasksDone: 2, costUsd: 9 } }, "judge"],
    ["a resolve job at the ceiling: the loop's (its conflict stays for a person)", { resolving: true, branch: { tasksDone: 2, costUsd: 0.5 } }, "judge"],
    ["a resolve job asked to stop: stopped", { resolving: true, signal: "stop" }, "stopped"],
  ])("%s", (_, change, expected) => {
    expect(endedRunVerdict({ ...base, ...change })).toBe(expected);
  });
});
