// The validation toolkit: error collection with JSON paths, typo hints for unknown fields, and
// field readers (required, optional, with a default) over small value parsers. Never throws
// except STOP, which the caller catches after LIMITS.maxErrors errors.

import { LIMITS } from "./limits.ts";
import { type FlagFamily, parseFlagWord } from "./names.ts";
import { describeValue, type NumberResult, parseModeledNumber, parseU64, parseUapiU64 } from "./numbers.ts";

export const STOP = Symbol("stop");

export class Collector {
  readonly errors: string[] = [];

  add(path: string, message: string): void {
    if (this.errors.length >= LIMITS.maxErrors) {
      this.errors.push("... and more");
      throw STOP;
    }
    this.errors.push(`${path === "" ? "scenario" : path}: ${message}`);
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `path.key`, or `path["odd key"]` for keys that are not identifiers. */
export function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= 60) return path === "" ? key : `${path}.${key}`;
  const shown = key.length > 60 ? `${key.slice(0, 60)}...` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

export type Obj = Record<string, unknown>;
export type Parser<T> = (value: unknown) => NumberResult<T>;

export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own field; undefined (from an already-parsed value) counts as absent. */
export function get(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function closest(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    // Close enough to be a typo: at most 2 edits, and fewer than half of the shorter name.
    if (d < bestDistance && d * 2 < Math.min(key.length, k.length)) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  if (known.length === 0) return "unknown field (this takes no fields)";
  const near = closest(key, known);
  const hint = near ? `did you mean "${near}"? ` : "";
  return `unknown field (${hint}known: ${known.join(", ")})`;
}

/** Unknown fields are errors so that typos are caught (`steps[2].arg.ofset`). */
export function checkFields(
  c: Collector,
  o: Obj,
  path: string,
  known: readonly string[],
  explain?: (key: string) => string | undefined,
): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key) || o[key] === undefined) continue;
    c.add(child(path, key), explain?.(key) ?? unknownFieldMessage(key, known));
  }
}

/** A required field; on a missing or invalid value, records the error and returns `fallback`. */
export function need<T>(c: Collector, o: Obj, path: string, key: string, parse: Parser<T>, fallback: T): T {
  const value = get(o, key);
  if (value === undefined) {
    c.add(child(path, key), "required field is missing");
    return fallback;
  }
  const r = parse(value);
  if (!r.ok) {
    c.add(child(path, key), r.message);
    return fallback;
  }
  return r.value;
}

/** An optional field with a default. */
export function opt<T>(c: Collector, o: Obj, path: string, key: string, parse: Parser<T>, dflt: T): T {
  const value = get(o, key);
  if (value === undefined) return dflt;
  const r = parse(value);
  if (!r.ok) {
    c.add(child(path, key), r.message);
    return dflt;
  }
  return r.value;
}

/** An optional field without a default. */
export function maybe<T>(c: Collector, o: Obj, path: string, key: string, parse: Parser<T>): T | undefined {
  const value = get(o, key);
  if (value === undefined) return undefined;
  const r = parse(value);
  if (!r.ok) {
    c.add(child(path, key), r.message);
    return undefined;
  }
  return r.value;
}

export const num: Parser<number> = parseModeledNumber;
export const u64: Parser<bigint> = parseU64;
export const uapiU64: Parser<number | bigint> = parseUapiU64;
export const flags =
  (family: FlagFamily): Parser<number> =>
  (value) =>
    parseFlagWord(value, family);

export function integerIn(lo: number, hi: number): Parser<number> {
  return (value) => {
    const r = parseModeledNumber(value);
    if (r.ok && r.value >= lo && r.value <= hi) return r;
    return { ok: false, message: `expected an integer from ${lo} to ${hi}, got ${describeValue(value)}` };
  };
}

export function text(max: number): Parser<string> {
  return (value) => {
    if (typeof value !== "string")
      return { ok: false, message: `expected a string, got ${describeValue(value)}` };
    if (value.length > max) {
      return { ok: false, message: `${value.length} characters is more than the limit of ${max}` };
    }
    return { ok: true, value };
  };
}

export const boolean: Parser<boolean> = (value) =>
  typeof value === "boolean"
    ? { ok: true, value }
    : { ok: false, message: `expected true or false, got ${describeValue(value)}` };

const ENCLAVE_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

/** Step `enclave`: a name of 1 to 32 characters [A-Za-z0-9_.-]. */
export const enclaveName: Parser<string> = (value) => {
  if (typeof value === "string" && ENCLAVE_NAME.test(value)) return { ok: true, value };
  return {
    ok: false,
    message: `expected an enclave name of 1 to 32 characters from A-Z a-z 0-9 _ . -, got ${describeValue(value)}`,
  };
};

const ENCLAVE_HASH = /^(0[xX])?([0-9a-fA-F]{1,64})$/;

/**
 * SIGSTRUCT `enclavehash` (types.ts InitArg): "match", or a hex MRENCLAVE (SHA-256, at most 64
 * hex digits, optional 0x), normalized to 64 lowercase hex digits without a prefix.
 */
export const enclaveHash: Parser<string> = (value) => {
  if (value === "match") return { ok: true, value };
  const m = typeof value === "string" ? ENCLAVE_HASH.exec(value) : null;
  if (m) return { ok: true, value: m[2].toLowerCase().padStart(64, "0") };
  return {
    ok: false,
    message: `expected "match" or a hex MRENCLAVE of at most 64 digits, got ${describeValue(value)}`,
  };
};

export function oneOf<T extends string>(value: unknown, valid: readonly T[], what: string): NumberResult<T> {
  if (typeof value !== "string") {
    return { ok: false, message: `expected a string, got ${describeValue(value)}` };
  }
  if ((valid as readonly string[]).includes(value)) return { ok: true, value: value as T };
  const near = valid.find((v) => v.toLowerCase() === value.toLowerCase());
  const hint = near ? ` (did you mean "${near}"?)` : "";
  return { ok: false, message: `unknown ${what} ${describeValue(value)}${hint}; valid: ${valid.join(", ")}` };
}
