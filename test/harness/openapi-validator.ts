/**
 * OpenAPI validator: GitHub's own description (the committed subset in openapi/) decides what a request may be.
 * Responsibilities: match method + path to an operation, coerce and validate path/query parameters and the JSON
 * body, list body fields GitHub's description does not know, and validate what the stand-in answers.
 * Not here: what an operation does (routes/), auth and counting (server.ts). Regenerate the subset with
 * `npm run harness:generate`. Invariant: nothing outside the description is accepted silently.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

type Json = Record<string, unknown>;
interface Parameter { name: string; in: string; required?: boolean; schema?: Json; "x-multi-segment"?: boolean }
interface Operation { operationId: string; parameters?: (Parameter | { $ref: string })[]; requestBody?: Json; responses: Record<string, Json> }

export interface OperationMatch { operationId: string; method: string; template: string; pathParams: Record<string, string> }
export type MatchResult = { kind: "ok"; match: OperationMatch } | { kind: "no-route" } | { kind: "wrong-method"; allowed: string[] };
export interface RequestCheck { params: Record<string, unknown>; problems: string[]; badPath: boolean; unknownFields: string[] }

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** OpenAPI 3.0 `nullable` → JSON Schema: Ajv needs `type` beside it, GitHub's description does not always give one. */
export function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === "example" || key === "examples" ? value : convertNullable(value);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [{ type: "null" }, out] };
}

/** Points local `#/components/...` refs at the document registered in Ajv under `id`. */
export function rewriteRefs(node: unknown, id = "rest"): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, id));
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === "$ref" && typeof value === "string" ? `${id}${value}` : rewriteRefs(value, id);
  return out;
}

/** An Ajv instance that knows GitHub's components under `id` (OpenAPI keywords tolerated, formats checked). */
export function createSchemaAjv(components: unknown, id: string): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false, inlineRefs: false });
  addFormats(ajv);
  ajv.addSchema({ $id: id, components });
  return ajv;
}

interface Route { method: string; template: string; regex: RegExp; names: string[]; literals: number; operation: Operation }

export class OpenApiValidator {
  readonly spec: Json & { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, Json>> };
  private readonly ajv: Ajv;
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(specPath = new URL("./openapi/rest-subset.json", import.meta.url)) {
    this.spec = convertNullable(JSON.parse(readFileSync(specPath, "utf8"))) as OpenApiValidator["spec"];
    this.ajv = createSchemaAjv(this.spec.components, "rest");
    for (const [template, item] of Object.entries(this.spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const names: string[] = [];
        const multi = new Set(this.parameters(operation).filter((p) => p.in === "path" && (p["x-multi-segment"] === true || ["path", "basehead", "ref"].includes(p.name))).map((p) => p.name));
        const source = template.replace(/\{(\w+)\}/g, (_m, name: string) => { names.push(name); return multi.has(name) ? "(.+)" : "([^/]+)"; });
        this.routes.push({ method, template, regex: new RegExp(`^${source}$`), names, literals: template.split("/").filter((s) => s !== "" && !s.startsWith("{")).length, operation });
      }
    }
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  operationIds(): string[] { return this.routes.map((r) => r.operation.operationId); }

  match(method: string, pathname: string): MatchResult {
    const hits = this.routes.filter((r) => r.regex.test(pathname));
    if (hits.length === 0) return { kind: "no-route" };
    const route = hits.find((r) => r.method === method.toLowerCase());
    if (route === undefined) return { kind: "wrong-method", allowed: [...new Set(hits.map((r) => r.method.toUpperCase()))] };
    const groups = route.regex.exec(pathname) ?? [];
    const pathParams: Record<string, string> = {};
    route.names.forEach((name, i) => { pathParams[name] = decodeURIComponent(groups[i + 1] ?? ""); });
    return { kind: "ok", match: { operationId: route.operation.operationId, method: route.method, template: route.template, pathParams } };
  }

  checkRequest(match: OperationMatch, query: URLSearchParams, body: unknown, hasBody: boolean): RequestCheck {
    const operation = this.operation(match);
    const params: Record<string, unknown> = {};
    const problems: string[] = [];
    let badPath = false;
    const known = new Set<string>();
    for (const p of this.parameters(operation)) {
      known.add(p.name);
      const raw = p.in === "path" ? match.pathParams[p.name] : p.in === "query" ? query.get(p.name) ?? undefined : undefined;
      if (p.in !== "path" && p.in !== "query") continue;
      if (raw === undefined) {
        if (p.required === true) problems.push(`missing required ${p.in} parameter '${p.name}'`);
        else if (p.schema?.default !== undefined) params[p.name] = p.schema.default;
        continue;
      }
      const value = coerce(raw, p.schema);
      const validate = this.compile(`param:${match.operationId}:${p.name}`, p.schema ?? {});
      if (!validate(value)) {
        if (p.in === "path") badPath = true;
        problems.push(`${p.in} parameter '${p.name}'=${JSON.stringify(raw)}: ${this.ajv.errorsText(validate.errors, { dataVar: p.name })}`);
      }
      params[p.name] = value;
    }
    for (const name of query.keys()) if (!known.has(name)) problems.push(`query parameter '${name}' is not in GitHub's description of ${match.operationId}`);
    const unknownFields: string[] = [];
    const content = this.resolve(operation.requestBody) as { required?: boolean; content?: Record<string, { schema?: Json }> } | undefined;
    const schema = content?.content?.["application/json"]?.schema;
    if (!hasBody) {
      if (content?.required === true) problems.push(`${match.operationId} requires a JSON body`);
    } else if (schema === undefined) {
      if (body !== null && !(typeof body === "object" && Object.keys(body).length === 0)) problems.push(`${match.operationId} takes no body`);
    } else {
      const validate = this.compile(`body:${match.operationId}`, schema);
      if (!validate(body)) problems.push(`body: ${this.ajv.errorsText(validate.errors, { dataVar: "body" })}`);
      this.collectUnknown(schema, body, "body", unknownFields);
    }
    return { params, problems, badPath, unknownFields };
  }

  /** Problems with a response the stand-in is about to send; [] when GitHub's description allows it. */
  checkResponse(match: OperationMatch, status: number, body: unknown): string[] {
    const operation = this.operation(match);
    const described = this.resolve(operation.responses[String(status)] ?? operation.responses.default) as { content?: Record<string, { schema?: Json }> } | undefined;
    if (described === undefined) {
      if (status >= 400 && typeof body === "object" && body !== null && typeof (body as Json).message === "string") return [];
      return [`${match.operationId} is not described as answering ${status}`];
    }
    const schema = described.content?.["application/json"]?.schema;
    if (schema === undefined) {
      if (body === undefined || (status >= 400 && typeof body === "object" && body !== null && typeof (body as Json).message === "string")) return [];
      return [`${match.operationId} ${status} is described without a body`];
    }
    const validate = this.compile(`response:${match.operationId}:${status}`, schema);
    return validate(body) ? [] : [`response ${status}: ${this.ajv.errorsText(validate.errors, { dataVar: "response" })}`];
  }

  /** Problems with `value` as the component schema `name` (e.g. "repository-rule-detailed"); [] when valid. */
  checkComponent(name: string, value: unknown): string[] {
    if (this.spec.components.schemas?.[name] === undefined) return [`no schema '${name}' in the OpenAPI subset`];
    const validate = this.compile(`component:${name}`, { $ref: `#/components/schemas/${name}` });
    return validate(value) ? [] : [this.ajv.errorsText(validate.errors, { dataVar: name })];
  }

  /** The example GitHub's description gives under components/examples/<name>, deep-copied. */
  example(name: string): Json {
    const found = this.spec.components.examples?.[name] as { value?: unknown } | undefined;
    if (found?.value === undefined) throw new Error(`no example '${name}' in the OpenAPI subset`);
    return structuredClone(found.value) as Json;
  }

  private operation(match: OperationMatch): Operation {
    const op = this.spec.paths[match.template]?.[match.method];
    if (op === undefined) throw new Error(`no operation ${match.method} ${match.template}`);
    return op;
  }

  private parameters(operation: Operation): Parameter[] {
    return (operation.parameters ?? []).map((p) => this.resolve(p) as unknown as Parameter);
  }

  private resolve(node: unknown): Json | undefined {
    let current = node as Json | undefined;
    while (current !== undefined && typeof current.$ref === "string") {
      const [, , kind, name] = current.$ref.split("/");
      current = this.spec.components[kind ?? ""]?.[name ?? ""];
    }
    return current;
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(rewriteRefs(schema) as Json);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private collectUnknown(schemaNode: unknown, value: unknown, at: string, out: string[]): void {
    const schema = this.resolve(schemaNode);
    if (schema === undefined || value === null || typeof value !== "object" || Array.isArray(value)) return;
    const parts = [schema, ...((schema.allOf as unknown[] | undefined) ?? []).map((s) => this.resolve(s) ?? {})];
    const properties: Record<string, unknown> = Object.assign({}, ...parts.map((p) => (p.properties as Json | undefined) ?? {}));
    if (Object.keys(properties).length === 0 || parts.some((p) => p.additionalProperties !== undefined && p.additionalProperties !== false)) return;
    for (const [key, child] of Object.entries(value)) {
      if (!(key in properties)) out.push(`${at}.${key}`);
      else this.collectUnknown(properties[key], child, `${at}.${key}`, out);
    }
  }
}

function coerce(raw: string, schema: Json | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === "integer" || type === "number") return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (type === "array") return raw.split(",");
  return raw;
}
