// Completion for the scenario editor, driven by the scenario's JSON Schema
// (engine/scenario/scenario.schema.json): the fields an object may still take, and the values a
// field accepts (ops, ioctl commands, calls, flag names such as SECINFO's "R|W|REG|PENDING", one
// name at a time after "|"). Branches chosen by a sibling's value (`"op": "EENTER"`, `"cmd"`,
// `"call"`) follow the schema's if/then on what the object holds. Pure: no DOM, no editor.

import { type CursorContext, contextAt, type Frame, type PathSegment } from "./json-scan.ts";

type Schema = { [key: string]: unknown };
type Values = Frame["values"];

export interface CompletionItem {
  label: string;
  /** What replaces [from, to). */
  apply: string;
  type: "property" | "enum" | "keyword";
  info?: string;
}

export interface Completions {
  from: number;
  to: number;
  items: CompletionItem[];
}

function isSchema(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deref(root: Schema, s: Schema): Schema {
  let cur = s;
  for (let guard = 0; typeof cur.$ref === "string" && guard < 32; guard++) {
    const parts = cur.$ref.replace(/^#\/?/, "").split("/").filter(Boolean);
    let next: unknown = root;
    for (const p of parts) next = isSchema(next) ? next[p] : undefined;
    if (!isSchema(next)) break;
    // Keywords beside $ref (a description) stay with the referring schema.
    const { $ref: _, ...beside } = cur;
    cur = { ...next, ...beside, ...(typeof next.$ref === "string" ? { $ref: next.$ref } : {}) };
    if (typeof next.$ref !== "string") delete cur.$ref;
  }
  return cur;
}

/** Does `cond` (an `if` of the form {properties: {k: {const}}, required}) hold for `values`? */
function holds(root: Schema, cond: Schema, values: Values | undefined): boolean {
  if (!values) return false;
  const required = Array.isArray(cond.required) ? (cond.required as string[]) : [];
  for (const k of required) if (values.get(k) === undefined) return false;
  const props = isSchema(cond.properties) ? cond.properties : {};
  for (const [k, sub] of Object.entries(props)) {
    if (!isSchema(sub)) continue;
    const s = deref(root, sub);
    const v = values.get(k);
    if (v === undefined) continue;
    if ("const" in s && s.const !== v) return false;
    if (Array.isArray(s.enum) && !s.enum.includes(v)) return false;
  }
  return true;
}

/** `s` and every subschema that applies in place to the same value (allOf, anyOf, oneOf, if/then). */
function expand(
  root: Schema,
  s: Schema,
  values: Values | undefined,
  out: Schema[] = [],
  depth = 0,
): Schema[] {
  if (depth > 16) return out;
  const d = deref(root, s);
  out.push(d);
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    const list = d[key];
    if (Array.isArray(list))
      for (const sub of list) if (isSchema(sub)) expand(root, sub, values, out, depth + 1);
  }
  if (isSchema(d.if)) {
    const branch = holds(root, d.if, values) ? d.then : d.else;
    if (isSchema(branch)) expand(root, branch, values, out, depth + 1);
  }
  return out;
}

function child(root: Schema, nodes: Schema[], seg: PathSegment): Schema[] {
  const out: Schema[] = [];
  for (const n of nodes) {
    if (typeof seg === "number") {
      if (isSchema(n.items)) out.push(deref(root, n.items));
      continue;
    }
    const props = isSchema(n.properties) ? n.properties : undefined;
    if (props && isSchema(props[seg])) out.push(deref(root, props[seg] as Schema));
    else if (isSchema(n.additionalProperties)) out.push(deref(root, n.additionalProperties));
  }
  return out;
}

function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

/** The schemas that apply at `ctx.path` (for a key: the object's), with the object's own members. */
function schemasAt(root: Schema, ctx: CursorContext): Schema[] {
  const frames = new Map(ctx.frames.map((f) => [pathKey(f.path), f]));
  let nodes: Schema[] = [root];
  for (let k = 0; k < ctx.path.length; k++) {
    const values = frames.get(pathKey(ctx.path.slice(0, k)))?.values;
    nodes = child(
      root,
      nodes.flatMap((n) => expand(root, n, values)),
      ctx.path[k],
    );
  }
  const own = ctx.kind === "key" ? frames.get(pathKey(ctx.path))?.values : undefined;
  return nodes.flatMap((n) => expand(root, n, own));
}

function descriptionOf(s: Schema): string | undefined {
  return typeof s.description === "string" ? s.description : undefined;
}

function keyItems(root: Schema, nodes: Schema[], ctx: CursorContext, text: string): CompletionItem[] {
  const frame = ctx.frames[ctx.frames.length - 1];
  const current = text.slice(ctx.from, ctx.to);
  const seen = new Map<string, CompletionItem>();
  for (const n of nodes) {
    if (!isSchema(n.properties)) continue;
    const required = Array.isArray(n.required) ? (n.required as string[]) : [];
    for (const [key, sub] of Object.entries(n.properties)) {
      if (frame?.values.has(key) && key !== current) continue;
      const info = isSchema(sub) ? descriptionOf(deref(root, sub)) : undefined;
      const prev = seen.get(key);
      if (prev && (prev.info || !info)) continue;
      seen.set(key, {
        label: key,
        apply: ctx.quoted ? key : `${JSON.stringify(key)}: `,
        type: "property",
        info: [info, required.includes(key) ? "Required." : undefined].filter(Boolean).join(" ") || undefined,
      });
    }
  }
  return [...seen.values()];
}

/** Flag names a flag-word schema lists (its `examples`, when a string form joins them with "|"). */
function flagNames(nodes: Schema[]): string[] | undefined {
  for (const n of nodes) {
    if (!Array.isArray(n.examples)) continue;
    const joined = nodes.some((m) => typeof m.pattern === "string" && m.pattern.includes("\\|"));
    if (joined) return n.examples.filter((e): e is string => typeof e === "string");
  }
  return undefined;
}

function valueItems(nodes: Schema[], ctx: CursorContext): { items: CompletionItem[]; from: number } {
  const info = nodes.map(descriptionOf).find(Boolean);
  const flags = flagNames(nodes);
  if (flags && ctx.quoted) {
    // One name at a time: complete the part after the last "|".
    const bar = ctx.typed.lastIndexOf("|");
    const head = bar < 0 ? 0 : bar + 1;
    const lead = ctx.typed.slice(head).length - ctx.typed.slice(head).trimStart().length;
    const from = ctx.from + head + lead;
    const before = ctx.typed
      .slice(0, Math.max(bar, 0))
      .split("|")
      .map((t) => t.trim());
    const items = flags
      .filter((name) => !before.includes(name))
      .map((name): CompletionItem => ({ label: name, apply: name, type: "enum", info }));
    return { items, from };
  }
  const values: unknown[] = [];
  for (const n of nodes) {
    if ("const" in n) values.push(n.const);
    if (Array.isArray(n.enum)) values.push(...n.enum);
    if (Array.isArray(n.examples)) values.push(...n.examples);
    if (n.type === "boolean") values.push(true, false);
  }
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (typeof v === "string") {
      if (seen.has(v)) continue;
      seen.add(v);
      items.push({ label: v, apply: ctx.quoted ? v : JSON.stringify(v), type: "enum", info });
    } else if (typeof v === "boolean" && !ctx.quoted) {
      if (seen.has(String(v))) continue;
      seen.add(String(v));
      items.push({ label: String(v), apply: String(v), type: "keyword", info });
    }
  }
  return { items, from: ctx.from };
}

/** Completions at `pos` in `text`, from `schema`; null where the cursor is on nothing to complete. */
export function completeAt(schema: Schema, text: string, pos: number): Completions | null {
  const ctx = contextAt(text, pos);
  if (!ctx) return null;
  const nodes = schemasAt(schema, ctx);
  if (nodes.length === 0) return null;
  if (ctx.kind === "key") {
    const items = keyItems(schema, nodes, ctx, text);
    return items.length === 0 ? null : { from: ctx.from, to: ctx.to, items };
  }
  const { items, from } = valueItems(nodes, ctx);
  return items.length === 0 ? null : { from, to: ctx.quoted ? ctx.to : Math.max(ctx.to, pos), items };
}
