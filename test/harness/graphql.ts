/**
 * GraphQL endpoint: `POST /graphql` (Octokit's graphql client posts there relative to a bare-origin baseUrl).
 * Responsibilities: authenticate like REST (401), parse and validate every document against GitHub's real schema
 * (@octokit/graphql-schema), run valid ones against graphql-resolvers.ts, answer GitHub's shapes (HTTP 200 with
 * `errors` carrying `type`/`path`/`locations`), and record calls and violations (invalid documents, unmodelled fields).
 * Not here: what the fields mean (graphql-resolvers.ts). Invariant: the schema is built once per process, on first use.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { buildClientSchema, execute, getOperationAST, Kind, parse, validate } from "graphql";
import type { DocumentNode, GraphQLError, GraphQLFieldResolver, GraphQLSchema, IntrospectionQuery } from "graphql";
import { resolveCaller } from "./auth.js";
import type { Caller } from "./auth.js";
import { rootValue } from "./graphql-resolvers.js";
import type { GraphqlContext } from "./graphql-resolvers.js";
import type { Services } from "./route-types.js";
import { credentialKey, send } from "./server.js";
import type { CallRecord, SideDoor, Violation } from "./server.js";
import { HttpError } from "./world.js";

let schema: GraphQLSchema | undefined;

/** GitHub's public GraphQL schema, from @octokit/graphql-schema's introspection result. */
export function githubSchema(): GraphQLSchema {
  if (schema !== undefined) return schema;
  const dirs = createRequire(import.meta.url).resolve.paths("@octokit/graphql-schema") ?? [];
  const file = dirs.map((dir) => join(dir, "@octokit", "graphql-schema", "schema.json")).find((f) => existsSync(f));
  if (file === undefined) throw new Error("@octokit/graphql-schema is not installed (npm install)");
  schema = buildClientSchema(JSON.parse(readFileSync(file, "utf8")) as IntrospectionQuery);
  return schema;
}

const DOCS = "https://docs.github.com/graphql";
const TYPES: Record<number, string> = { 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 422: "UNPROCESSABLE" };

export interface GraphqlSink { violations: Violation[]; calls: CallRecord[] }

export function createGraphqlDoor(services: Services, sink: () => GraphqlSink): SideDoor {
  return async (req, res, raw) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const method = (req.method ?? "GET").toUpperCase();
    const violation = (kind: Violation["kind"], message: string): void => { sink().violations.push({ kind, method, path, operationId: "graphql", message }); };
    if (method !== "POST" || path !== "/graphql") {
      violation("unknown-route", `${method} ${path}: GitHub serves GraphQL only as POST /graphql`);
      send(res, 404, { message: "Not Found", documentation_url: DOCS });
      return;
    }
    let caller: Caller;
    try {
      caller = await resolveCaller(services.world, req.headers.authorization);
    } catch (error) {
      send(res, error instanceof HttpError ? error.status : 401, { message: error instanceof Error ? error.message : "Bad credentials", documentation_url: DOCS });
      return;
    }
    if (caller.kind === "anonymous") {
      send(res, 401, { message: "This endpoint requires you to be authenticated.", documentation_url: `${DOCS}/guides/forming-calls-with-graphql#authenticating-with-graphql` });
      return;
    }
    const answer = await run(services, caller, raw, violation);
    sink().calls.push({ operationId: `graphql/${answer.fields.join(",")}`, method, path, status: 200, credential: credentialKey(caller)[0] });
    send(res, 200, answer.body);
  };
}

async function run(services: Services, caller: Caller, raw: Buffer, violation: (kind: Violation["kind"], message: string) => void): Promise<{ body: unknown; fields: string[] }> {
  const invalid = (message: string, errors: unknown[]): { body: unknown; fields: string[] } => {
    violation("invalid-request", message);
    return { body: { errors }, fields: ["invalid"] };
  };
  let request: { query?: unknown; variables?: unknown; operationName?: unknown };
  try { request = JSON.parse(raw.toString("utf8")) as typeof request; } catch { return invalid("GraphQL body is not JSON", [{ message: "Problems parsing JSON" }]); }
  if (typeof request.query !== "string") return invalid("GraphQL request without a query string", [{ message: "A query attribute must be specified and must be a string." }]);
  let document: DocumentNode;
  try { document = parse(request.query); } catch (error) {
    const e = error as GraphQLError;
    return invalid(`GraphQL syntax error: ${e.message}`, [{ message: e.message, locations: e.locations }]);
  }
  const problems = validate(githubSchema(), document);
  if (problems.length > 0) return invalid(`GraphQL document invalid against GitHub's schema: ${problems.map((p) => p.message).join("; ")}`, problems.map((p) => ({ message: p.message, locations: p.locations })));
  const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  const fields = (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  const context: GraphqlContext = { services, caller, unmodelled: (what) => violation("unmodelled", `${what} is not modelled by the stand-in's GraphQL`) };
  const result = await execute({
    schema: githubSchema(), document, rootValue: rootValue(), contextValue: context, variableValues: (request.variables ?? {}) as Record<string, unknown>, operationName, fieldResolver,
  });
  if (result.data === undefined) {
    return invalid(`GraphQL variables invalid: ${(result.errors ?? []).map((e) => e.message).join("; ")}`, (result.errors ?? []).map((e) => ({ message: e.message, locations: e.locations })));
  }
  const errors = (result.errors ?? []).map((e) => githubError(e, violation));
  return { body: errors.length > 0 ? { data: result.data, errors } : { data: result.data }, fields };
}

/** A resolver error as GitHub writes it: `type` for GitHub's refusals (HttpError status), a generic message otherwise. */
function githubError(error: GraphQLError, violation: (kind: Violation["kind"], message: string) => void): Record<string, unknown> {
  const original = error.originalError;
  const where = { path: error.path, locations: error.locations };
  if (original instanceof HttpError) {
    if (original.status === 501) violation("unmodelled", original.message);
    return { type: TYPES[original.status] ?? "UNPROCESSABLE", ...where, message: original.message };
  }
  // A null for a non-null field follows an unmodelled field, which the field resolver has already reported.
  if (original !== undefined && !original.message.startsWith("Cannot return null for non-nullable field")) {
    violation("stand-in-error", String(original.stack ?? original));
    return { ...where, message: "Something went wrong while executing your query. Please include the request ID in your report." };
  }
  return { ...where, message: error.message };
}

/** Fields resolve from the view objects of graphql-resolvers.ts; a field a view lacks is unmodelled (null + violation). */
const fieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, context, info) => {
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    context.unmodelled(`${info.parentType.name}.${info.fieldName}`);
    return null;
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === "function" ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, context, info) : value;
};
