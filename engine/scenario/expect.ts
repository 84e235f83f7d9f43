// Expectations: `expect` is a partial trace step; every field given must equal the trace's field
// after the step (docs/scenario-format.md, Expectations). Numbers compare by value whether written as numbers
// or as decimal/hex strings; `expect.epcm` maps offsets to partial EPCM entries of the step's
// enclave, checked against the state after the step.

import type { EpcmEntryJson } from "./trace-types.ts";

function asInteger(v: unknown): bigint | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "bigint") return v;
  if (typeof v === "string" && /^-?(0x[0-9a-f]+|[0-9]+)$/i.test(v)) {
    const neg = v.startsWith("-");
    const body = neg ? v.slice(1) : v;
    const n = BigInt(body);
    return neg ? -n : n;
  }
  return undefined;
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}

/** Compare `expected` (partial) with `actual`; push a message per mismatch. */
export function matchPartial(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object") {
      out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
      return;
    }
    for (const [key, value] of Object.entries(expected)) {
      matchPartial(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
      return;
    }
    expected.forEach((e, i) => {
      matchPartial(e, actual[i], `${path}[${i}]`, out);
    });
    return;
  }
  const a = asInteger(expected);
  const b = asInteger(actual);
  if (a !== undefined && b !== undefined) {
    if (a !== b) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (expected !== actual) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
}

/**
 * Check a step's expectation. `stepJson` is the trace step; `entryAt(offset)` gives the EPCM entry
 * of the enclave page at that offset after the step (undefined when no EPC page holds it).
 */
export function checkExpectation(
  expect: Record<string, unknown>,
  stepJson: Record<string, unknown>,
  entryAt: (offset: number) => EpcmEntryJson | undefined,
): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(expect)) {
    if (key === "epcm") continue;
    matchPartial(value, stepJson[key], key, out);
  }
  const epcm = expect.epcm;
  if (epcm && typeof epcm === "object") {
    for (const [off, partial] of Object.entries(epcm as Record<string, unknown>)) {
      const offset = Number(asInteger(off) ?? Number.NaN);
      const entry = entryAt(offset);
      const where = `epcm[${off}]`;
      if (!entry) {
        const p = partial as Record<string, unknown>;
        if (p && typeof p === "object" && p.valid === false && Object.keys(p).length === 1) continue;
        out.push(
          `${where}: expected ${show(partial)}, but no EPC page holds that offset (not added, removed or evicted)`,
        );
        continue;
      }
      matchPartial(partial, entry, where, out);
    }
  }
  return out;
}
