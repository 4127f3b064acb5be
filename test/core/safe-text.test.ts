import { describe, expect, it } from "vitest";
import { CHECK_OUTPUT_LIMIT, COMMENT_LIMIT, fitBody, isSecretName, neutraliseText, redactSecrets, safeJobText, secretValuesOf } from "../../src/core/safe-text.js";

describe("redactSecrets", () => {
  const cases: [string, string, string[]][] = [
    ["Anthropic key", "auth failed for sk-ant-api03-AbCdEfGh_12345678", []],
    ["GitHub PAT", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 refused", []],
    ["installation token", "ghs_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", []],
    ["OAuth token", "gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", []],
    ["user token", "ghu_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", []],
    ["fine-grained PAT", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", []],
    ["OpenAI key", "OPENAI says sk-proj-abcdefghijklmnopqrstuvwxyz", []],
    ["Google key", "key=AIzaSyA1234567890abcdefghijklmnopqrstu", []],
    ["PEM key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", []],
    ["env value of any shape", "db login hunter2-but-longer failed", ["hunter2-but-longer"]],
  ];
  for (const [name, text, values] of cases) {
    it(`redacts ${name}`, () => {
      const out = redactSecrets(text, values);
      expect(out).toContain("[redacted]");
      for (const v of values) expect(out).not.toContain(v);
      expect(out).not.toMatch(/sk-ant-api03|ghp_a|ghs_A|gho_A|ghu_A|github_pat_1|sk-proj|AIzaSy|MIIEow/);
    });
  }
  it("leaves ordinary words alone", () => {
    for (const t of ["task-list done", "sk-short", "ghp_short", "see the skeleton"]) expect(redactSecrets(t)).toBe(t);
  });
});

describe("secretValuesOf", () => {
  it("takes the values of secret-like names only, longest first, and each long line of a PEM", () => {
    const env = { ANTHROPIC_API_KEY: "a-secret-value-1", GH_TOKEN: "tok-value-2222", CLIENT_SECRET: "client-secret-3", DB_PASSWORD_FILE: "pass-value-44", HOME: "/home/runner-long", SHORT_TOKEN: "abc", PRIVATE_KEY: "-----BEGIN-----\nAAAAAAAAAAAAAAAAAAAA\n-----END-----" };
    const values = secretValuesOf(env);
    expect(values).toEqual(expect.arrayContaining(["a-secret-value-1", "tok-value-2222", "client-secret-3", "pass-value-44", "AAAAAAAAAAAAAAAAAAAA"]));
    expect(values).not.toContain("/home/runner-long");
    expect(values).not.toContain("abc");
    expect([...values].sort((a, b) => b.length - a.length)).toEqual(values);
  });
  it("names", () => {
    const table: [string, boolean][] = [["ANTHROPIC_API_KEY", true], ["GITHUB_TOKEN", true], ["WEBHOOK_SECRET", true], ["MYSQL_PASSWORD", true], ["KEYBOARD", false], ["TOKENS_USED", false], ["PATH", false]];
    for (const [n, secret] of table) expect([n, isSecretName(n)]).toEqual([n, secret]);
  });
});

describe("neutraliseText", () => {
  const table: [string, string, RegExp][] = [
    ["mention", "ping @octocat and @acme/team", /@(?!\u200d)[a-z]/],
    ["issue ref", "closes #12", /#\d/],
    ["html tag", "<img src=x onerror=alert(1)> <details>", /<[a-z]/i],
    ["markdown link", "[click](https://evil.example)", /\]\(|https:\/\//],
    ["autolink", "see https://evil.example and www.evil.example", /https:\/\/|www\./],
    ["newline breakout", "ok\n# heading\n> quote", /\n/],
    ["code span breakout", "a`b", /`/],
  ];
  for (const [name, text, bad] of table) {
    it(`neutralises ${name}`, () => expect(neutraliseText(text)).not.toMatch(bad));
  }
  it("safeJobText redacts and neutralises", () => {
    const out = safeJobText("@alice ghp_abcdefghijklmnopqrstuvwxyz0123456789 <b>");
    expect(out).toBe("@\u200dalice [redacted] &lt;b&gt;");
  });
});

describe("fitBody", () => {
  it("returns a body within the limit unchanged", () => {
    expect(fitBody("short", 10)).toBe("short");
    const exact = "x".repeat(COMMENT_LIMIT);
    expect(fitBody(exact)).toBe(exact);
  });
  it("cuts a long body at a line end, says how much was left out, and stays within the limit", () => {
    const body = Array.from({ length: 5000 }, (_, i) => `| M${i} | eligible | some reason here |`).join("\n");
    for (const limit of [COMMENT_LIMIT, CHECK_OUTPUT_LIMIT, 1000, 200]) {
      const out = fitBody(body, limit);
      expect(out.length).toBeLessThanOrEqual(limit);
      expect(out).toMatch(/… \d+ more characters left out; see the check run/);
    }
    const out = fitBody(body, 1000);
    expect(out.split("\n\n…")[0]!.endsWith("|")).toBe(true);
  });
});
