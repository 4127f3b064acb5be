/**
 * Webhook payloads: GitHub's example payloads (@octokit/webhooks-examples) with the modelled fields replaced,
 * checked against @octokit/openapi-webhooks (the committed subset in openapi/webhooks-subset.json).
 * Responsibilities: pick the example for an event/action, put in repository, sender and installation, patch where
 * the examples lag the schema, and report any payload the schema rejects.
 * Not here: sending (webhooks.ts), what triggers an event (repo-events.ts, routes/, actions-runner.ts).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { convertNullable, createSchemaAjv, rewriteRefs } from "./openapi-validator.js";
import type { Shapes } from "./shapes.js";
import type { InstallationRecord, RepoRecord, UserRecord } from "./world.js";

type Json = Record<string, unknown>;
interface ExampleGroup { name: string; examples: Json[] }

let cachedExamples: ExampleGroup[] | undefined;
function loadExamples(): ExampleGroup[] {
  cachedExamples ??= JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@octokit/webhooks-examples"), "utf8")) as ExampleGroup[];
  return cachedExamples;
}

/** GitHub's webhook schemas, compiled once per process (compiling the pull_request schema alone takes a while). */
export class WebhookSchemas {
  private readonly ajv: Ajv;
  private readonly spec: { webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: Json }> } } }>; components: Json };
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(specPath = new URL("./openapi/webhooks-subset.json", import.meta.url)) {
    this.spec = convertNullable(JSON.parse(readFileSync(specPath, "utf8"))) as WebhookSchemas["spec"];
    this.ajv = createSchemaAjv(this.spec.components, "hooks");
  }

  /** Problems with `payload` as the `key` webhook (e.g. "pull-request-opened"); [] when valid. */
  check(key: string, payload: Json): string[] {
    const described = this.spec.webhooks[key]?.post.requestBody.content["application/json"]?.schema;
    if (described === undefined) return [`webhook ${key} is not in the stand-in's webhook subset (add it to openapi/operations.json)`];
    let validate = this.compiled.get(key);
    if (validate === undefined) { validate = this.ajv.compile(rewriteRefs(described, "hooks") as Json); this.compiled.set(key, validate); }
    return validate(payload) ? [] : [`webhook ${key} payload: ${this.ajv.errorsText(validate.errors, { dataVar: "payload" })}`];
  }
}

let sharedSchemas: WebhookSchemas | undefined;

export class WebhookPayloads {
  private readonly schemas: WebhookSchemas;

  constructor(private readonly shapes: Shapes, private readonly report: (message: string) => void, schemas?: WebhookSchemas) {
    this.schemas = schemas ?? (sharedSchemas ??= new WebhookSchemas());
  }

  /** A deep copy of GitHub's example payload for `event` (and `action`, when given). */
  example(event: string, action?: string): Json {
    const group = loadExamples().find((g) => g.name === event);
    const found = group?.examples.find((e) => action === undefined || e.action === action) ?? group?.examples[0];
    if (found === undefined) throw new Error(`no example payload for ${event}`);
    const copy = structuredClone(found);
    if (action !== undefined) copy.action = action;
    delete copy.organization;
    delete copy.enterprise;
    return copy;
  }

  /** The example for event/action with repository and sender replaced and `fields` laid over the top. */
  base(event: string, action: string | undefined, repo: RepoRecord, sender: UserRecord, fields: Json): Json {
    const payload = this.example(event, action);
    payload.repository = this.repository(repo, payload.repository as Json | undefined);
    payload.sender = this.shapes.user(sender);
    return Object.assign(payload, fields);
  }

  /** Repository in the webhook shape: the example's, with the modelled fields replaced (types kept as the example has them). */
  repository(repo: RepoRecord, example: Json | undefined): Json {
    const rest = this.shapes.repository(repo);
    const out: Json = { ...(example ?? rest) };
    for (const key of ["id", "node_id", "name", "full_name", "private", "owner", "html_url", "url", "clone_url", "git_url", "svn_url", "default_branch", "visibility", "description", "fork", "homepage"]) out[key] = rest[key];
    if (isPushRepository(out)) (out.owner as Json).name = repo.owner.login;
    // The examples predate fields the schema now requires.
    for (const [key, value] of Object.entries({ has_discussions: false, topics: [], disabled: false, visibility: rest.visibility, is_template: false, web_commit_signoff_required: false })) if (!(key in out)) out[key] = value;
    return out;
  }

  /** Adds the installation, checks the payload against GitHub's webhook schema, and returns it. */
  finish(event: string, action: string | undefined, payload: Json, installation: InstallationRecord): Json {
    const out: Json = { ...payload, installation: { id: installation.id, node_id: Buffer.from(`I_${installation.id}`).toString("base64") } };
    if (event === "installation") out.installation = this.shapes.installation(installation);
    const key = [event, action].filter((part) => part !== undefined).join("-").replace(/_/g, "-");
    for (const problem of this.schemas.check(key, out)) this.report(problem);
    return out;
  }
}

/** Push payloads describe the owner with a `name` as well as a login. */
function isPushRepository(repository: Json): boolean {
  return typeof repository.pushed_at === "number" && typeof repository.owner === "object" && repository.owner !== null;
}
