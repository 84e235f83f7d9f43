// Validation of a user's scenario JSON into the normalized Scenario of types.ts.
// Contract: ../shared/spec/scenario-format.md (version 1) — "A scenario that does not validate
// is rejected before any step runs, with a message that names the JSON path of the offending
// field". Names and constants follow the uapi header (arch/x86/include/uapi/asm/sgx.h), the
// SDM (SECINFO flags, page types, SECS attributes) and the syscalls (mmap, mprotect, PROT_*).
//
// parseScenario() is pure and deterministic, never throws and bounds its work (see LIMITS
// and LIMITS.md). Refusals that the real system makes at run time (an unaligned length, an
// unknown ioctl, a page type the kernel does not accept) are NOT validation errors: the runner
// reports them in the trace.

import { PAGE_TYPE_NAMES, SECINFO_FLAG_NAMES, SECINFO_PT_SHIFT } from "../vocabulary/epcm.ts";
import { describeValue, formatHex, type NumberResult, parseModeledNumber, parseU64 } from "./numbers.ts";
import {
  type AddPagesArg,
  type EnclaveCall,
  type Expectation,
  type IoctlArg,
  type Machine,
  SCENARIO_FORMAT,
  type Scenario,
  type Step,
  type StepOp,
  type TcsImage,
  TRACE_FORMAT,
} from "./types.ts";

export {
  describeValue,
  formatHex,
  MAX_MODELED,
  type NumberResult,
  parseModeledNumber,
  parseU64,
} from "./numbers.ts";

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

/** Work limits (documented in LIMITS.md). */
export const LIMITS = {
  /** Longest JSON text accepted, and longest string anywhere in an already-parsed value. */
  maxInputChars: 10 * 1024 * 1024,
  maxSteps: 100_000,
  /** Errors collected before giving up with "... and more". */
  maxErrors: 20,
  /** Nesting depth of the whole scenario (objects and arrays). */
  maxDepth: 64,
  /** Values (of any kind, all levels) in the whole scenario. */
  maxValues: 5_000_000,
  /** machine.epcPages: the contract requires at least 4,194,304 (16 GiB of EPC). */
  maxEpcPages: 4_194_304,
  /** EENTER `pages`. */
  maxRepeatPages: 16_777_216,
  maxTitleChars: 300,
  maxDescriptionChars: 20_000,
  maxNoteChars: 2_000,
  maxCmdChars: 200,
} as const;

/** Defaults from the contract and types.ts. */
export const DEFAULTS = {
  title: "untitled scenario",
  enclave: "e0",
  epcPages: 128,
  sgx2: true,
  /** mmap flags: MAP_SHARED|MAP_FIXED. */
  mmapFlags: 0x11,
  ssaFrameSize: 1,
  /** SECS.ATTRIBUTES: MODE64BIT. */
  attributes: 0x4,
  xfrm: 3,
} as const;

// ---------------------------------------------------------------------------------------------
// Flag words: "a number or names joined by |" (contract, "A SECINFO flags word is ...").

export interface FlagFamily {
  /** What the word is, for messages ("SECINFO flag", "prot flag"). */
  readonly what: string;
  readonly names: ReadonlyArray<readonly [string, number]>;
  /** Names of which at most one may appear (the SECINFO page type field). */
  readonly exclusive?: ReadonlyArray<string>;
  /** A single name or number, no "|" (MODIFY_TYPES page_type is a value, not a mask). */
  readonly single?: boolean;
}

const PAGE_TYPE_VALUES: ReadonlyArray<readonly [string, number]> = PAGE_TYPE_NAMES.map((n, t) => [n, t]);

/** SECINFO.FLAGS (SDM; asm/sgx.h SGX_SECINFO_R/W/X, selftests PENDING/MODIFIED/PR, type << 8). */
export const SECINFO_FLAGS: FlagFamily = {
  what: "SECINFO flag",
  names: [...SECINFO_FLAG_NAMES, ...PAGE_TYPE_VALUES.map(([n, t]) => [n, t << SECINFO_PT_SHIFT] as const)],
  exclusive: PAGE_TYPE_VALUES.map(([n]) => n),
};

/** mmap/mprotect prot (uapi asm-generic/mman-common.h). */
export const PROT_FLAGS: FlagFamily = {
  what: "prot flag",
  names: [
    ["PROT_NONE", 0x0],
    ["PROT_READ", 0x1],
    ["PROT_WRITE", 0x2],
    ["PROT_EXEC", 0x4],
  ],
};

/** mmap flags (uapi asm-generic/mman-common.h, linux/mman.h). */
export const MMAP_FLAGS: FlagFamily = {
  what: "mmap flag",
  names: [
    ["MAP_SHARED", 0x1],
    ["MAP_PRIVATE", 0x2],
    ["MAP_FIXED", 0x10],
    ["MAP_ANONYMOUS", 0x20],
  ],
};

/** SECS.ATTRIBUTES (asm/sgx.h SGX_ATTR_*). */
export const ATTRIBUTE_FLAGS: FlagFamily = {
  what: "attribute",
  names: [
    ["INIT", 0x1],
    ["DEBUG", 0x2],
    ["MODE64BIT", 0x4],
    ["PROVISIONKEY", 0x10],
    ["EINITTOKENKEY", 0x20],
    ["KSS", 0x80],
  ],
};

/** RESTRICT_PERMISSIONS `permissions` (uapi: "new EPCM permission mask", R=1 W=2 X=4). */
export const PERMISSION_FLAGS: FlagFamily = {
  what: "permission",
  names: [
    ["R", 0x1],
    ["W", 0x2],
    ["X", 0x4],
  ],
};

/** MODIFY_TYPES `page_type` (asm/sgx.h enum sgx_page_type; the value, not shifted). */
export const PAGE_TYPES: FlagFamily = { what: "page type", names: PAGE_TYPE_VALUES, single: true };

/** ADD_PAGES `flags` (uapi SGX_PAGE_MEASURE). */
export const ADD_PAGES_FLAGS: FlagFamily = { what: "ADD_PAGES flag", names: [["SGX_PAGE_MEASURE", 0x1]] };

const NAME_PREFIX = /^(PROT_|MAP_|SGX_PAGE_TYPE_|SGX_SECINFO_|SGX_ATTR_|SGX_)/;

function normalizedName(name: string): string {
  return name.toUpperCase().replace(NAME_PREFIX, "");
}

function nameList(family: FlagFamily): string {
  return family.names.map(([n]) => n).join(", ");
}

function unknownName(token: string, family: FlagFamily): string {
  const shown = describeValue(token);
  const hint = family.names.find(([n]) => normalizedName(n) === normalizedName(token));
  const didYouMean = hint ? ` (did you mean "${hint[0]}"?)` : "";
  return `unknown ${family.what} ${shown}${didYouMean}; valid: ${nameList(family)}`;
}

const STARTS_NUMERIC = /^[-0-9.]/;

/**
 * A flag word: a number, or names of `family` joined by "|" (spaces around "|" allowed; a
 * number may stand among the names). Never throws.
 */
export function parseFlagWord(value: unknown, family: FlagFamily): NumberResult<number> {
  if (typeof value === "number") return parseModeledNumber(value);
  if (typeof value !== "string") {
    const form = family.single ? "a number or a name" : 'a number or names joined by "|"';
    return { ok: false, message: `expected ${form} (${nameList(family)}), got ${describeValue(value)}` };
  }
  const tokens = value.split("|").map((t) => t.trim());
  if (family.single && tokens.length > 1) {
    return {
      ok: false,
      message: `expected one ${family.what} (${nameList(family)}), got ${describeValue(value)}`,
    };
  }
  let word = 0n;
  let exclusiveSeen: string | undefined;
  for (const token of tokens) {
    if (token === "") {
      return { ok: false, message: `empty ${family.what} name in ${describeValue(value)}` };
    }
    if (STARTS_NUMERIC.test(token)) {
      const r = parseModeledNumber(token);
      if (!r.ok) return r;
      word |= BigInt(r.value);
      continue;
    }
    const entry = family.names.find(([n]) => n === token);
    if (!entry) return { ok: false, message: unknownName(token, family) };
    if (family.exclusive?.includes(token)) {
      if (exclusiveSeen !== undefined) {
        return {
          ok: false,
          message: `at most one page type (${family.exclusive.join(", ")}) may be given, got ${describeValue(value)}`,
        };
      }
      exclusiveSeen = token;
    }
    word |= BigInt(entry[1]);
  }
  return { ok: true, value: Number(word) };
}

/** Names of the bits of `word` in `family`, then any remaining bits in hex ("PROT_READ|0x8"). */
function bitsToString(word: bigint, family: FlagFamily, zeroName?: string): string {
  if (word === 0n) return zeroName ?? "0x0";
  const parts: string[] = [];
  let rest = word;
  for (const [name, bit] of family.names) {
    const b = BigInt(bit);
    if (b !== 0n && (rest & b) === b) {
      parts.push(name);
      rest &= ~b;
    }
  }
  if (rest !== 0n) parts.push(formatHex(rest));
  return parts.join("|");
}

/** A flag word as a bigint, or undefined for a value that is not a non-negative integer. */
function toBig(word: number | bigint): bigint | undefined {
  if (typeof word === "bigint") return word >= 0n ? word : undefined;
  return Number.isInteger(word) && word >= 0 ? BigInt(word) : undefined;
}

/** A SECINFO.FLAGS word by name, in the contract's order: "R|W|REG|PENDING" for 0x20b. */
export function secinfoFlagsToString(word: number | bigint): string {
  const w = toBig(word);
  if (w === undefined) return String(word);
  const parts: string[] = [];
  const names = SECINFO_FLAGS.names;
  for (const [name, bit] of names.slice(0, 3)) if ((w & BigInt(bit)) !== 0n) parts.push(name);
  const type = Number((w >> 8n) & 0xffn);
  let rest = w & ~0xffffn; // bits 63:16 are reserved (SDM SECINFO.FLAGS)
  if (type < PAGE_TYPE_VALUES.length) parts.push(PAGE_TYPE_VALUES[type][0]);
  else rest |= BigInt(type) << 8n;
  for (const [name, bit] of names.slice(3, 6)) if ((w & BigInt(bit)) !== 0n) parts.push(name);
  rest |= w & 0xc0n; // bits 7:6 are reserved
  if (rest !== 0n) parts.push(formatHex(rest));
  return parts.join("|");
}

/** mmap/mprotect prot by name: "PROT_READ|PROT_WRITE", "PROT_NONE" for 0. */
export function protToString(prot: number | bigint): string {
  const w = toBig(prot);
  return w === undefined ? String(prot) : bitsToString(w, PROT_FLAGS, "PROT_NONE");
}

/** mmap flags by name: "MAP_SHARED|MAP_FIXED". */
export function mmapFlagsToString(flags: number | bigint): string {
  const w = toBig(flags);
  return w === undefined ? String(flags) : bitsToString(w, MMAP_FLAGS);
}

/** SECS.ATTRIBUTES by name: "DEBUG|MODE64BIT". */
export function attributesToString(attributes: number | bigint): string {
  const w = toBig(attributes);
  return w === undefined ? String(attributes) : bitsToString(w, ATTRIBUTE_FLAGS);
}

/** A permission mask by name: "R|W" ("0x0" for none). */
export function permissionsToString(permissions: number | bigint): string {
  const w = toBig(permissions);
  return w === undefined ? String(permissions) : bitsToString(w, PERMISSION_FLAGS);
}

// ---------------------------------------------------------------------------------------------
// Error collection and JSON paths.

const STOP = Symbol("stop");

class Collector {
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
function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= 60) return path === "" ? key : `${path}.${key}`;
  const shown = key.length > 60 ? `${key.slice(0, 60)}...` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

type Obj = Record<string, unknown>;
type Parser<T> = (value: unknown) => NumberResult<T>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own field; undefined (from an already-parsed value) counts as absent. */
function get(o: Obj, key: string): unknown {
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
function checkFields(
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
function need<T>(c: Collector, o: Obj, path: string, key: string, parse: Parser<T>, fallback: T): T {
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
function opt<T>(c: Collector, o: Obj, path: string, key: string, parse: Parser<T>, dflt: T): T {
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
function maybe<T>(c: Collector, o: Obj, path: string, key: string, parse: Parser<T>): T | undefined {
  const value = get(o, key);
  if (value === undefined) return undefined;
  const r = parse(value);
  if (!r.ok) {
    c.add(child(path, key), r.message);
    return undefined;
  }
  return r.value;
}

const num: Parser<number> = parseModeledNumber;
const u64: Parser<bigint> = parseU64;
const flags =
  (family: FlagFamily): Parser<number> =>
  (value) =>
    parseFlagWord(value, family);

function integerIn(lo: number, hi: number): Parser<number> {
  return (value) => {
    const r = parseModeledNumber(value);
    if (r.ok && r.value >= lo && r.value <= hi) return r;
    return { ok: false, message: `expected an integer from ${lo} to ${hi}, got ${describeValue(value)}` };
  };
}

function text(max: number): Parser<string> {
  return (value) => {
    if (typeof value !== "string")
      return { ok: false, message: `expected a string, got ${describeValue(value)}` };
    if (value.length > max) {
      return { ok: false, message: `${value.length} characters is more than the limit of ${max}` };
    }
    return { ok: true, value };
  };
}

const boolean: Parser<boolean> = (value) =>
  typeof value === "boolean"
    ? { ok: true, value }
    : { ok: false, message: `expected true or false, got ${describeValue(value)}` };

const ENCLAVE_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

/** Step `enclave`: a name of 1 to 32 characters [A-Za-z0-9_.-]. */
const enclaveName: Parser<string> = (value) => {
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
const enclaveHash: Parser<string> = (value) => {
  if (value === "match") return { ok: true, value };
  const m = typeof value === "string" ? ENCLAVE_HASH.exec(value) : null;
  if (m) return { ok: true, value: m[2].toLowerCase().padStart(64, "0") };
  return {
    ok: false,
    message: `expected "match" or a hex MRENCLAVE of at most 64 digits, got ${describeValue(value)}`,
  };
};

// ---------------------------------------------------------------------------------------------
// Shape check: depth, size and value kinds of the whole input, before field validation, so that
// no later reader (expectations, trace echo) meets cycles, deep nesting or non-JSON values.

interface Frame {
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
}

function framePath(frame: Frame, key: string | number): string {
  const keys: Array<string | number> = [key];
  for (let f: Frame | undefined = frame; f?.parent !== undefined; f = f.parent) keys.push(f.key);
  let path = "";
  for (let i = keys.length - 1; i >= 0; i--) path = child(path, keys[i]);
  return path;
}

function checkShape(c: Collector, root: object): boolean {
  const stack: Frame[] = [{ value: root, depth: 1, parent: undefined, key: "" }];
  let values = 1;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const isArray = Array.isArray(frame.value);
    const keys = isArray ? undefined : Object.keys(frame.value);
    const length = keys ? keys.length : (frame.value as unknown[]).length;
    values += length;
    if (values > LIMITS.maxValues) {
      c.add("", `more than ${LIMITS.maxValues} values in all, the limit`);
      return false;
    }
    for (let i = 0; i < length; i++) {
      const key: string | number = keys ? keys[i] : i;
      if (typeof key === "string" && key.length > LIMITS.maxInputChars) {
        c.add(
          framePath(frame, key.slice(0, 20)),
          `a field name longer than ${LIMITS.maxInputChars} characters`,
        );
        return false;
      }
      const v = (frame.value as Record<string | number, unknown>)[key];
      switch (typeof v) {
        case "object":
          if (v === null) break;
          if (frame.depth >= LIMITS.maxDepth) {
            c.add(framePath(frame, key), `nested more than ${LIMITS.maxDepth} levels deep`);
            return false;
          }
          stack.push({ value: v, depth: frame.depth + 1, parent: frame, key });
          break;
        case "string":
          if (v.length > LIMITS.maxInputChars) {
            c.add(
              framePath(frame, key),
              `a string of ${v.length} characters is longer than the limit of ${LIMITS.maxInputChars}`,
            );
            return false;
          }
          break;
        case "bigint":
        case "function":
        case "symbol":
          c.add(framePath(frame, key), `expected a JSON value, got ${describeValue(v)}`);
          return false;
        default:
          break;
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Steps (contract, "Driver calls" and "Enclave calls").

const OPS = ["ioctl", "mmap", "mprotect", "munmap", "close", "reclaim", "EENTER", "ERESUME"] as const;
type Op = (typeof OPS)[number];

const COMMON_FIELDS = ["op", "enclave", "note", "expect"] as const;

const OP_FIELDS: Record<Op, readonly string[]> = {
  ioctl: ["cmd", "arg"],
  mmap: ["offset", "length", "prot", "flags"],
  mprotect: ["offset", "length", "prot"],
  munmap: ["offset", "length"],
  close: [],
  reclaim: ["pages"],
  EENTER: ["tcs", "call", "pages"],
  ERESUME: ["tcs"],
};

const CALLS = ["write", "read", "exec", "nop", "EACCEPT", "EACCEPTCOPY", "EMODPE", "init_tcs"] as const;
type CallName = (typeof CALLS)[number];

/** Fields of each enclave call, written at the step level next to `call`. */
const CALL_FIELDS: Record<CallName, readonly string[]> = {
  write: ["addr", "value"],
  read: ["addr"],
  exec: ["addr"],
  nop: [],
  EACCEPT: ["addr", "secinfo"],
  EACCEPTCOPY: ["addr", "src", "secinfo"],
  EMODPE: ["addr", "secinfo"],
  init_tcs: ["addr", "ssa", "entry"],
};

const ALL_CALL_FIELDS = [...new Set(Object.values(CALL_FIELDS).flat())];

function oneOf<T extends string>(value: unknown, valid: readonly T[], what: string): NumberResult<T> {
  if (typeof value !== "string") {
    return { ok: false, message: `expected a string, got ${describeValue(value)}` };
  }
  if ((valid as readonly string[]).includes(value)) return { ok: true, value: value as T };
  const near = valid.find((v) => v.toLowerCase() === value.toLowerCase());
  const hint = near ? ` (did you mean "${near}"?)` : "";
  return { ok: false, message: `unknown ${what} ${describeValue(value)}${hint}; valid: ${valid.join(", ")}` };
}

function parseExpect(c: Collector, value: unknown, path: string): Expectation | undefined {
  if (!isObject(value)) {
    c.add(path, `expected an object (a partial trace step), got ${describeValue(value)}`);
    return undefined;
  }
  // expect.epcm maps offsets to partial EPCM entries (contract, "Expectations").
  const epcm = get(value, "epcm");
  if (epcm !== undefined) {
    const epcmPath = child(path, "epcm");
    if (!isObject(epcm)) {
      c.add(epcmPath, `expected an object mapping offsets to EPCM entries, got ${describeValue(epcm)}`);
    } else {
      const seen = new Map<number, string>();
      for (const key of Object.keys(epcm)) {
        const entry = epcm[key];
        if (entry === undefined) continue;
        const at = child(epcmPath, key);
        const r = parseModeledNumber(key);
        if (!r.ok) {
          c.add(at, `expected an offset (a number or a hex string) as the key: ${r.message}`);
        } else if (seen.has(r.value)) {
          c.add(at, `offset ${formatHex(r.value)} is already given as ${JSON.stringify(seen.get(r.value))}`);
        } else {
          seen.set(r.value, key);
        }
        if (!isObject(entry))
          c.add(at, `expected an object (a partial EPCM entry), got ${describeValue(entry)}`);
      }
    }
  }
  return value;
}

function parseArgObject(c: Collector, step: Obj, path: string, required: boolean): Obj | undefined {
  const arg = get(step, "arg");
  const at = child(path, "arg");
  if (arg === undefined) {
    if (required) c.add(at, "required field is missing");
    return required ? undefined : {};
  }
  if (!isObject(arg)) {
    c.add(at, `expected an object, got ${describeValue(arg)}`);
    return undefined;
  }
  return arg;
}

function parseTcsImages(c: Collector, value: unknown, path: string): TcsImage[] | undefined {
  if (!Array.isArray(value)) {
    c.add(path, `expected an array of {ossa, nssa, oentry}, got ${describeValue(value)}`);
    return undefined;
  }
  const images: TcsImage[] = [];
  for (let i = 0; i < value.length; i++) {
    const at = child(path, i);
    const item: unknown = value[i];
    if (!isObject(item)) {
      c.add(at, `expected an object {ossa, nssa, oentry}, got ${describeValue(item)}`);
      continue;
    }
    const known = ["ossa", "nssa", "oentry"];
    checkFields(c, item, at, known);
    images.push({
      ossa: opt(c, item, at, "ossa", num, 0),
      nssa: opt(c, item, at, "nssa", num, 0),
      oentry: opt(c, item, at, "oentry", num, 0),
    });
  }
  return images;
}

/** ADD_PAGES `data`: 8-byte words keyed by byte offset within the added range. */
function parseData(
  c: Collector,
  value: unknown,
  path: string,
  length: number | undefined,
): Array<[number, bigint]> | undefined {
  if (!isObject(value)) {
    c.add(path, `expected an object mapping offsets to 8-byte words, got ${describeValue(value)}`);
    return undefined;
  }
  const words: Array<[number, bigint]> = [];
  const seen = new Map<number, string>();
  for (const key of Object.keys(value)) {
    const word = value[key];
    if (word === undefined) continue;
    const at = child(path, key);
    const off = parseModeledNumber(key);
    if (!off.ok) {
      c.add(at, `expected an offset (a number or a hex string) as the key: ${off.message}`);
      continue;
    }
    if (off.value % 8 !== 0) {
      c.add(at, `offset ${formatHex(off.value)} is not a multiple of 8 (data words are 8 bytes)`);
      continue;
    }
    // Offsets are within the added range (contract); a zero length is the kernel's to refuse.
    if (length !== undefined && length > 0 && off.value + 8 > length) {
      c.add(at, `offset ${formatHex(off.value)} is outside the added range (length ${formatHex(length)})`);
      continue;
    }
    if (seen.has(off.value)) {
      c.add(at, `offset ${formatHex(off.value)} is already given as ${JSON.stringify(seen.get(off.value))}`);
      continue;
    }
    seen.set(off.value, key);
    const w = parseU64(word);
    if (!w.ok) {
      c.add(at, w.message);
      continue;
    }
    words.push([off.value, w.value]);
  }
  words.sort((a, b) => a[0] - b[0]);
  return words;
}

/** `ioctl(fd, cmd, &arg)`: arg fields use the uapi struct field names (asm/sgx.h). */
function parseIoctl(c: Collector, step: Obj, path: string): StepOp | undefined {
  const cmd = need(c, step, path, "cmd", text(LIMITS.maxCmdChars), "");
  const argPath = child(path, "arg");
  let arg: IoctlArg | undefined;
  switch (cmd) {
    case "SGX_IOC_ENCLAVE_CREATE": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["size", "ssa_frame_size", "attributes", "xfrm", "base", "miscselect"]);
      const base = maybe(c, a, argPath, "base", num);
      arg = {
        cmd,
        size: need(c, a, argPath, "size", num, 0),
        ssa_frame_size: opt(c, a, argPath, "ssa_frame_size", num, DEFAULTS.ssaFrameSize),
        attributes: opt(c, a, argPath, "attributes", flags(ATTRIBUTE_FLAGS), DEFAULTS.attributes),
        xfrm: opt(c, a, argPath, "xfrm", num, DEFAULTS.xfrm),
        miscselect: opt(c, a, argPath, "miscselect", num, 0),
        ...(base === undefined ? {} : { base }),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_ADD_PAGES": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "secinfo", "flags", "src", "tcs", "data"]);
      const offset = need(c, a, argPath, "offset", num, 0);
      const length = maybe(c, a, argPath, "length", num);
      if (get(a, "length") === undefined) c.add(child(argPath, "length"), "required field is missing");
      const added: AddPagesArg = {
        offset,
        length: length ?? 0,
        secinfo: need(c, a, argPath, "secinfo", flags(SECINFO_FLAGS), 0),
        flags: opt(c, a, argPath, "flags", flags(ADD_PAGES_FLAGS), 0),
        src: opt(c, a, argPath, "src", num, 0),
      };
      const tcs = get(a, "tcs");
      if (tcs !== undefined) added.tcs = parseTcsImages(c, tcs, child(argPath, "tcs"));
      const data = get(a, "data");
      if (data !== undefined) added.data = parseData(c, data, child(argPath, "data"), length);
      arg = { cmd, ...added };
      break;
    }
    case "SGX_IOC_ENCLAVE_INIT": {
      const a = parseArgObject(c, step, path, false);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["sigstruct"]);
      const raw = get(a, "sigstruct");
      const sigPath = child(argPath, "sigstruct");
      let s: Obj = {};
      if (raw !== undefined) {
        if (isObject(raw)) s = raw;
        else c.add(sigPath, `expected an object, got ${describeValue(raw)}`);
      }
      checkFields(c, s, sigPath, [
        "vendor",
        "attributes",
        "attributes_mask",
        "xfrm",
        "xfrm_mask",
        "miscselect",
        "misc_mask",
        "enclavehash",
      ]);
      const attributes = maybe(c, s, sigPath, "attributes", flags(ATTRIBUTE_FLAGS));
      const xfrm = maybe(c, s, sigPath, "xfrm", num);
      arg = {
        cmd,
        vendor: opt(c, s, sigPath, "vendor", num, 0),
        ...(attributes === undefined ? {} : { attributes }),
        attributes_mask: opt(c, s, sigPath, "attributes_mask", flags(ATTRIBUTE_FLAGS), 0),
        ...(xfrm === undefined ? {} : { xfrm }),
        xfrm_mask: opt(c, s, sigPath, "xfrm_mask", num, 0),
        miscselect: opt(c, s, sigPath, "miscselect", num, 0),
        misc_mask: opt(c, s, sigPath, "misc_mask", num, 0),
        enclavehash: opt(c, s, sigPath, "enclavehash", enclaveHash, "match"),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_PROVISION": {
      const a = parseArgObject(c, step, path, false);
      if (!a) return undefined;
      checkFields(c, a, argPath, []);
      arg = { cmd };
      break;
    }
    case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "permissions", "result", "count"]);
      arg = {
        cmd,
        offset: need(c, a, argPath, "offset", num, 0),
        length: need(c, a, argPath, "length", num, 0),
        permissions: need(c, a, argPath, "permissions", flags(PERMISSION_FLAGS), 0),
        result: opt(c, a, argPath, "result", num, 0),
        count: opt(c, a, argPath, "count", num, 0),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_MODIFY_TYPES": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "page_type", "result", "count"]);
      arg = {
        cmd,
        offset: need(c, a, argPath, "offset", num, 0),
        length: need(c, a, argPath, "length", num, 0),
        page_type: need(c, a, argPath, "page_type", flags(PAGE_TYPES), 0),
        result: opt(c, a, argPath, "result", num, 0),
        count: opt(c, a, argPath, "count", num, 0),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_REMOVE_PAGES": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "count"]);
      arg = {
        cmd,
        offset: need(c, a, argPath, "offset", num, 0),
        length: need(c, a, argPath, "length", num, 0),
        count: opt(c, a, argPath, "count", num, 0),
      };
      break;
    }
    default: {
      // Any other command reaches the kernel, which answers ENOTTY (contract); its arg is ignored.
      if (parseArgObject(c, step, path, false) === undefined) return undefined;
      arg = { cmd: "unknown", name: cmd };
      break;
    }
  }
  return { op: "ioctl", cmd, arg };
}

function parseCall(c: Collector, step: Obj, path: string, call: CallName): EnclaveCall {
  switch (call) {
    case "write":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        value: need(c, step, path, "value", u64, 0n),
      };
    case "read":
    case "exec":
      return { call, addr: need(c, step, path, "addr", num, 0) };
    case "nop":
      return { call };
    case "EACCEPT":
    case "EMODPE":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        secinfo: need(c, step, path, "secinfo", flags(SECINFO_FLAGS), 0),
      };
    case "EACCEPTCOPY":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        src: need(c, step, path, "src", num, 0),
        secinfo: need(c, step, path, "secinfo", flags(SECINFO_FLAGS), 0),
      };
    case "init_tcs":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        ssa: need(c, step, path, "ssa", num, 0),
        entry: need(c, step, path, "entry", num, 0),
      };
  }
}

function parseStep(c: Collector, raw: unknown, path: string): Step | undefined {
  if (!isObject(raw)) {
    c.add(path, `expected an object with an "op", got ${describeValue(raw)}`);
    return undefined;
  }
  const opValue = get(raw, "op");
  let op: Op | undefined;
  if (opValue === undefined) {
    c.add(child(path, "op"), `required field is missing (one of ${OPS.join(", ")})`);
  } else {
    const r = oneOf(opValue, OPS, "op");
    if (r.ok) op = r.value;
    else c.add(child(path, "op"), r.message);
  }

  const enclave = opt(c, raw, path, "enclave", enclaveName, DEFAULTS.enclave);
  const note = maybe(c, raw, path, "note", text(LIMITS.maxNoteChars));
  const expectValue = get(raw, "expect");
  const expect = expectValue === undefined ? undefined : parseExpect(c, expectValue, child(path, "expect"));
  if (op === undefined) return undefined;

  let stepOp: StepOp | undefined;
  switch (op) {
    case "ioctl":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.ioctl]);
      stepOp = parseIoctl(c, raw, path);
      break;
    case "mmap":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.mmap]);
      stepOp = {
        op,
        offset: need(c, raw, path, "offset", num, 0),
        length: need(c, raw, path, "length", num, 0),
        prot: need(c, raw, path, "prot", flags(PROT_FLAGS), 0),
        flags: opt(c, raw, path, "flags", flags(MMAP_FLAGS), DEFAULTS.mmapFlags),
      };
      break;
    case "mprotect":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.mprotect]);
      stepOp = {
        op,
        offset: need(c, raw, path, "offset", num, 0),
        length: need(c, raw, path, "length", num, 0),
        prot: need(c, raw, path, "prot", flags(PROT_FLAGS), 0),
      };
      break;
    case "munmap":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.munmap]);
      stepOp = {
        op,
        offset: need(c, raw, path, "offset", num, 0),
        length: need(c, raw, path, "length", num, 0),
      };
      break;
    case "close":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.close]);
      stepOp = { op };
      break;
    case "reclaim":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.reclaim]);
      stepOp = { op, pages: need(c, raw, path, "pages", num, 0) };
      break;
    case "EENTER": {
      const callValue = get(raw, "call");
      let call: CallName | undefined;
      if (callValue === undefined) {
        c.add(child(path, "call"), `required field is missing (one of ${CALLS.join(", ")})`);
      } else {
        const r = oneOf(callValue, CALLS, "call");
        if (r.ok) call = r.value;
        else c.add(child(path, "call"), r.message);
      }
      const own = call === undefined ? ALL_CALL_FIELDS : CALL_FIELDS[call];
      const known = [...COMMON_FIELDS, ...OP_FIELDS.EENTER, ...own];
      checkFields(c, raw, path, known, (key) => {
        if (call === undefined || !ALL_CALL_FIELDS.includes(key)) return undefined;
        const its = own.length === 0 ? "it takes no fields" : `its fields: ${own.join(", ")}`;
        return `not a field of call "${call}" (${its})`;
      });
      const tcs = opt(c, raw, path, "tcs", num, 0);
      const pages = maybe(c, raw, path, "pages", integerIn(1, LIMITS.maxRepeatPages));
      if (call === undefined) return undefined;
      stepOp = { op, tcs, call: parseCall(c, raw, path, call), ...(pages === undefined ? {} : { pages }) };
      break;
    }
    case "ERESUME":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.ERESUME]);
      stepOp = { op, tcs: opt(c, raw, path, "tcs", num, 0) };
      break;
  }
  if (stepOp === undefined) return undefined;
  return {
    ...stepOp,
    enclave,
    ...(note === undefined ? {} : { note }),
    ...(expect === undefined ? {} : { expect }),
    source: { ...raw },
  };
}

// ---------------------------------------------------------------------------------------------
// The scenario.

function parseMachine(c: Collector, value: unknown): Machine {
  const machine: Machine = { epcPages: DEFAULTS.epcPages, sgx2: DEFAULTS.sgx2 };
  if (value === undefined) return machine;
  if (!isObject(value)) {
    c.add("machine", `expected an object {epcPages, sgx2}, got ${describeValue(value)}`);
    return machine;
  }
  checkFields(c, value, "machine", ["epcPages", "sgx2"]);
  machine.epcPages = opt(
    c,
    value,
    "machine",
    "epcPages",
    integerIn(1, LIMITS.maxEpcPages),
    DEFAULTS.epcPages,
  );
  machine.sgx2 = opt(c, value, "machine", "sgx2", boolean, DEFAULTS.sgx2);
  return machine;
}

/** "Readers accept exactly "format": "epcm-scenario/1" and reject any other value" (contract). */
function checkFormat(c: Collector, value: unknown): boolean {
  if (value === SCENARIO_FORMAT) return true;
  if (value === undefined) {
    c.add("format", `required field is missing (expected "${SCENARIO_FORMAT}")`);
    return false;
  }
  let hint = "";
  if (value === TRACE_FORMAT) hint = " (this is a trace, not a scenario)";
  else if (typeof value === "string") {
    const m = /^epcm-scenario\/([0-9]+)$/.exec(value);
    if (m && Number(m[1]) > 1) hint = " (written by a newer version?)";
  }
  c.add("format", `expected "${SCENARIO_FORMAT}", got ${describeValue(value)}${hint}`);
  return false;
}

function validate(c: Collector, input: unknown): Scenario | undefined {
  let root = input;
  if (typeof input === "string") {
    if (input.length > LIMITS.maxInputChars) {
      c.add(
        "",
        `the input is ${input.length} characters long, more than the limit of ${LIMITS.maxInputChars}`,
      );
      return undefined;
    }
    try {
      root = JSON.parse(input);
    } catch (e) {
      const reason = e instanceof RangeError ? `nested too deeply (${e.message})` : errorText(e);
      c.add("", `not valid JSON: ${reason}`);
      return undefined;
    }
  }
  if (!isObject(root)) {
    c.add("", `expected an object with "format": "${SCENARIO_FORMAT}", got ${describeValue(root)}`);
    return undefined;
  }
  // A different format may mean anything else below it: report only that.
  if (!checkFormat(c, get(root, "format"))) return undefined;

  // Reject an oversized step list before looking at a single step.
  const stepsValue = get(root, "steps");
  if (Array.isArray(stepsValue) && stepsValue.length > LIMITS.maxSteps) {
    c.add("steps", `${stepsValue.length} steps is more than the limit of ${LIMITS.maxSteps}`);
    return undefined;
  }
  if (!checkShape(c, root)) return undefined;

  checkFields(c, root, "", ["format", "title", "description", "machine", "steps"]);
  const title = opt(c, root, "", "title", text(LIMITS.maxTitleChars), DEFAULTS.title);
  const description = maybe(c, root, "", "description", text(LIMITS.maxDescriptionChars));
  const machine = parseMachine(c, get(root, "machine"));

  const steps: Step[] = [];
  if (stepsValue === undefined) {
    c.add("steps", "required field is missing (an array of steps)");
  } else if (!Array.isArray(stepsValue)) {
    c.add("steps", `expected an array of steps, got ${describeValue(stepsValue)}`);
  } else {
    for (let i = 0; i < stepsValue.length; i++) {
      const step = parseStep(c, stepsValue[i], child("steps", i));
      if (step) steps.push(step);
    }
  }
  if (c.errors.length > 0) return undefined;
  return {
    format: SCENARIO_FORMAT,
    title,
    ...(description === undefined ? {} : { description }),
    machine,
    steps,
  };
}

function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.length > 300 ? `${message.slice(0, 300)}...` : message;
}

/**
 * Validates a scenario (JSON text or an already-parsed value) against contract version 1 and
 * returns the normalized Scenario, or every error (at most LIMITS.maxErrors, then
 * "... and more"), each naming its JSON path. Never throws.
 */
export function parseScenario(input: unknown): ParseResult {
  const c = new Collector();
  try {
    const scenario = validate(c, input);
    if (scenario && c.errors.length === 0) return { ok: true, scenario };
    return { ok: false, errors: c.errors };
  } catch (e) {
    if (e === STOP) return { ok: false, errors: c.errors };
    // A hostile already-parsed value (a throwing getter or proxy) must not escape as an exception.
    let reason: string;
    try {
      reason = errorText(e);
    } catch {
      reason = "unreadable value";
    }
    return { ok: false, errors: [...c.errors, `scenario: could not be read: ${reason}`] };
  }
}
