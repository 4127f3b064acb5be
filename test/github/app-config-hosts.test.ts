// readAppConfig: where the REST API and the Actions OIDC issuer are for each kind of GitHub host — github.com,
// GHE.com (data residency: the API at api.SUBDOMAIN.ghe.com, not /api/v3) and GitHub Enterprise Server.
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { apiBaseUrl, readAppConfig } from "../../src/github/app-config.js";

const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const base = { APP_ID: "1", WEBHOOK_SECRET: "s", WEAVE_PUBLIC_URL: "https://weave.example.com", PRIVATE_KEY: key };

describe("the GitHub host an App is configured for", () => {
  it.each([
    ["nothing set: github.com", {}, undefined, "https://token.actions.githubusercontent.com"],
    ["GITHUB_API_URL of github.com", { GITHUB_API_URL: "https://api.github.com" }, "https://api.github.com", "https://token.actions.githubusercontent.com"],
    ["GHE_HOST of a GHE.com tenant", { GHE_HOST: "octo.ghe.com" }, "https://api.octo.ghe.com", "https://token.actions.octo.ghe.com"],
    ["GHE_HOST of a GHE.com tenant's API host", { GHE_HOST: "api.octo.ghe.com" }, "https://api.octo.ghe.com", "https://token.actions.octo.ghe.com"],
    ["GHE_HOST of a GHE.com tenant, as a URL", { GHE_HOST: "https://Octo.GHE.com/" }, "https://api.octo.ghe.com", "https://token.actions.octo.ghe.com"],
    ["GITHUB_API_URL of a GHE.com tenant", { GITHUB_API_URL: "https://api.octo.ghe.com" }, "https://api.octo.ghe.com", "https://token.actions.octo.ghe.com"],
    ["GHE_HOST of a server", { GHE_HOST: "github.example.com" }, "https://github.example.com/api/v3", "https://github.example.com/_services/token"],
    ["GHE_HOST of a server over http", { GHE_HOST: "github.example.com", GHE_PROTOCOL: "http" }, "http://github.example.com/api/v3", "https://github.example.com/_services/token"],
    ["GITHUB_API_URL of a server", { GITHUB_API_URL: "https://github.example.com/api/v3" }, "https://github.example.com/api/v3", "https://github.example.com/_services/token"],
    ["WEAVE_OIDC_ISSUER wins", { GHE_HOST: "octo.ghe.com", WEAVE_OIDC_ISSUER: "https://issuer.example.com" }, "https://api.octo.ghe.com", "https://issuer.example.com"],
  ])("%s", (_, env, baseUrl, issuer) => {
    const config = readAppConfig({ ...base, ...env }, "/nonexistent");
    expect(config.baseUrl).toBe(baseUrl);
    expect(config.oidcIssuer).toBe(issuer);
  });

  it.each([
    ["octo.ghe.com", undefined, "https://api.octo.ghe.com"],
    ["octo.ghe.com", "http", "https://api.octo.ghe.com"],
    ["ghes.example.com", undefined, "https://ghes.example.com/api/v3"],
    ["ghes.example.com:8443", "https", "https://ghes.example.com:8443/api/v3"],
  ])("apiBaseUrl(%s, %s) is %s", (host, protocol, url) => {
    expect(apiBaseUrl(host, protocol)).toBe(url);
  });
});
