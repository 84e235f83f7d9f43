// Numbers as scenarios write them and as traces print them
// (docs/scenario-format.md, Scenario: "Numbers are accepted as JSON integers or as
// strings ("0x1000", "4096")"; "The trace writes ... as lowercase hex strings").
//
// Pure functions: no DOM, no Node APIs. Each parser returns a result instead of throwing, so
// the validator can attach the JSON path to the message.

/**
 * The largest address, offset, length or count the explorer models: 2^53 - 1, the largest
 * integer a double holds exactly. ELRANGE is below 2^48, so every meaningful value fits.
 */
export const MAX_MODELED = Number.MAX_SAFE_INTEGER;

/** 64-bit data values (`value`, ADD_PAGES `data` words) must be below 2^64. */
export const U64_LIMIT = 1n << 64n;

export type NumberResult<T> = { ok: true; value: T } | { ok: false; message: string };

const DECIMAL = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const NEGATIVE = /^-\s*(0[xX][0-9a-fA-F]+|[0-9]+)$/;
const FRACTION = /^-?[0-9]*\.[0-9]+$|^-?[0-9]+\.[0-9]*$/;

/** 2^64 - 1 has 16 hex digits and 20 decimal digits: longer strings cannot fit in 64 bits. */
const MAX_HEX_DIGITS = 16;
const MAX_DECIMAL_DIGITS = 20;

const EXPECTED_NUMBER = "expected a number or a hex string";

/** A short, printable description of any value for error messages (`"8k"`, `-1`, `an object`). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return JSON.stringify(shown);
    }
    case "number":
      return Number.isNaN(value) ? "NaN" : String(value);
    case "boolean":
      return String(value);
    case "undefined":
      return "undefined";
    case "bigint":
      return "a bigint";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      if (value === null) return "null";
      return Array.isArray(value) ? "an array" : "an object";
  }
}

type Unsigned =
  | { kind: "error"; message: string }
  | { kind: "json-number"; value: number }
  | { kind: "string"; value: bigint }
  | { kind: "too-large" };

/**
 * Reads a non-negative integer written as a JSON number or a decimal / 0x-hex string. A string
 * with more digits than any 64-bit value is "too-large" without being converted, so a megabyte
 * of digits costs nothing.
 */
function readUnsigned(value: unknown): Unsigned {
  if (typeof value === "number") {
    const shown = describeValue(value);
    if (!Number.isFinite(value)) return { kind: "error", message: `${EXPECTED_NUMBER}, got ${shown}` };
    if (!Number.isInteger(value)) return { kind: "error", message: `expected an integer, got ${shown}` };
    if (value < 0) return { kind: "error", message: `expected a non-negative integer, got ${shown}` };
    return { kind: "json-number", value: value + 0 }; // + 0 turns -0 into 0
  }
  if (typeof value !== "string") {
    return { kind: "error", message: `${EXPECTED_NUMBER}, got ${describeValue(value)}` };
  }
  let digits: string;
  let radix: 10 | 16;
  if (HEX.test(value)) {
    digits = value.slice(2);
    radix = 16;
  } else if (DECIMAL.test(value)) {
    digits = value;
    radix = 10;
  } else {
    const shown = describeValue(value);
    if (NEGATIVE.test(value))
      return { kind: "error", message: `expected a non-negative integer, got ${shown}` };
    if (FRACTION.test(value)) return { kind: "error", message: `expected an integer, got ${shown}` };
    const noUnderscores = value.replaceAll("_", "");
    if (noUnderscores !== value && (HEX.test(noUnderscores) || DECIMAL.test(noUnderscores))) {
      return { kind: "error", message: `${EXPECTED_NUMBER} (underscores are not allowed), got ${shown}` };
    }
    return { kind: "error", message: `${EXPECTED_NUMBER}, got ${shown}` };
  }
  let start = 0;
  while (start < digits.length - 1 && digits[start] === "0") start++;
  if (digits.length - start > (radix === 16 ? MAX_HEX_DIGITS : MAX_DECIMAL_DIGITS))
    return { kind: "too-large" };
  const big = BigInt(radix === 16 ? `0x${digits.slice(start)}` : digits.slice(start));
  if (big >= U64_LIMIT) return { kind: "too-large" };
  return { kind: "string", value: big };
}

const BEYOND = "is beyond the largest value the explorer models (2^53-1 = 0x1fffffffffffff)";

/**
 * An address, offset, length, count or flag word: a non-negative integer no larger than
 * 2^53 - 1 (MAX_MODELED). Accepts JSON integers and "4096" / "0x1000" strings.
 */
export function parseModeledNumber(value: unknown): NumberResult<number> {
  const r = readUnsigned(value);
  switch (r.kind) {
    case "error":
      return { ok: false, message: r.message };
    case "too-large":
      return { ok: false, message: `${describeValue(value)} ${BEYOND}` };
    case "json-number":
      if (r.value > MAX_MODELED) return { ok: false, message: `${describeValue(value)} ${BEYOND}` };
      return { ok: true, value: r.value };
    case "string":
      if (r.value > BigInt(MAX_MODELED)) return { ok: false, message: `${describeValue(value)} ${BEYOND}` };
      return { ok: true, value: Number(r.value) };
  }
}

/**
 * A 64-bit data value (`value` of a write, ADD_PAGES `data` words): a non-negative integer
 * below 2^64, as a bigint. A JSON number above 2^53 - 1 is refused because JSON readers have
 * already rounded it; such values must be written as strings.
 */
export function parseU64(value: unknown): NumberResult<bigint> {
  const r = readUnsigned(value);
  switch (r.kind) {
    case "error":
      return { ok: false, message: r.message };
    case "too-large":
      return { ok: false, message: `${describeValue(value)} does not fit in 64 bits` };
    case "json-number":
      if (!Number.isSafeInteger(r.value)) {
        return {
          ok: false,
          message: `${describeValue(value)} is a JSON number above 2^53-1, which JSON cannot hold exactly; write it as a hex string`,
        };
      }
      return { ok: true, value: BigInt(r.value) };
    case "string":
      return { ok: true, value: r.value };
  }
}

/**
 * A uapi `__u64` offset or length of a range ioctl (docs/scenario-format.md, Kernel versions and
 * what-ifs): any value below 2^64. Values up to 2^53 - 1 come back as numbers, as everywhere
 * else; larger ones (only as strings: a JSON number above 2^53 - 1 has already been rounded)
 * come back as bigints, so that the kernel model can add them with 64-bit wrap-around as the C
 * code does.
 */
export function parseUapiU64(value: unknown): NumberResult<number | bigint> {
  const r = parseU64(value);
  if (!r.ok) return r;
  return { ok: true, value: r.value <= BigInt(MAX_MODELED) ? Number(r.value) : r.value };
}

/**
 * Lowercase hex with a "0x" prefix, as the trace writes numbers ("0x8007"). Negative values get
 * a leading "-" ("-0x1"). Throws a RangeError for a number that is not an integer.
 */
export function formatHex(n: number | bigint): string {
  if (typeof n === "number") {
    if (!Number.isInteger(n)) throw new RangeError(`formatHex: ${n} is not an integer`);
    return n < 0 ? `-0x${(-n).toString(16)}` : `0x${(n + 0).toString(16)}`;
  }
  return n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}
