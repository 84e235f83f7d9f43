// Flag words by name, both ways: reading "R|W|REG" into a word (the scenario) and writing a word
// as names (the trace and the log). Names follow the uapi header (arch/x86/include/uapi/asm/sgx.h),
// the SDM (SECINFO flags, page types, SECS attributes) and the syscalls (mmap, mprotect, PROT_*).

import { PAGE_TYPE_NAMES, SECINFO_FLAG_NAMES, SECINFO_PT_SHIFT } from "../vocabulary/epcm.ts";
import { describeValue, formatHex, type NumberResult, parseModeledNumber } from "./numbers.ts";

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

/** A permission mask by name: "R|W" ("0x0" for none). */
export function permissionsToString(permissions: number | bigint): string {
  const w = toBig(permissions);
  return w === undefined ? String(permissions) : bitsToString(w, PERMISSION_FLAGS);
}
