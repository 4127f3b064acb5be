import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentEnvironment } from "../../src/action/agent-environment.js";
import { authorizationHeader, gitCredentialEnv } from "../../src/action/git-credentials.js";

const TOKEN = "ghs_0123456789abcdefghijklmnopqrstuvwxyz";

describe("agentEnvironment", () => {
  it.each([
    ["ACTIONS_ID_TOKEN_REQUEST_URL", "https://pipelines.actions.githubusercontent.com/x"],
    ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", "eyJ0eXAi"],
    ["ACTIONS_RUNTIME_URL", "https://x/"],
    ["ACTIONS_RUNTIME_TOKEN", "eyJhbGci"],
    ["ACTIONS_CACHE_URL", "https://cache/"],
    ["ACTIONS_CACHE_SERVICE_V2", "True"],
    ["ACTIONS_RESULTS_URL", "https://results/"],
    ["INPUT_TOKEN", TOKEN],
    ["INPUT_APP-URL", "https://weave.example"],
    ["STATE_app-url", "https://weave.example"],
    ["GITHUB_STATE", "/runner/_temp/_runner_file_commands/save_state_1"],
    ["GITHUB_OUTPUT", "/runner/_temp/_runner_file_commands/set_output_1"],
    ["GITHUB_ENV", "/runner/_temp/_runner_file_commands/set_env_1"],
    ["GITHUB_PATH", "/runner/_temp/_runner_file_commands/add_path_1"],
    ["GITHUB_STEP_SUMMARY", "/runner/_temp/_runner_file_commands/step_summary_1"],
    ["GITHUB_TOKEN", TOKEN],
    ["GH_TOKEN", TOKEN],
    ["REMOTE", `https://x-access-token:${TOKEN}@github.com/acme/widgets`],
  ])("drops %s", (name, value) => {
    const { env, dropped } = agentEnvironment({ [name]: value, PATH: "/usr/bin" }, [TOKEN]);
    expect(env).toEqual({ PATH: "/usr/bin" });
    expect(dropped).toEqual([name]);
  });

  it.each([
    ["PATH", "/usr/bin"], ["HOME", "/home/runner"], ["RUNNER_TEMP", "/runner/_temp"], ["GITHUB_REPOSITORY", "acme/widgets"], ["GITHUB_SHA", "a".repeat(40)],
    ["GITHUB_WORKSPACE", "/work"], ["ANTHROPIC_API_KEY", "sk-ant-api03-x"], ["ACTIONS_STEP_DEBUG", "true"], ["CI", "true"],
  ])("keeps %s", (name, value) => {
    expect(agentEnvironment({ [name]: value }, [TOKEN, undefined, ""]).env).toEqual({ [name]: value });
  });

  it("blank secrets hide nothing", () => {
    expect(agentEnvironment({ A: "x" }, ["", "  ", undefined]).env).toEqual({ A: "x" });
  });
});

describe("gitCredentialEnv", () => {
  it("puts the header in git's environment, scoped to the server, after what the base already configures", () => {
    const env = gitCredentialEnv({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.name", GIT_CONFIG_VALUE_0: "x" }, { serverUrl: "https://github.com/", token: TOKEN });
    expect(env.GIT_CONFIG_COUNT).toBe("5");
    expect(env.GIT_CONFIG_KEY_0).toBe("user.name");
    expect([env.GIT_CONFIG_KEY_1, env.GIT_CONFIG_VALUE_1]).toEqual(["http.https://github.com/.extraheader", ""]);
    expect([env.GIT_CONFIG_KEY_2, env.GIT_CONFIG_VALUE_2]).toEqual(["http.https://github.com/.extraheader", authorizationHeader(TOKEN)]);
    expect(Buffer.from(authorizationHeader(TOKEN).split(" ")[2]!, "base64").toString()).toBe(`x-access-token:${TOKEN}`);
  });

  it("git sends only this header to the server, even when the checkout persisted another, and none elsewhere; hooks are off", () => {
    const dir = mkdtempSync(join(tmpdir(), "weave-cred-"));
    const git = (args: string[], env: NodeJS.ProcessEnv = {}) => execFileSync("git", args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, ...env }, encoding: "utf8" }).trim();
    git(["init", "-q"]);
    git(["config", "--local", "http.https://github.com/.extraheader", "AUTHORIZATION: basic persisted"]);
    const env = gitCredentialEnv({}, { serverUrl: "https://github.com", token: TOKEN });
    expect(git(["config", "--get-urlmatch", "http.extraheader", "https://github.com/acme/widgets"], env)).toBe(authorizationHeader(TOKEN));
    expect(git(["config", "--get-all", "http.https://github.com/.extraheader"], env).split("\n")).toEqual(["AUTHORIZATION: basic persisted", "", authorizationHeader(TOKEN)]);
    expect(() => git(["config", "--get-urlmatch", "http.extraheader", "https://evil.example/acme/widgets"], env)).toThrow();
    expect(git(["config", "core.hooksPath"], env)).toBe("/dev/null");
  });
});
