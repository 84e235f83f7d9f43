import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.ts";
import {
  ADD_PAGES_FLAGS,
  ATTRIBUTE_FLAGS,
  MMAP_FLAGS,
  mmapFlagsToString,
  PAGE_TYPES,
  PERMISSION_FLAGS,
  PROT_FLAGS,
  parseFlagWord,
  permissionsToString,
  protToString,
  SECINFO_FLAGS,
  secinfoFlagsToString,
} from "./names.ts";
import { formatHex, MAX_MODELED, parseModeledNumber, parseU64 } from "./numbers.ts";
import { type ParseResult, parseScenario } from "./parse.ts";
import type { Scenario, Step } from "./types.ts";

const FORMAT = "epcm-scenario/1";

function scenarioOf(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: FORMAT, title: "t", steps, ...extra };
}

function ok(input: unknown): Scenario {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(`expected ok, got errors:\n${r.errors.join("\n")}`);
  return r.scenario;
}

function errors(input: unknown): string[] {
  const r = parseScenario(input);
  if (r.ok) throw new Error("expected errors, got ok");
  return r.errors;
}

/** Parses one step and returns it. */
function step(s: Record<string, unknown>): Step {
  return ok(scenarioOf([s])).steps[0];
}

/** Errors for one step. */
function stepErrors(s: unknown): string[] {
  return errors(scenarioOf([s]));
}

/** The one error for one step. */
function stepError(s: unknown): string {
  const e = stepErrors(s);
  expect(e).toHaveLength(1);
  return e[0];
}

const create = (arg: Record<string, unknown>) => ({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg });
const addPages = (arg: Record<string, unknown>) => ({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_ADD_PAGES", arg });
const ADD = { offset: "0x0", length: "0x1000", secinfo: "R|W|REG" };

describe("numbers", () => {
  it("accepts JSON integers, decimal strings and 0x-hex strings in any case", () => {
    expect(parseModeledNumber(4096)).toEqual({ ok: true, value: 4096 });
    expect(parseModeledNumber("4096")).toEqual({ ok: true, value: 4096 });
    expect(parseModeledNumber("0x1000")).toEqual({ ok: true, value: 4096 });
    expect(parseModeledNumber("0X1000")).toEqual({ ok: true, value: 4096 });
    expect(parseModeledNumber("0xABCdef")).toEqual({ ok: true, value: 0xabcdef });
    expect(parseModeledNumber("007")).toEqual({ ok: true, value: 7 });
    expect(parseModeledNumber("0x0000000000000000000000000001")).toEqual({ ok: true, value: 1 });
    expect(parseModeledNumber(-0)).toEqual({ ok: true, value: 0 });
    expect(Object.is((parseModeledNumber(-0) as { value: number }).value, 0)).toBe(true);
  });

  it("accepts 2^53-1 and refuses anything larger with the modeled-limit message", () => {
    expect(parseModeledNumber(MAX_MODELED)).toEqual({ ok: true, value: MAX_MODELED });
    expect(parseModeledNumber("0x1fffffffffffff")).toEqual({ ok: true, value: MAX_MODELED });
    for (const v of ["0x20000000000000", 2 ** 53, 1e300, "0xffffffffffffffff", `0x${"f".repeat(1000)}`]) {
      const r = parseModeledNumber(v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain("is beyond the largest value the explorer models");
    }
  });

  it("refuses negatives, fractions, NaN, booleans and other non-numbers", () => {
    const cases: Array<[unknown, string]> = [
      [-1, "expected a non-negative integer, got -1"],
      ["-1", 'expected a non-negative integer, got "-1"'],
      ["-0x10", 'expected a non-negative integer, got "-0x10"'],
      [1.5, "expected an integer, got 1.5"],
      ["1.5", 'expected an integer, got "1.5"'],
      [Number.NaN, "expected a number or a hex string, got NaN"],
      [Number.POSITIVE_INFINITY, "expected a number or a hex string, got Infinity"],
      [true, "expected a number or a hex string, got true"],
      [null, "expected a number or a hex string, got null"],
      [[1], "expected a number or a hex string, got an array"],
      [{}, "expected a number or a hex string, got an object"],
      ["8k", 'expected a number or a hex string, got "8k"'],
      ["", 'expected a number or a hex string, got ""'],
      ["0x", 'expected a number or a hex string, got "0x"'],
      [" 16", 'expected a number or a hex string, got " 16"'],
      ["1e3", 'expected a number or a hex string, got "1e3"'],
      ["0x1_000", 'expected a number or a hex string (underscores are not allowed), got "0x1_000"'],
      [10n, "expected a number or a hex string, got a bigint"],
    ];
    for (const [v, message] of cases) expect(parseModeledNumber(v)).toEqual({ ok: false, message });
  });

  it("parses 64-bit values as bigint up to 2^64-1", () => {
    expect(parseU64("0x1122334455667788")).toEqual({ ok: true, value: 0x1122334455667788n });
    expect(parseU64("0xffffffffffffffff")).toEqual({ ok: true, value: 2n ** 64n - 1n });
    expect(parseU64("18446744073709551615")).toEqual({ ok: true, value: 2n ** 64n - 1n });
    expect(parseU64(42)).toEqual({ ok: true, value: 42n });
    expect(parseU64("0x10000000000000000")).toEqual({
      ok: false,
      message: '"0x10000000000000000" does not fit in 64 bits',
    });
    expect(parseU64("18446744073709551616")).toEqual({
      ok: false,
      message: '"18446744073709551616" does not fit in 64 bits',
    });
    const r = parseU64(2 ** 60);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain("write it as a hex string");
    // A megabyte of digits is refused without converting it.
    const t = performance.now();
    expect(parseU64(`0x${"1".repeat(1_000_000)}`).ok).toBe(false);
    expect(performance.now() - t).toBeLessThan(200);
  });

  it("formats lowercase hex", () => {
    expect(formatHex(0)).toBe("0x0");
    expect(formatHex(0x8007)).toBe("0x8007");
    expect(formatHex(0xabcdef)).toBe("0xabcdef");
    expect(formatHex(MAX_MODELED)).toBe("0x1fffffffffffff");
    expect(formatHex(2n ** 64n - 1n)).toBe("0xffffffffffffffff");
    expect(formatHex(-1)).toBe("-0x1");
    expect(formatHex(-0)).toBe("0x0");
    expect(() => formatHex(1.5)).toThrow(RangeError);
  });

  it("round-trips every modeled number through formatHex", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MODELED }), (n) => {
        expect(parseModeledNumber(formatHex(n))).toEqual({ ok: true, value: n });
        expect(parseModeledNumber(String(n))).toEqual({ ok: true, value: n });
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        expect(parseU64(formatHex(n))).toEqual({ ok: true, value: n });
      }),
    );
  });
});

describe("flag words", () => {
  it("parses SECINFO names, in any order, with spaces around |", () => {
    expect(parseFlagWord("R|W|REG|PENDING", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x20b });
    expect(parseFlagWord("PENDING | REG | W | R", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x20b });
    const names: Array<[string, number]> = [
      ["R", 0x1],
      ["W", 0x2],
      ["X", 0x4],
      ["PENDING", 0x8],
      ["MODIFIED", 0x10],
      ["PR", 0x20],
      ["SECS", 0x0],
      ["TCS", 0x100],
      ["REG", 0x200],
      ["VA", 0x300],
      ["TRIM", 0x400],
    ];
    for (const [name, value] of names)
      expect(parseFlagWord(name, SECINFO_FLAGS)).toEqual({ ok: true, value });
    expect(parseFlagWord("TRIM|MODIFIED", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x410 });
    expect(parseFlagWord("TCS|MODIFIED", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x110 });
    expect(parseFlagWord("R|PR|REG", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x221 });
    expect(parseFlagWord(0x20b, SECINFO_FLAGS)).toEqual({ ok: true, value: 0x20b });
    expect(parseFlagWord("0x20b", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x20b });
    expect(parseFlagWord("R|W|0x200", SECINFO_FLAGS)).toEqual({ ok: true, value: 0x203 });
  });

  it("allows at most one SECINFO page type", () => {
    expect(parseFlagWord("R|REG|TCS", SECINFO_FLAGS)).toEqual({
      ok: false,
      message: 'at most one page type (SECS, TCS, REG, VA, TRIM) may be given, got "R|REG|TCS"',
    });
    expect(parseFlagWord("SECS|REG", SECINFO_FLAGS).ok).toBe(false);
  });

  it("names the bad name, lists the valid ones and suggests a near match", () => {
    expect(parseFlagWord("R|RW", SECINFO_FLAGS)).toEqual({
      ok: false,
      message: 'unknown SECINFO flag "RW"; valid: R, W, X, PENDING, MODIFIED, PR, SECS, TCS, REG, VA, TRIM',
    });
    expect(parseFlagWord("r|W", SECINFO_FLAGS)).toEqual({
      ok: false,
      message:
        'unknown SECINFO flag "r" (did you mean "R"?); valid: R, W, X, PENDING, MODIFIED, PR, SECS, TCS, REG, VA, TRIM',
    });
    expect(parseFlagWord("READ", PROT_FLAGS)).toEqual({
      ok: false,
      message:
        'unknown prot flag "READ" (did you mean "PROT_READ"?); valid: PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC',
    });
    expect(parseFlagWord("SGX_PAGE_TYPE_TRIM", PAGE_TYPES)).toEqual({
      ok: false,
      message:
        'unknown page type "SGX_PAGE_TYPE_TRIM" (did you mean "TRIM"?); valid: SECS, TCS, REG, VA, TRIM',
    });
    expect(parseFlagWord("R||W", SECINFO_FLAGS)).toEqual({
      ok: false,
      message: 'empty SECINFO flag name in "R||W"',
    });
    expect(parseFlagWord("", PROT_FLAGS)).toEqual({ ok: false, message: 'empty prot flag name in ""' });
    expect(parseFlagWord(true, PROT_FLAGS)).toEqual({
      ok: false,
      message:
        'expected a number or names joined by "|" (PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC), got true',
    });
    expect(parseFlagWord("8k", PROT_FLAGS)).toEqual({
      ok: false,
      message: 'expected a number or a hex string, got "8k"',
    });
    expect(parseFlagWord(-1, PROT_FLAGS)).toEqual({
      ok: false,
      message: "expected a non-negative integer, got -1",
    });
    expect(parseFlagWord("PROT_READ|-1", PROT_FLAGS)).toEqual({
      ok: false,
      message: 'expected a non-negative integer, got "-1"',
    });
  });

  it("parses prot, mmap flags, attributes, permissions, page types and ADD_PAGES flags", () => {
    expect(parseFlagWord("PROT_NONE", PROT_FLAGS)).toEqual({ ok: true, value: 0 });
    expect(parseFlagWord("PROT_READ|PROT_WRITE|PROT_EXEC", PROT_FLAGS)).toEqual({ ok: true, value: 7 });
    expect(parseFlagWord("MAP_SHARED|MAP_FIXED", MMAP_FLAGS)).toEqual({ ok: true, value: 0x11 });
    expect(parseFlagWord("MAP_PRIVATE|MAP_ANONYMOUS", MMAP_FLAGS)).toEqual({ ok: true, value: 0x22 });
    expect(parseFlagWord("INIT|DEBUG|MODE64BIT|PROVISIONKEY|EINITTOKENKEY|KSS", ATTRIBUTE_FLAGS)).toEqual({
      ok: true,
      value: 0xb7,
    });
    expect(parseFlagWord("R|W|X", PERMISSION_FLAGS)).toEqual({ ok: true, value: 7 });
    expect(parseFlagWord("REG", PERMISSION_FLAGS).ok).toBe(false);
    const types: Array<[string, number]> = [
      ["SECS", 0],
      ["TCS", 1],
      ["REG", 2],
      ["VA", 3],
      ["TRIM", 4],
    ];
    for (const [name, value] of types) expect(parseFlagWord(name, PAGE_TYPES)).toEqual({ ok: true, value });
    expect(parseFlagWord(4, PAGE_TYPES)).toEqual({ ok: true, value: 4 });
    expect(parseFlagWord(9, PAGE_TYPES)).toEqual({ ok: true, value: 9 }); // the kernel refuses it (EINVAL)
    expect(parseFlagWord("TCS|TRIM", PAGE_TYPES)).toEqual({
      ok: false,
      message: 'expected one page type (SECS, TCS, REG, VA, TRIM), got "TCS|TRIM"',
    });
    expect(parseFlagWord("SGX_PAGE_MEASURE", ADD_PAGES_FLAGS)).toEqual({ ok: true, value: 1 });
    expect(parseFlagWord(0, ADD_PAGES_FLAGS)).toEqual({ ok: true, value: 0 });
  });

  it("prints flag words by name", () => {
    expect(secinfoFlagsToString(0x20b)).toBe("R|W|REG|PENDING");
    expect(secinfoFlagsToString(0x410)).toBe("TRIM|MODIFIED");
    expect(secinfoFlagsToString(0x221)).toBe("R|REG|PR");
    expect(secinfoFlagsToString(0)).toBe("SECS");
    expect(secinfoFlagsToString(0x507)).toBe("R|W|X|0x500");
    expect(secinfoFlagsToString(0x10240n)).toBe("REG|0x10040");
    expect(protToString(0)).toBe("PROT_NONE");
    expect(protToString(3)).toBe("PROT_READ|PROT_WRITE");
    expect(protToString(0xc)).toBe("PROT_EXEC|0x8");
    expect(mmapFlagsToString(0x11)).toBe("MAP_SHARED|MAP_FIXED");
    expect(permissionsToString(5)).toBe("R|X");
    expect(protToString(Number.NaN)).toBe("NaN");
  });

  it("round-trips SECINFO words through their names", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x3f }), fc.integer({ min: 0, max: 4 }), (bits, type) => {
        const word = bits | (type << 8);
        expect(parseFlagWord(secinfoFlagsToString(word), SECINFO_FLAGS)).toEqual({ ok: true, value: word });
      }),
    );
  });
});

describe("valid scenarios", () => {
  it("parses the contract's example (selftest augment)", () => {
    const s = ok(
      scenarioOf([
        { op: "mmap", offset: "0xc000", length: "0x1000", prot: "PROT_READ|PROT_WRITE|PROT_EXEC" },
        {
          op: "EENTER",
          tcs: "0x0",
          call: "write",
          addr: "0xc000",
          value: "0x1122334455667788",
          expect: { run: { function: "ERESUME", exception_vector: 14, exception_error_code: "0x8007" } },
        },
        {
          op: "EENTER",
          tcs: "0x1000",
          call: "EACCEPT",
          addr: "0xc000",
          secinfo: "R|W|REG|PENDING",
          expect: { run: { function: "EEXIT" }, call: { ret: 0 } },
        },
        { op: "ERESUME", tcs: "0x0", expect: { run: { function: "EEXIT" } } },
        { op: "EENTER", call: "read", addr: "0xc000", expect: { call: { value: "0x1122334455667788" } } },
      ]),
    );
    expect(s.steps).toHaveLength(5);
    const [mmap, write, accept, resume, read] = s.steps;
    expect(mmap).toMatchObject({
      op: "mmap",
      offset: 0xc000,
      length: 0x1000,
      prot: 7,
      flags: 0x11,
      enclave: "e0",
    });
    expect(write).toMatchObject({
      op: "EENTER",
      tcs: 0,
      call: { call: "write", addr: 0xc000, value: 0x1122334455667788n },
      expect: { run: { function: "ERESUME", exception_vector: 14, exception_error_code: "0x8007" } },
    });
    expect(write).not.toHaveProperty("pages");
    expect(accept).toMatchObject({
      op: "EENTER",
      tcs: 0x1000,
      call: { call: "EACCEPT", addr: 0xc000, secinfo: 0x20b },
    });
    expect(resume).toMatchObject({ op: "ERESUME", tcs: 0 });
    expect(read).toMatchObject({ op: "EENTER", tcs: 0, call: { call: "read", addr: 0xc000 } });
    // source is the step as written
    expect(write.source).toEqual({
      op: "EENTER",
      tcs: "0x0",
      call: "write",
      addr: "0xc000",
      value: "0x1122334455667788",
      expect: { run: { function: "ERESUME", exception_vector: 14, exception_error_code: "0x8007" } },
    });
  });

  it("accepts JSON text as well as a parsed value, with the same result", () => {
    const value = scenarioOf([{ op: "close" }], { machine: { epcPages: 16, sgx2: false } });
    expect(parseScenario(JSON.stringify(value))).toEqual(parseScenario(value));
    expect(ok(JSON.stringify(value)).machine).toEqual({ epcPages: 16, sgx2: false });
  });

  it("fills the scenario defaults", () => {
    const s = ok({ format: FORMAT, steps: [] });
    expect(s).toEqual({
      format: FORMAT,
      title: "untitled scenario",
      machine: { epcPages: 128, sgx2: true },
      steps: [],
    });
    expect(s).not.toHaveProperty("description");
    const d = ok({ format: FORMAT, title: "x", description: "about", machine: {}, steps: [] });
    expect(d.description).toBe("about");
    expect(d.machine).toEqual({ epcPages: 128, sgx2: true });
  });

  it("accepts machine.epcPages up to 2^27 as numbers or strings", () => {
    expect(ok(scenarioOf([], { machine: { epcPages: 2 ** 27 } })).machine.epcPages).toBe(2 ** 27);
    expect(ok(scenarioOf([], { machine: { epcPages: "0x400000" } })).machine.epcPages).toBe(4_194_304);
    expect(ok(scenarioOf([], { machine: { epcPages: 1 } })).machine.epcPages).toBe(1);
  });

  it("fills SGX_IOC_ENCLAVE_CREATE defaults and keeps an explicit base", () => {
    expect(step(create({ size: "0x10000" }))).toMatchObject({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_CREATE",
      arg: {
        cmd: "SGX_IOC_ENCLAVE_CREATE",
        size: 0x10000,
        ssa_frame_size: 1,
        attributes: 4,
        xfrm: 3,
        miscselect: 0,
      },
    });
    expect(step(create({ size: "0x10000" })).op === "ioctl" && "base" in step(create({ size: 1 }))).toBe(
      false,
    );
    const s = step(
      create({
        size: 65536,
        ssa_frame_size: "2",
        attributes: "MODE64BIT|DEBUG",
        xfrm: "0x7",
        base: "0x7f0000000000",
        miscselect: 1,
      }),
    );
    expect(s).toMatchObject({
      arg: { size: 65536, ssa_frame_size: 2, attributes: 6, xfrm: 7, base: 0x7f0000000000, miscselect: 1 },
    });
  });

  it("fills SGX_IOC_ENCLAVE_ADD_PAGES defaults, TCS images and sorted data words", () => {
    const plain = step(addPages(ADD));
    expect(plain).toMatchObject({
      arg: { cmd: "SGX_IOC_ENCLAVE_ADD_PAGES", offset: 0, length: 0x1000, secinfo: 0x203, flags: 0, src: 0 },
    });
    expect(plain.op === "ioctl" && plain.arg).not.toHaveProperty("tcs");
    expect(plain.op === "ioctl" && plain.arg).not.toHaveProperty("data");
    const full = step(
      addPages({
        offset: "0x0",
        length: "0x2000",
        secinfo: "TCS",
        flags: "SGX_PAGE_MEASURE",
        src: "0x8",
        tcs: [{ ossa: "0x7000", nssa: 1, oentry: "0x23d3" }, {}],
        data: { "0x1ff8": "0xffffffffffffffff", "0x10": "0x1122334455667788", "0": 1 },
      }),
    );
    expect(full).toMatchObject({
      arg: {
        secinfo: 0x100,
        flags: 1,
        src: 8,
        tcs: [
          { ossa: 0x7000, nssa: 1, oentry: 0x23d3 },
          { ossa: 0, nssa: 0, oentry: 0 },
        ],
        data: [
          [0, 1n],
          [0x10, 0x1122334455667788n],
          [0x1ff8, 0xffffffffffffffffn],
        ],
      },
    });
  });

  it("fills SGX_IOC_ENCLAVE_INIT defaults, with or without arg", () => {
    const defaults = {
      cmd: "SGX_IOC_ENCLAVE_INIT",
      vendor: 0,
      attributes_mask: 0,
      xfrm_mask: 0,
      miscselect: 0,
      misc_mask: 0,
      enclavehash: "match",
    };
    for (const s of [
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT" },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: {} },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: {} } },
    ]) {
      const p = step(s);
      expect(p.op === "ioctl" && p.arg).toEqual(defaults);
    }
    const p = step({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_INIT",
      arg: {
        sigstruct: {
          vendor: "0x8086",
          attributes: "MODE64BIT|DEBUG",
          attributes_mask: "0xfffffffffffd",
          xfrm: 3,
          xfrm_mask: 3,
          miscselect: 0,
          misc_mask: "0xffffffff",
          enclavehash: "0xABCD",
        },
      },
    });
    expect(p.op === "ioctl" && p.arg).toEqual({
      cmd: "SGX_IOC_ENCLAVE_INIT",
      vendor: 0x8086,
      attributes: 6,
      attributes_mask: 0xfffffffffffd,
      xfrm: 3,
      xfrm_mask: 3,
      miscselect: 0,
      misc_mask: 0xffffffff,
      enclavehash: `${"0".repeat(60)}abcd`,
    });
  });

  it("parses PROVISION, RESTRICT_PERMISSIONS, MODIFY_TYPES and REMOVE_PAGES", () => {
    expect(step({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION" })).toMatchObject({
      arg: { cmd: "SGX_IOC_ENCLAVE_PROVISION" },
    });
    expect(step({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION", arg: {} })).toMatchObject({
      arg: { cmd: "SGX_IOC_ENCLAVE_PROVISION" },
    });
    const rp = step({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      arg: { offset: "0x5000", length: "0x1000", permissions: "R" },
    });
    expect(rp.op === "ioctl" && rp.arg).toEqual({
      cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      offset: 0x5000,
      length: 0x1000,
      permissions: 1,
      result: 0,
      count: 0,
    });
    const rp2 = step({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      arg: { offset: 0, length: 4096, permissions: 8, result: 1, count: "0x1000" },
    });
    expect(rp2).toMatchObject({ arg: { permissions: 8, result: 1, count: 0x1000 } });
    const mt = step({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      arg: { offset: "0xd000", length: "0x1000", page_type: "TCS" },
    });
    expect(mt.op === "ioctl" && mt.arg).toEqual({
      cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      offset: 0xd000,
      length: 0x1000,
      page_type: 1,
      result: 0,
      count: 0,
    });
    expect(
      step({
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        arg: { offset: 0, length: 4096, page_type: 4, result: "0x0", count: 0 },
      }),
    ).toMatchObject({ arg: { page_type: 4 } });
    const rm = step({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      arg: { offset: "0xc000", length: "0x3000" },
    });
    expect(rm.op === "ioctl" && rm.arg).toEqual({
      cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      offset: 0xc000,
      length: 0x3000,
      count: 0,
    });
  });

  it("passes an unknown ioctl command through (the kernel answers ENOTTY), ignoring its arg", () => {
    for (const s of [
      { op: "ioctl", cmd: "SGX_IOC_VEPC_REMOVE_ALL" },
      { op: "ioctl", cmd: "sgx_ioc_enclave_create", arg: { anything: [1, { deep: true }] } },
      { op: "ioctl", cmd: "", arg: {} },
    ]) {
      const p = step(s);
      expect(p).toMatchObject({ op: "ioctl", cmd: s.cmd, arg: { cmd: "unknown", name: s.cmd } });
    }
    expect(stepError({ op: "ioctl", cmd: "FOO", arg: 5 })).toBe("steps[0].arg: expected an object, got 5");
  });

  it("does not refuse what the kernel refuses at run time (unaligned or zero lengths)", () => {
    expect(step({ op: "mmap", offset: "0x1", length: 0, prot: 0 })).toMatchObject({
      offset: 1,
      length: 0,
      prot: 0,
    });
    expect(step(addPages({ offset: "0x10", length: "0x123", secinfo: "R|PENDING|VA" }))).toMatchObject({
      arg: { offset: 0x10, length: 0x123, secinfo: 0x309 },
    });
    expect(
      step({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES", arg: { offset: 0, length: 0, count: 5 } }),
    ).toMatchObject({ arg: { count: 5 } });
    expect(step(addPages({ ...ADD, length: 0, data: { "0x2000": 1 } }))).toMatchObject({
      arg: { data: [[0x2000, 1n]] },
    });
  });

  it("parses every driver call and its defaults", () => {
    expect(
      step({ op: "mmap", offset: 0, length: "0x1000", prot: "PROT_READ", flags: "MAP_PRIVATE" }),
    ).toMatchObject({
      flags: 2,
    });
    expect(step({ op: "mmap", offset: 0, length: "0x1000", prot: "PROT_READ", flags: 0x11 })).toMatchObject({
      flags: 0x11,
    });
    expect(step({ op: "mprotect", offset: "0x1000", length: "0x1000", prot: "PROT_NONE" })).toEqual({
      op: "mprotect",
      offset: 0x1000,
      length: 0x1000,
      prot: 0,
      enclave: "e0",
      source: { op: "mprotect", offset: "0x1000", length: "0x1000", prot: "PROT_NONE" },
    });
    expect(step({ op: "munmap", offset: "0x1000", length: "0x1000" })).toMatchObject({
      op: "munmap",
      offset: 0x1000,
      length: 0x1000,
    });
    expect(step({ op: "close", enclave: "second.enclave-2" })).toMatchObject({
      op: "close",
      enclave: "second.enclave-2",
    });
    expect(step({ op: "reclaim", pages: "0x10" })).toMatchObject({ op: "reclaim", pages: 16 });
  });

  it("parses every enclave call", () => {
    expect(step({ op: "EENTER", call: "nop" })).toMatchObject({
      op: "EENTER",
      tcs: 0,
      call: { call: "nop" },
    });
    expect(step({ op: "EENTER", call: "exec", addr: "0x2000" })).toMatchObject({
      call: { call: "exec", addr: 0x2000 },
    });
    expect(step({ op: "EENTER", call: "write", addr: 8, value: 0 })).toMatchObject({
      call: { call: "write", addr: 8, value: 0n },
    });
    expect(step({ op: "EENTER", call: "EMODPE", addr: "0x5000", secinfo: "R|W|X" })).toMatchObject({
      call: { call: "EMODPE", addr: 0x5000, secinfo: 7 },
    });
    expect(
      step({ op: "EENTER", call: "EACCEPTCOPY", addr: "0xc000", src: "0x5000", secinfo: "R|W|REG|PENDING" }),
    ).toMatchObject({ call: { call: "EACCEPTCOPY", addr: 0xc000, src: 0x5000, secinfo: 0x20b } });
    expect(
      step({ op: "EENTER", tcs: "0x1000", call: "init_tcs", addr: "0xd000", ssa: "0xe000", entry: "0x23d3" }),
    ).toMatchObject({ tcs: 0x1000, call: { call: "init_tcs", addr: 0xd000, ssa: 0xe000, entry: 0x23d3 } });
    expect(
      step({ op: "EENTER", call: "EACCEPT", addr: 0, secinfo: "TRIM|MODIFIED", pages: 3 }),
    ).toMatchObject({
      pages: 3,
      call: { secinfo: 0x410 },
    });
    expect(step({ op: "EENTER", call: "read", addr: 0, pages: "16777216" })).toMatchObject({
      pages: 16_777_216,
    });
    expect(step({ op: "ERESUME" })).toMatchObject({ op: "ERESUME", tcs: 0 });
  });

  it("keeps note and expect (with expect.epcm) as written", () => {
    const expectation = {
      ret: -1,
      errno: "EPERM",
      arg: { count: "0x0" },
      epcm: { "0x5000": { perms: "R--", pr: true }, "4096": { valid: false } },
    };
    const s = step({ op: "close", note: "x".repeat(2000), expect: expectation });
    expect(s.note).toHaveLength(2000);
    expect(s.expect).toBe(expectation);
    const bare = step({ op: "close" });
    expect(bare).not.toHaveProperty("note");
    expect(bare).not.toHaveProperty("expect");
  });

  it("treats undefined fields of an already-parsed value as absent", () => {
    expect(
      step({ op: "mmap", offset: 0, length: 4096, prot: 1, flags: undefined, typo: undefined }),
    ).toMatchObject({
      flags: 0x11,
    });
  });

  it("accepts the largest step list", () => {
    const steps = Array.from({ length: LIMITS.maxSteps }, () => ({ op: "close" }));
    const t = performance.now();
    expect(ok(scenarioOf(steps)).steps).toHaveLength(LIMITS.maxSteps);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe("errors name the JSON path", () => {
  const cases: Array<[string, unknown, string]> = [
    [
      "a length that is not a number",
      addPages({ ...ADD, length: "8k" }),
      'steps[0].arg.length: expected a number or a hex string, got "8k"',
    ],
    [
      "a misspelled arg field",
      addPages({ ...ADD, ofset: 0 }),
      'steps[0].arg.ofset: unknown field (did you mean "offset"? known: offset, length, secinfo, flags, src, tcs, data)',
    ],
    [
      "a misspelled step field",
      { op: "mmap", offset: 0, length: 4096, prot: 1, flag: "MAP_SHARED" },
      'steps[0].flag: unknown field (did you mean "flags"? known: op, enclave, note, expect, cpu, offset, length, prot, flags)',
    ],
    [
      "a field on close",
      { op: "close", fd: 3 },
      "steps[0].fd: unknown field (known: op, enclave, note, expect, cpu)",
    ],
    [
      "a field of another call",
      { op: "EENTER", call: "read", addr: 0, value: 1 },
      'steps[0].value: not a field of call "read" (its fields: addr)',
    ],
    [
      "a field on nop",
      { op: "EENTER", call: "nop", addr: 0 },
      'steps[0].addr: not a field of call "nop" (it takes no fields)',
    ],
    [
      "an unknown call",
      { op: "EENTER", call: "eaccept", addr: 0 },
      'steps[0].call: unknown call "eaccept" (did you mean "EACCEPT"?); valid: write, read, exec, nop, EACCEPT, EACCEPTCOPY, EMODPE, init_tcs',
    ],
    [
      "a missing call",
      { op: "EENTER" },
      "steps[0].call: required field is missing (one of write, read, exec, nop, EACCEPT, EACCEPTCOPY, EMODPE, init_tcs)",
    ],
    [
      "an unknown op",
      { op: "mmmap" },
      'steps[0].op: unknown op "mmmap"; valid: ioctl, mmap, mprotect, munmap, close, reclaim, EENTER, ERESUME, run, EEXIT, interrupt, access, race',
    ],
    [
      "an op in the wrong case",
      { op: "eenter", call: "nop" },
      'steps[0].op: unknown op "eenter" (did you mean "EENTER"?); valid: ioctl, mmap, mprotect, munmap, close, reclaim, EENTER, ERESUME, run, EEXIT, interrupt, access, race',
    ],
    [
      "a missing op",
      { offset: 0 },
      "steps[0].op: required field is missing (one of ioctl, mmap, mprotect, munmap, close, reclaim, EENTER, ERESUME, run, EEXIT, interrupt, access, race)",
    ],
    ["an op that is not a string", { op: 7 }, "steps[0].op: expected a string, got 7"],
    ["a step that is not an object", "close", 'steps[0]: expected an object with an "op", got "close"'],
    ["a null step", null, 'steps[0]: expected an object with an "op", got null'],
    ["a missing required field", { op: "munmap", offset: 0 }, "steps[0].length: required field is missing"],
    ["a missing cmd", { op: "ioctl", arg: {} }, "steps[0].cmd: required field is missing"],
    ["a cmd that is not a string", { op: "ioctl", cmd: 3 }, "steps[0].cmd: expected a string, got 3"],
    [
      "a very long cmd",
      { op: "ioctl", cmd: "X".repeat(201) },
      "steps[0].cmd: 201 characters is more than the limit of 200",
    ],
    [
      "a missing arg",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE" },
      "steps[0].arg: required field is missing",
    ],
    ["an arg that is an array", create([] as never), "steps[0].arg: expected an object, got an array"],
    ["a missing CREATE size", create({}), "steps[0].arg.size: required field is missing"],
    [
      "a negative size",
      create({ size: -4096 }),
      "steps[0].arg.size: expected a non-negative integer, got -4096",
    ],
    ["a fractional size", create({ size: 4096.5 }), "steps[0].arg.size: expected an integer, got 4096.5"],
    [
      "a size beyond 2^53-1",
      create({ size: "0xffffffffffffffff" }),
      'steps[0].arg.size: "0xffffffffffffffff" is beyond the largest value the explorer models (2^53-1 = 0x1fffffffffffff)',
    ],
    [
      "an unknown attribute",
      create({ size: 4096, attributes: "MODE64BIT|DEBUGG" }),
      'steps[0].arg.attributes: unknown attribute "DEBUGG"; valid: INIT, DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY, KSS',
    ],
    [
      "a boolean base",
      create({ size: 4096, base: false }),
      "steps[0].arg.base: expected a number or a hex string, got false",
    ],
    [
      "a missing secinfo",
      addPages({ offset: 0, length: 4096 }),
      "steps[0].arg.secinfo: required field is missing",
    ],
    [
      "a missing length",
      addPages({ offset: 0, secinfo: "REG" }),
      "steps[0].arg.length: required field is missing",
    ],
    [
      "two page types in secinfo",
      addPages({ ...ADD, secinfo: "REG|TCS" }),
      'steps[0].arg.secinfo: at most one page type (SECS, TCS, REG, VA, TRIM) may be given, got "REG|TCS"',
    ],
    [
      "an unknown ADD_PAGES flag",
      addPages({ ...ADD, flags: "MEASURE" }),
      'steps[0].arg.flags: unknown ADD_PAGES flag "MEASURE"; valid: SGX_PAGE_MEASURE',
    ],
    [
      "tcs that is not an array",
      addPages({ ...ADD, tcs: { ossa: 0 } }),
      "steps[0].arg.tcs: expected an array of {ossa, nssa, oentry}, got an object",
    ],
    [
      "a tcs entry that is not an object",
      addPages({ ...ADD, tcs: [{}, 5] }),
      "steps[0].arg.tcs[1]: expected an object {ossa, nssa, oentry}, got 5",
    ],
    [
      "a misspelled tcs field",
      addPages({ ...ADD, tcs: [{ osa: 0 }] }),
      'steps[0].arg.tcs[0].osa: unknown field (did you mean "ossa"? known: ossa, nssa, oentry)',
    ],
    [
      "a bad tcs value",
      addPages({ ...ADD, tcs: [{ oentry: "main" }] }),
      'steps[0].arg.tcs[0].oentry: expected a number or a hex string, got "main"',
    ],
    [
      "data that is an array",
      addPages({ ...ADD, data: [1] }),
      "steps[0].arg.data: expected an object mapping offsets to 8-byte words, got an array",
    ],
    [
      "a data offset that is not a number",
      addPages({ ...ADD, data: { start: 1 } }),
      'steps[0].arg.data.start: expected an offset (a number or a hex string) as the key: expected a number or a hex string, got "start"',
    ],
    [
      "an unaligned data offset",
      addPages({ ...ADD, data: { "0x11": 1 } }),
      'steps[0].arg.data["0x11"]: offset 0x11 is not a multiple of 8 (data words are 8 bytes)',
    ],
    [
      "a data offset outside the range",
      addPages({ ...ADD, offset: "0x5000", data: { "0x5000": 1 } }),
      'steps[0].arg.data["0x5000"]: offset 0x5000 is outside the added range (length 0x1000)',
    ],
    [
      "a data offset given twice",
      addPages({ ...ADD, data: { "0x10": 1, "16": 2 } }),
      'steps[0].arg.data["0x10"]: offset 0x10 is already given as "16"',
    ],
    [
      "a data word beyond 64 bits",
      addPages({ ...ADD, data: { "0x8": "0x1ffffffffffffffff" } }),
      'steps[0].arg.data["0x8"]: "0x1ffffffffffffffff" does not fit in 64 bits',
    ],
    [
      "a data word that is a large JSON number",
      addPages({ ...ADD, data: { "0x8": 2 ** 63 } }),
      'steps[0].arg.data["0x8"]: 9223372036854776000 is a JSON number above 2^53-1, which JSON cannot hold exactly; write it as a hex string',
    ],
    [
      "a sigstruct that is not an object",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: "default" } },
      'steps[0].arg.sigstruct: expected an object, got "default"',
    ],
    [
      "a misspelled sigstruct field",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: { vender: 0 } } },
      'steps[0].arg.sigstruct.vender: unknown field (did you mean "vendor"? known: vendor, attributes, attributes_mask, xfrm, xfrm_mask, miscselect, misc_mask, enclavehash)',
    ],
    [
      "a bad enclavehash",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: { enclavehash: "nope" } } },
      'steps[0].arg.sigstruct.enclavehash: expected "match" or a hex MRENCLAVE of at most 64 digits, got "nope"',
    ],
    [
      "an INIT arg field",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { vendor: 0 } },
      "steps[0].arg.vendor: unknown field (known: sigstruct)",
    ],
    [
      "a PROVISION arg field",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION", arg: { fd: 4 } },
      "steps[0].arg.fd: unknown field (this takes no fields)",
    ],
    [
      "bad permissions",
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: 0, length: 4096, permissions: "RW" },
      },
      'steps[0].arg.permissions: unknown permission "RW"; valid: R, W, X',
    ],
    [
      "a missing page_type",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES", arg: { offset: 0, length: 4096 } },
      "steps[0].arg.page_type: required field is missing",
    ],
    [
      "a page_type given as flags",
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        arg: { offset: 0, length: 4096, page_type: "TRIM|TCS" },
      },
      'steps[0].arg.page_type: expected one page type (SECS, TCS, REG, VA, TRIM), got "TRIM|TCS"',
    ],
    [
      "a REMOVE_PAGES result field",
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES", arg: { offset: 0, length: 4096, result: 0 } },
      "steps[0].arg.result: unknown field (known: offset, length, count)",
    ],
    [
      "a bad prot",
      { op: "mmap", offset: 0, length: 4096, prot: "PROT_READ|PROT_RW" },
      'steps[0].prot: unknown prot flag "PROT_RW"; valid: PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC',
    ],
    [
      "bad mmap flags",
      { op: "mmap", offset: 0, length: 4096, prot: 1, flags: "MAP_SHARED|FIXED" },
      'steps[0].flags: unknown mmap flag "FIXED" (did you mean "MAP_FIXED"?); valid: MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS',
    ],
    [
      "a bad reclaim count",
      { op: "reclaim", pages: "all" },
      'steps[0].pages: expected a number or a hex string, got "all"',
    ],
    [
      "EENTER pages of zero",
      { op: "EENTER", call: "nop", pages: 0 },
      "steps[0].pages: expected an integer from 1 to 16777216, got 0",
    ],
    [
      "EENTER pages too many",
      { op: "EENTER", call: "nop", pages: 16_777_217 },
      "steps[0].pages: expected an integer from 1 to 16777216, got 16777217",
    ],
    [
      "a write value beyond 64 bits",
      { op: "EENTER", call: "write", addr: 0, value: "0x10000000000000000" },
      'steps[0].value: "0x10000000000000000" does not fit in 64 bits',
    ],
    [
      "a write without value",
      { op: "EENTER", call: "write", addr: 0 },
      "steps[0].value: required field is missing",
    ],
    [
      "a bad EACCEPT secinfo",
      { op: "EENTER", call: "EACCEPT", addr: 0, secinfo: "R|W|REG|PEND" },
      'steps[0].secinfo: unknown SECINFO flag "PEND"; valid: R, W, X, PENDING, MODIFIED, PR, SECS, TCS, REG, VA, TRIM',
    ],
    [
      "a bad tcs",
      { op: "ERESUME", tcs: "TCS#1" },
      'steps[0].tcs: expected a number or a hex string, got "TCS#1"',
    ],
    [
      "an empty enclave name",
      { op: "close", enclave: "" },
      'steps[0].enclave: expected an enclave name of 1 to 32 characters from A-Z a-z 0-9 _ . -, got ""',
    ],
    [
      "an enclave name with a space",
      { op: "close", enclave: "my enclave" },
      'steps[0].enclave: expected an enclave name of 1 to 32 characters from A-Z a-z 0-9 _ . -, got "my enclave"',
    ],
    [
      "an enclave name of 33 characters",
      { op: "close", enclave: "e".repeat(33) },
      `steps[0].enclave: expected an enclave name of 1 to 32 characters from A-Z a-z 0-9 _ . -, got "${"e".repeat(33)}"`,
    ],
    ["a note that is not a string", { op: "close", note: 1 }, "steps[0].note: expected a string, got 1"],
    [
      "a note that is too long",
      { op: "close", note: "x".repeat(2001) },
      "steps[0].note: 2001 characters is more than the limit of 2000",
    ],
    [
      "an expect that is not an object",
      { op: "close", expect: [] },
      "steps[0].expect: expected an object (a partial trace step), got an array",
    ],
    [
      "an expect.epcm that is not an object",
      { op: "close", expect: { epcm: [] } },
      "steps[0].expect.epcm: expected an object mapping offsets to EPCM entries, got an array",
    ],
    [
      "an expect.epcm key that is not an offset",
      { op: "close", expect: { epcm: { page5: {} } } },
      'steps[0].expect.epcm.page5: expected an offset (a number or a hex string) as the key: expected a number or a hex string, got "page5"',
    ],
    [
      "an expect.epcm entry that is not an object",
      { op: "close", expect: { epcm: { "0x5000": "R--" } } },
      'steps[0].expect.epcm["0x5000"]: expected an object (a partial EPCM entry), got "R--"',
    ],
    [
      "an expect.epcm offset given twice",
      { op: "close", expect: { epcm: { "0x1000": {}, "4096": {} } } },
      'steps[0].expect.epcm["0x1000"]: offset 0x1000 is already given as "4096"',
    ],
  ];

  for (const [name, s, message] of cases) {
    it(name, () => {
      expect(stepErrors(s)).toEqual([message]);
    });
  }

  it("names the index of the offending step", () => {
    const steps = [{ op: "close" }, { op: "close" }, { op: "close" }, addPages({ ...ADD, length: "8k" })];
    expect(errors(scenarioOf(steps))).toEqual([
      'steps[3].arg.length: expected a number or a hex string, got "8k"',
    ]);
  });

  it("quotes odd field names in the path", () => {
    expect(stepErrors({ op: "close", "my field": 1 })).toEqual([
      'steps[0]["my field"]: unknown field (known: op, enclave, note, expect, cpu)',
    ]);
    expect(stepErrors({ op: "close", __proto__x: 1 })[0]).toMatch(/^steps\[0\]\.__proto__x: unknown field/);
    const parsed = JSON.parse('{"op":"close","__proto__":{"x":1}}');
    expect(stepErrors(parsed)).toEqual([
      "steps[0].__proto__: unknown field (known: op, enclave, note, expect, cpu)",
    ]);
  });

  it("reports several errors of one step in order", () => {
    expect(stepErrors({ op: "mmap", offset: "x", prot: "PROT_X", extra: 1 })).toEqual([
      "steps[0].extra: unknown field (known: op, enclave, note, expect, cpu, offset, length, prot, flags)",
      'steps[0].offset: expected a number or a hex string, got "x"',
      "steps[0].length: required field is missing",
      'steps[0].prot: unknown prot flag "PROT_X"; valid: PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC',
    ]);
  });
});

describe("scenario-level errors", () => {
  it("requires exactly the supported format", () => {
    expect(errors({ format: "epcm-scenario/2", steps: [] })).toEqual([
      'format: expected "epcm-scenario/1", got "epcm-scenario/2" (written by a newer version?)',
    ]);
    expect(errors({ format: "epcm-trace/1", steps: [] })).toEqual([
      'format: expected "epcm-scenario/1", got "epcm-trace/1" (this is a trace, not a scenario)',
    ]);
    expect(errors({ format: "epcm-trace/2", steps: [] })).toEqual([
      'format: expected "epcm-scenario/1", got "epcm-trace/2" (this is a trace, not a scenario)',
    ]);
    expect(errors({ format: "EPCM-SCENARIO/1", steps: [] })).toEqual([
      'format: expected "epcm-scenario/1", got "EPCM-SCENARIO/1"',
    ]);
    expect(errors({ format: 1, steps: [] })).toEqual(['format: expected "epcm-scenario/1", got 1']);
    expect(errors({ steps: [] })).toEqual(['format: required field is missing (expected "epcm-scenario/1")']);
  });

  it("reports only the format when it is not supported", () => {
    expect(errors({ format: "epcm-scenario/9", steps: "whatever", extra: 1 })).toHaveLength(1);
  });

  it("checks the top-level fields and machine", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ format: FORMAT }, "steps: required field is missing (an array of steps)"],
      [{ format: FORMAT, steps: {} }, "steps: expected an array of steps, got an object"],
      [{ format: FORMAT, steps: [], title: 5 }, "title: expected a string, got 5"],
      [
        { format: FORMAT, steps: [], title: "t".repeat(301) },
        "title: 301 characters is more than the limit of 300",
      ],
      [{ format: FORMAT, steps: [], description: ["x"] }, "description: expected a string, got an array"],
      [
        { format: FORMAT, steps: [], stpes: [] },
        'stpes: unknown field (did you mean "steps"? known: format, title, description, machine, steps, $schema)',
      ],
      [{ format: FORMAT, steps: [], machine: 128 }, "machine: expected an object {epcPages, sgx2}, got 128"],
      [
        { format: FORMAT, steps: [], machine: { epcPage: 128 } },
        'machine.epcPage: unknown field (did you mean "epcPages"? known: epcPages, sgx2, cpus, kernel, mutate)',
      ],
      [
        { format: FORMAT, steps: [], machine: { epcPages: 0 } },
        "machine.epcPages: expected an integer from 1 to 134217728, got 0",
      ],
      [
        { format: FORMAT, steps: [], machine: { epcPages: 2 ** 27 + 1 } },
        "machine.epcPages: expected an integer from 1 to 134217728, got 134217729",
      ],
      [
        { format: FORMAT, steps: [], machine: { epcPages: "lots" } },
        'machine.epcPages: expected an integer from 1 to 134217728, got "lots"',
      ],
      [
        { format: FORMAT, steps: [], machine: { sgx2: "yes" } },
        'machine.sgx2: expected true or false, got "yes"',
      ],
    ];
    for (const [input, message] of cases) expect(errors(input)).toEqual([message]);
  });

  it("refuses inputs that are not objects", () => {
    expect(errors(null)).toEqual(['scenario: expected an object with "format": "epcm-scenario/1", got null']);
    expect(errors([])).toEqual([
      'scenario: expected an object with "format": "epcm-scenario/1", got an array',
    ]);
    expect(errors(42)).toEqual(['scenario: expected an object with "format": "epcm-scenario/1", got 42']);
    expect(errors(undefined)).toEqual([
      'scenario: expected an object with "format": "epcm-scenario/1", got undefined',
    ]);
    expect(errors('"just a string"')).toEqual([
      'scenario: expected an object with "format": "epcm-scenario/1", got "just a string"',
    ]);
  });

  it("stops after 20 errors and says there are more", () => {
    const steps = Array.from({ length: 1000 }, () => ({ op: "bogus" }));
    const e = errors(scenarioOf(steps));
    expect(e).toHaveLength(LIMITS.maxErrors + 1);
    expect(e[0]).toMatch(/^steps\[0\]\.op: unknown op "bogus"/);
    expect(e[19]).toMatch(/^steps\[19\]\.op:/);
    expect(e[20]).toBe("... and more");
  });

  it("returns exactly 20 errors without the marker when there are exactly 20", () => {
    const steps = Array.from({ length: 20 }, () => ({ op: "bogus" }));
    const e = errors(scenarioOf(steps));
    expect(e).toHaveLength(20);
    expect(e).not.toContain("... and more");
  });
});

describe("hostile inputs", () => {
  it("reports JSON syntax errors as one message", () => {
    const text = JSON.stringify(scenarioOf([{ op: "close" }]));
    for (const broken of [text.slice(0, -5), "{", "", "{'format': 1}", "[1,]", "nul"]) {
      const e = errors(broken);
      expect(e).toHaveLength(1);
      expect(e[0]).toMatch(/^scenario: not valid JSON: /);
    }
  });

  it("survives deep nesting in JSON text", () => {
    for (const text of ["[".repeat(100_000), `${"[".repeat(100_000)}${"]".repeat(100_000)}`]) {
      const e = errors(text);
      expect(e).toHaveLength(1);
      expect(e[0]).toMatch(/^scenario: /);
    }
    const deep = `{"format":"${FORMAT}","steps":[{"op":"close","expect":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}]}`;
    const e = errors(deep);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^steps\[0\]\.expect(\.a)+: nested more than 64 levels deep$/);
  });

  it("refuses cycles and shared structure blow-ups in already-parsed values", () => {
    const cyclic: Record<string, unknown> = { op: "close" };
    cyclic.expect = { self: cyclic };
    expect(errors(scenarioOf([cyclic]))[0]).toMatch(/nested more than 64 levels deep$/);
    // 2^60 paths through 60 shared levels: the value budget stops the walk.
    let shared: unknown = 1;
    for (let i = 0; i < 60; i++) shared = { a: shared, b: shared };
    const t = performance.now();
    expect(errors(scenarioOf([{ op: "close", expect: shared }]))).toEqual([
      `scenario: more than ${LIMITS.maxValues} values in all, the limit`,
    ]);
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it("rejects a 1,000,000-step array before iterating it", () => {
    const steps = new Array(1_000_000);
    const getter = { count: 0 };
    const t = performance.now();
    const e = errors(
      new Proxy(scenarioOf(steps), {
        get(target, key, receiver) {
          if (key === "steps") getter.count++;
          return Reflect.get(target, key, receiver);
        },
      }),
    );
    expect(e).toEqual(["steps: 1000000 steps is more than the limit of 100000"]);
    expect(performance.now() - t).toBeLessThan(100);
    // Also as JSON text.
    const text = `{"format":"${FORMAT}","steps":[${"0,".repeat(999_999)}0]}`;
    const t2 = performance.now();
    expect(errors(text)).toEqual(["steps: 1000000 steps is more than the limit of 100000"]);
    expect(performance.now() - t2).toBeLessThan(2000);
  });

  it("accepts exactly 100,000 steps and refuses 100,001", () => {
    expect(errors(scenarioOf(new Array(100_001).fill({ op: "close" })))).toEqual([
      "steps: 100001 steps is more than the limit of 100000",
    ]);
  });

  it("refuses JSON text over 10 MiB without parsing it", () => {
    const text = " ".repeat(LIMITS.maxInputChars + 1);
    const t = performance.now();
    expect(errors(text)).toEqual([
      `scenario: the input is ${LIMITS.maxInputChars + 1} characters long, more than the limit of ${LIMITS.maxInputChars}`,
    ]);
    expect(performance.now() - t).toBeLessThan(100);
  });

  it("refuses an over-long string inside an already-parsed value", () => {
    const e = errors(scenarioOf([{ op: "close", expect: { note: "x".repeat(LIMITS.maxInputChars + 1) } }]));
    expect(e).toEqual([
      `steps[0].expect.note: a string of ${LIMITS.maxInputChars + 1} characters is longer than the limit of ${LIMITS.maxInputChars}`,
    ]);
  });

  it("refuses non-JSON values in an already-parsed value", () => {
    expect(errors(scenarioOf([{ op: "EENTER", call: "write", addr: 0, value: 5n }]))).toEqual([
      "steps[0].value: expected a JSON value, got a bigint",
    ]);
    expect(errors(scenarioOf([{ op: "close", expect: { f: () => 1 } }]))).toEqual([
      "steps[0].expect.f: expected a JSON value, got a function",
    ]);
  });

  it("handles huge numbers in every form", () => {
    expect(stepErrors({ op: "reclaim", pages: 1e308 })).toEqual([
      "steps[0].pages: 1e+308 is beyond the largest value the explorer models (2^53-1 = 0x1fffffffffffff)",
    ]);
    expect(stepErrors({ op: "reclaim", pages: "9".repeat(100_000) })[0]).toMatch(
      /^steps\[0\]\.pages: "9{40}\.\.\." is beyond the largest value/,
    );
    const e = errors(`{"format":"${FORMAT}","steps":[{"op":"reclaim","pages":1e999}]}`);
    expect(e).toEqual(["steps[0].pages: expected a number or a hex string, got Infinity"]);
  });

  it("never throws on throwing getters", () => {
    const evil = scenarioOf([
      Object.defineProperty({ op: "close" }, "note", {
        enumerable: true,
        get() {
          throw new Error("boom");
        },
      }),
    ]);
    expect(errors(evil)).toEqual(["scenario: could not be read: boom"]);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const r = parseScenario(revoked.proxy);
    expect(r.ok).toBe(false);
  });

  it("never throws on random JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r: ParseResult = parseScenario(value);
        expect(typeof r.ok).toBe("boolean");
        const t: ParseResult = parseScenario(JSON.stringify(value) ?? "");
        expect(typeof t.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on random near-scenarios, and errors always name a path", () => {
    const anyField = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        "0x1000",
        "R|W|REG|PENDING",
        "PROT_READ",
        "TCS",
        "SGX_PAGE_MEASURE",
        "match",
        "-1",
        "8k",
      ),
      fc.integer(),
    );
    const fieldNames = [
      "op",
      "cmd",
      "arg",
      "offset",
      "length",
      "prot",
      "flags",
      "pages",
      "tcs",
      "call",
      "addr",
      "value",
      "src",
      "secinfo",
      "ssa",
      "entry",
      "enclave",
      "note",
      "expect",
      "size",
      "data",
      "sigstruct",
    ];
    const rawStep = fc.oneof(
      fc.dictionary(fc.constantFrom(...fieldNames), anyField, { maxKeys: 8 }),
      fc.record({
        op: fc.constantFrom("ioctl", "mmap", "mprotect", "munmap", "close", "reclaim", "EENTER", "ERESUME"),
        cmd: fc.constantFrom(
          "SGX_IOC_ENCLAVE_CREATE",
          "SGX_IOC_ENCLAVE_ADD_PAGES",
          "SGX_IOC_ENCLAVE_INIT",
          "SGX_IOC_ENCLAVE_PROVISION",
          "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
          "SGX_IOC_ENCLAVE_MODIFY_TYPES",
          "SGX_IOC_ENCLAVE_REMOVE_PAGES",
          "OTHER",
        ),
        arg: fc.dictionary(
          fc.constantFrom(
            "offset",
            "length",
            "secinfo",
            "size",
            "data",
            "tcs",
            "sigstruct",
            "page_type",
            "count",
          ),
          anyField,
        ),
        call: fc.constantFrom("write", "read", "exec", "nop", "EACCEPT", "EACCEPTCOPY", "EMODPE", "init_tcs"),
        addr: anyField,
      }),
    );
    fc.assert(
      fc.property(fc.array(rawStep, { maxLength: 5 }), anyField, (steps, machine) => {
        for (const input of [scenarioOf(steps), scenarioOf(steps, { machine })]) {
          const r = parseScenario(input);
          if (!r.ok) {
            expect(r.errors.length).toBeGreaterThan(0);
            expect(r.errors.length).toBeLessThanOrEqual(LIMITS.maxErrors + 1);
            for (const e of r.errors) expect(e).toMatch(/^(\.\.\. and more$|[A-Za-z_[\]."0-9]+(\.|:|\[))/);
          } else {
            expect(r.scenario.steps).toHaveLength(steps.length);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
