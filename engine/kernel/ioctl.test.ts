// The enclave ioctls, checked against the Linux SGX driver (v6.0,
// ioctl.c): every refusal path with its errno, and what the kernel
// writes back into `count` / `result`. Each test runs a scenario through simulate() and looks
// at the trace: the step's ret/errno/arg, the EPCM entries and the kernel's page records.

import { describe, expect, it } from "vitest";
import { eaccept, read, write } from "../flows/calls.ts";
import { MAGIC, standardBuild, TCS1, TCS2 } from "../flows/standard-build.ts";
import { eenter, hex, ioctl, mmap, type RawStep } from "../flows/steps.ts";
import type { EpcmEntryJson, KernelPageJson, Trace, TraceStep } from "../index.ts";
import { simulate } from "../index.ts";

const SIZE = 0x10000;
const BASE = 0x7f0000000000;
/** The selftest enclave, initialized and mapped (TCS 0x0/0x1000, text 0x2000-0x3fff R-X, data 0x4000-0xafff RW, heap 0xb000 RW). */
const BUILD = standardBuild();
/** The build up to (not including) INIT: CREATE and the four ADD_PAGES. */
const ADDED = BUILD.slice(0, 5);
const HOLE = 0xc000;

function run(steps: RawStep[], machine?: { epcPages?: number; sgx2?: boolean }): Trace {
  const r = simulate({
    format: "epcm-scenario/1",
    title: "ioctl test",
    ...(machine ? { machine } : {}),
    steps,
  });
  if (!r.ok) throw new Error(`scenario rejected:\n${r.errors.join("\n")}`);
  // The build's own expectations (standardBuild) must hold too.
  expect(r.unmet).toEqual([]);
  return r.trace;
}

/** The last trace step. */
function last(t: Trace): TraceStep {
  return t.steps[t.steps.length - 1];
}

function page(t: Trace, offset: number): KernelPageJson | undefined {
  return t.final.pages.find((p) => p.enclave === "e0" && p.offset === hex(offset));
}

function epcm(t: Trace, offset: number): EpcmEntryJson | undefined {
  return t.final.epcm.find(
    (e) => e.enclave === "e0" && e.offset === hex(offset) && e.type !== "SECS" && e.type !== "VA",
  );
}

function leaves(s: TraceStep): string[] {
  return s.events
    .filter((e) => e.leaf !== undefined && (e.kind === "encls" || e.kind === "enclu"))
    .map((e) => e.leaf as string);
}

/** A refused call: -1, errno, and either exactly these output fields or none written back (undefined). */
function refused(s: TraceStep, errno: string, arg?: Record<string, string>): void {
  expect({ ret: s.ret, errno: s.errno }).toEqual({ ret: -1, errno });
  expect(s.arg).toEqual(arg);
}

function succeeded(s: TraceStep, arg?: Record<string, string>): void {
  expect({ ret: s.ret, errno: s.errno }).toEqual({ ret: 0, errno: undefined });
  if (arg) expect(s.arg).toEqual(arg);
}

const create = (extra: Record<string, unknown> = {}) =>
  ioctl("SGX_IOC_ENCLAVE_CREATE", { size: hex(SIZE), ...extra });
const add = (offset: number, length: number, secinfo: string, extra: Record<string, unknown> = {}) =>
  ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", { offset: hex(offset), length: hex(length), secinfo, ...extra });
const init = (sigstruct?: Record<string, unknown>) =>
  ioctl("SGX_IOC_ENCLAVE_INIT", sigstruct ? { sigstruct } : {});
const provision = () => ioctl("SGX_IOC_ENCLAVE_PROVISION", {});
const restrict = (
  offset: number,
  length: number,
  permissions: string | number,
  extra: Record<string, unknown> = {},
) =>
  ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", {
    offset: hex(offset),
    length: hex(length),
    permissions,
    ...extra,
  });
const modify = (
  offset: number,
  length: number,
  page_type: string | number,
  extra: Record<string, unknown> = {},
) => ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { offset: hex(offset), length: hex(length), page_type, ...extra });
const remove = (offset: number, length: number, extra: Record<string, unknown> = {}) =>
  ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { offset: hex(offset), length: hex(length), ...extra });
const close = (): RawStep => ({ op: "close" });

/** An EAUGed, still PENDING page at `HOLE` (selftest `augment` up to the reported #PF 0x8007). */
const PENDING_AT_HOLE: RawStep[] = [
  mmap(HOLE, 0x1000, "PROT_READ|PROT_WRITE"),
  eenter(TCS1, write(HOLE, MAGIC)),
];

// ------------------------------------------------------------------------------ dispatcher

describe("sgx_ioctl() dispatcher", () => {
  it("answers an unknown command with ENOTTY, in any enclave state", () => {
    const t = run([
      ioctl("SGX_IOC_ENCLAVE_FROBNICATE", {}),
      create(),
      ioctl("SGX_IOC_ENCLAVE_FROBNICATE", {}),
    ]);
    refused(t.steps[0], "ENOTTY");
    succeeded(t.steps[1]);
    refused(t.steps[2], "ENOTTY");
  });

  it("does not know SGX_IOC_VEPC_REMOVE_ALL on an enclave fd (it belongs to /dev/sgx_vepc)", () => {
    const t = run([...BUILD, ioctl("SGX_IOC_VEPC_REMOVE_ALL", {})]);
    refused(last(t), "ENOTTY");
  });

  it("gives EBADF for every ioctl after close, known or not, and releases the enclave", () => {
    const t = run([
      ...BUILD,
      close(),
      add(HOLE, 0x1000, "R|W|REG"),
      init(),
      restrict(0x5000, 0x1000, "R"),
      ioctl("SGX_IOC_ENCLAVE_FROBNICATE", {}),
      close(),
    ]);
    const n = BUILD.length;
    succeeded(t.steps[n]);
    for (let i = n + 1; i < t.steps.length; i++) refused(t.steps[i], "EBADF");
    // sgx_encl_release(): every EPC page (children, SECS, VA) is gone.
    expect(t.final.epcm).toEqual([]);
    expect(t.final.pages).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ CREATE

describe("SGX_IOC_ENCLAVE_CREATE", () => {
  it("creates the SECS and one VA page (the VA page first: sgx_encl_grow before the SECS)", () => {
    const t = run([create()]);
    const s = last(t);
    succeeded(s);
    expect(s.arg).toBeUndefined();
    expect(s.epcm.map((e) => e.type).sort()).toEqual(["SECS", "VA"]);
    expect(t.final.epcm.map((e) => e.type).sort()).toEqual(["SECS", "VA"]);
    for (const e of t.final.epcm)
      expect(e).toMatchObject({
        valid: true,
        perms: "---",
        pending: false,
        modified: false,
        pr: false,
        blocked: false,
      });
    expect(t.final.pages).toEqual([]);
    const l = leaves(s);
    expect(l.indexOf("EPA")).toBeGreaterThanOrEqual(0);
    expect(l.indexOf("EPA")).toBeLessThan(l.indexOf("ECREATE"));
    expect(t.enclaves.e0).toEqual({ base: hex(BASE), size: hex(SIZE) });
  });

  it("refuses a second CREATE with EINVAL and changes nothing", () => {
    const t = run([create(), create()]);
    refused(last(t), "EINVAL");
    expect(leaves(last(t))).toEqual([]);
    expect(t.final.epcm.map((e) => e.type).sort()).toEqual(["SECS", "VA"]);
  });

  // The v6.0 kernel does not validate the SECS: ECREATE does, and any fault becomes -EIO.
  const invalid: Array<[string, Record<string, unknown>]> = [
    ["size not a power of two", { size: "0x3000" }],
    ["size below 8 KiB", { size: "0x1000" }],
    ["base not naturally aligned to size", { base: hex(BASE + 0x1000) }],
    ["XFRM without x87 (bit 0)", { xfrm: 2 }],
    ["XFRM without SSE (bit 1)", { xfrm: 1 }],
  ];
  for (const [why, fields] of invalid) {
    it(`gives EIO when ECREATE faults: ${why}, and unwinds every allocation`, () => {
      const t = run([create(fields)]);
      const s = last(t);
      refused(s, "EIO");
      const ecreate = s.events.find((e) => e.leaf === "ECREATE");
      expect(ecreate?.result).toBe("#GP");
      expect(t.final.epcm).toEqual([]);
      expect(t.enclaves.e0).toBeUndefined();
    });
  }

  it("leaves the enclave uncreated after EIO: ADD_PAGES is refused, a valid CREATE then works", () => {
    const base = hex(BASE);
    const t = run([
      create({ base, xfrm: 1 }),
      add(0, 0x1000, "R|W|REG"),
      create({ base }),
      add(0, 0x1000, "R|W|REG"),
    ]);
    refused(t.steps[0], "EIO");
    refused(t.steps[1], "EINVAL");
    succeeded(t.steps[2]);
    succeeded(t.steps[3], { count: "0x1000" });
  });
});

// ------------------------------------------------------------------------------ ADD_PAGES

describe("SGX_IOC_ENCLAVE_ADD_PAGES", () => {
  it("is refused with EINVAL before CREATE (nothing written back)", () => {
    const t = run([add(0, 0x1000, "R|W|REG")]);
    refused(last(t), "EINVAL");
  });

  it("is refused with EINVAL after INIT", () => {
    const t = run([...BUILD, add(HOLE, 0x1000, "R|W|REG")]);
    refused(last(t), "EINVAL");
    expect(page(t, HOLE)).toBeUndefined();
  });

  const badRange: Array<[string, Record<string, unknown>]> = [
    ["src not page aligned", { offset: "0x4000", length: "0x1000", src: "0x10" }],
    ["offset not page aligned", { offset: "0x4010", length: "0x1000" }],
    ["length 0", { offset: "0x4000", length: "0x0" }],
    ["length not a multiple of 4096", { offset: "0x4000", length: "0x1800" }],
    ["range running past the end of ELRANGE", { offset: "0xf000", length: "0x2000" }],
    ["range starting at the end of ELRANGE", { offset: "0x10000", length: "0x1000" }],
  ];
  for (const [why, fields] of badRange) {
    it(`refuses ${why} with EINVAL before adding anything`, () => {
      const t = run([create(), ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", { secinfo: "R|W|REG", ...fields })]);
      refused(last(t), "EINVAL");
      expect(leaves(last(t))).toEqual([]);
      expect(t.final.pages).toEqual([]);
    });
  }

  it("accepts a range whose last page is the last page of ELRANGE", () => {
    const t = run([create(), add(0xf000, 0x1000, "R|W|REG")]);
    succeeded(last(t), { count: "0x1000" });
  });

  const badSecinfo: Array<[string, string]> = [
    ["page type VA", "R|W|VA"],
    ["page type TRIM", "R|W|TRIM"],
    ["page type SECS", "SECS"],
    ["W without R", "W|REG"],
    ["W|X without R", "W|X|REG"],
    ["a TCS with R", "R|TCS"],
    ["a TCS with X", "X|TCS"],
    ["PENDING", "R|W|REG|PENDING"],
    ["MODIFIED", "R|W|REG|MODIFIED"],
    ["PR", "R|W|REG|PR"],
    ["a reserved bit above the page type", "0x10203"],
  ];
  for (const [why, secinfo] of badSecinfo) {
    it(`refuses SECINFO with ${why} (${secinfo}) with EINVAL`, () => {
      const t = run([create(), add(0x4000, 0x1000, secinfo)]);
      refused(last(t), "EINVAL");
      expect(leaves(last(t))).toEqual([]);
      expect(t.final.pages).toEqual([]);
    });
  }

  it("allows X without R (the kernel does not forbid it)", () => {
    const t = run([create(), add(0x4000, 0x1000, "X|REG")]);
    succeeded(last(t), { count: "0x1000" });
    expect(epcm(t, 0x4000)).toMatchObject({
      type: "REG",
      perms: "--X",
      pending: false,
      modified: false,
      pr: false,
    });
    expect(page(t, 0x4000)).toMatchObject({ type: "REG", vm_max_prot: "--X", resident: true });
  });

  it("stops at a page that already exists with EBUSY; count is the bytes added before it", () => {
    const t = run([create(), add(0x4000, 0x1000, "R|W|REG"), add(0x3000, 0x3000, "R|X|REG")]);
    refused(last(t), "EBUSY", { count: "0x1000" });
    expect(t.final.pages.map((p) => p.offset)).toEqual(["0x3000", "0x4000"]);
    // The existing page is untouched and the refused page's EPC page was given back.
    expect(page(t, 0x4000)?.vm_max_prot).toBe("RW-");
    expect(epcm(t, 0x4000)?.perms).toBe("RW-");
    expect(t.final.epcm).toHaveLength(4); // SECS, VA, 0x3000, 0x4000
  });

  it("reports count 0 when the first page of the range already exists", () => {
    const t = run([create(), add(0x4000, 0x1000, "R|W|REG"), add(0x4000, 0x2000, "R|W|REG")]);
    refused(last(t), "EBUSY", { count: "0x0" });
    expect(page(t, 0x5000)).toBeUndefined();
  });

  it("sets vm_max_prot_bits from SECINFO, RW for a TCS (whose EPCM permissions are 0)", () => {
    const t = run(BUILD);
    expect(page(t, TCS1)).toMatchObject({ type: "TCS", vm_max_prot: "RW-" });
    expect(page(t, TCS2)).toMatchObject({ type: "TCS", vm_max_prot: "RW-" });
    expect(epcm(t, TCS2)).toMatchObject({ type: "TCS", perms: "---" });
    expect(page(t, 0x2000)).toMatchObject({ type: "REG", vm_max_prot: "R-X" });
    expect(page(t, 0x5000)).toMatchObject({ type: "REG", vm_max_prot: "RW-" });
    expect(page(t, 0xb000)).toMatchObject({ type: "REG", vm_max_prot: "RW-" });
  });

  it("measures with EEXTEND only when SGX_PAGE_MEASURE is set", () => {
    const t = run([
      create(),
      add(0x4000, 0x1000, "R|W|REG", { flags: "SGX_PAGE_MEASURE" }),
      add(0x5000, 0x1000, "R|W|REG"),
    ]);
    expect(leaves(t.steps[1])).toContain("EEXTEND");
    expect(leaves(t.steps[2])).toEqual(["EADD"]);
  });
});

// ------------------------------------------------------------------------------ INIT

describe("SGX_IOC_ENCLAVE_INIT", () => {
  it("is refused with EINVAL before CREATE and when already initialized", () => {
    refused(last(run([init()])), "EINVAL");
    const t = run([...BUILD, init()]);
    refused(last(t), "EINVAL");
    expect(leaves(last(t))).toEqual([]);
  });

  it("refuses a SIGSTRUCT vendor other than 0x0000 and 0x8086 with EINVAL", () => {
    const t = run([...ADDED, init({ vendor: "0x1234" }), init({ vendor: "0x8086" })]);
    refused(t.steps[5], "EINVAL");
    expect(leaves(t.steps[5])).toEqual([]);
    succeeded(t.steps[6]);
  });

  it("gives EACCES for PROVISIONKEY without SGX_IOC_ENCLAVE_PROVISION", () => {
    const t = run([create({ attributes: "MODE64BIT|PROVISIONKEY" }), init()]);
    refused(last(t), "EACCES");
    expect(leaves(last(t))).toEqual([]);
  });

  it("allows PROVISIONKEY after PROVISION issued after CREATE; a refused INIT can be retried", () => {
    const t = run([create({ attributes: "MODE64BIT|PROVISIONKEY" }), init(), provision(), init()]);
    refused(t.steps[1], "EACCES");
    succeeded(t.steps[2]);
    succeeded(t.steps[3]);
  });

  it("forgets a PROVISION issued before CREATE (CREATE assigns attributes_mask)", () => {
    const t = run([provision(), create({ attributes: "MODE64BIT|PROVISIONKEY" }), init()]);
    succeeded(t.steps[0]);
    refused(last(t), "EACCES");
  });

  it("never allows EINITTOKENKEY, even after PROVISION", () => {
    const t = run([create({ attributes: "MODE64BIT|EINITTOKENKEY" }), provision(), init()]);
    refused(last(t), "EACCES");
  });

  it("answers PROVISION with 0 in any state (no enclave-state check)", () => {
    const t = run([...BUILD, provision()]);
    succeeded(last(t));
  });

  it("allows DEBUG (part of the default attributes_mask)", () => {
    const t = run([create({ attributes: "MODE64BIT|DEBUG" }), init()]);
    succeeded(last(t));
  });

  it("gives EPERM when EINIT rejects the measurement; the enclave stays CREATED", () => {
    const t = run([...ADDED, init({ enclavehash: "0x1234" }), add(HOLE, 0x1000, "R|W|REG"), init()]);
    refused(t.steps[5], "EPERM");
    const einit = t.steps[5].events.find((e) => e.leaf === "EINIT");
    expect(einit?.result).toBe("SGX_INVALID_MEASUREMENT");
    succeeded(t.steps[6], { count: "0x1000" });
    succeeded(t.steps[7]);
  });

  it("gives EPERM when the SIGSTRUCT attributes differ from the enclave's under attributes_mask", () => {
    const t = run([...ADDED, init({ attributes: "MODE64BIT|DEBUG", attributes_mask: "DEBUG" })]);
    refused(last(t), "EPERM");
    expect(last(t).events.find((e) => e.leaf === "EINIT")?.result).toBe("SGX_INVALID_ATTRIBUTE");
  });

  it("ignores attribute differences outside attributes_mask", () => {
    const t = run([...ADDED, init({ attributes: "MODE64BIT|DEBUG", attributes_mask: "MODE64BIT" })]);
    succeeded(last(t));
  });

  it("gives EPERM for an XFRM or MISCSELECT mismatch under its mask", () => {
    refused(last(run([...ADDED, init({ xfrm: 7, xfrm_mask: 7 })])), "EPERM");
    refused(last(run([...ADDED, init({ miscselect: 1, misc_mask: 1 })])), "EPERM");
  });

  it("gives EINVAL when the SIGSTRUCT requires a reserved attribute bit", () => {
    const t = run([...ADDED, init({ attributes: "0xc", attributes_mask: "0x8" })]);
    refused(last(t), "EINVAL");
    expect(leaves(last(t))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ RESTRICT_PERMISSIONS

describe("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", () => {
  it("gives ENODEV on a CPU without SGX2, before any other check", () => {
    refused(last(run([...BUILD, restrict(0x5000, 0x1000, "R")], { sgx2: false })), "ENODEV");
    refused(last(run([create(), restrict(0x5010, 0, 8, { count: 1 })], { sgx2: false })), "ENODEV");
  });

  it("is refused with EINVAL before INIT", () => {
    refused(last(run([...ADDED, restrict(0x5000, 0x1000, "R")])), "EINVAL");
  });

  const bad: Array<[string, RawStep]> = [
    ["offset not page aligned", restrict(0x5010, 0x1000, "R")],
    ["length 0", restrict(0x5000, 0, "R")],
    ["length not a multiple of 4096", restrict(0x5000, 0x800, "R")],
    ["range past ELRANGE", restrict(0xf000, 0x2000, "R")],
    ["permissions 0x8", restrict(0x5000, 0x1000, 8)],
    ["W without R", restrict(0x5000, 0x1000, "W")],
    ["W|X without R", restrict(0x5000, 0x1000, "W|X")],
    ["result non-zero on input", restrict(0x5000, 0x1000, "R", { result: 1 })],
    ["count non-zero on input", restrict(0x5000, 0x1000, "R", { count: "0x1000" })],
  ];
  for (const [why, step] of bad) {
    it(`refuses ${why} with EINVAL (nothing written back)`, () => {
      const t = run([...BUILD, step]);
      refused(last(t), "EINVAL");
      expect(leaves(last(t))).toEqual([]);
      expect(epcm(t, 0x5000)).toMatchObject({ perms: "RW-", pr: false });
    });
  }

  it("refuses a TCS page with EINVAL, result 0, count 0 (selftest tcs_permissions)", () => {
    const t = run([...BUILD, restrict(TCS1, 0x1000, "R")]);
    refused(last(t), "EINVAL", { result: "0x0", count: "0x0" });
    expect(leaves(last(t))).toEqual([]);
    expect(epcm(t, TCS1)).toMatchObject({ type: "TCS", perms: "---", pr: false });
  });

  it("refuses a TRIM page with EINVAL, result 0, count 0 (only REG pages)", () => {
    const t = run([...BUILD, modify(0xb000, 0x1000, "TRIM"), restrict(0xb000, 0x1000, "R")]);
    refused(last(t), "EINVAL", { result: "0x0", count: "0x0" });
    expect(leaves(last(t))).toEqual([]);
  });

  it("gives EFAULT for a page that was never added", () => {
    const t = run([...BUILD, restrict(HOLE, 0x1000, "R")]);
    refused(last(t), "EFAULT", { result: "0x0", count: "0x0" });
  });

  it("gives EFAULT with result SGX_PAGE_NOT_MODIFIABLE (0x14) for an EAUGed, still PENDING page", () => {
    const t = run([...BUILD, ...PENDING_AT_HOLE, restrict(HOLE, 0x1000, "R")]);
    refused(last(t), "EFAULT", { result: "0x14", count: "0x0" });
    expect(last(t).events.find((e) => e.leaf === "EMODPR")?.result).toBe("SGX_PAGE_NOT_MODIFIABLE");
    expect(epcm(t, HOLE)).toMatchObject({ type: "REG", perms: "RW-", pending: true, pr: false });
  });

  it("stops at the first bad page; count is the bytes restricted before it", () => {
    const t = run([...BUILD, restrict(0xa000, 0x3000, "R")]);
    refused(last(t), "EFAULT", { result: "0x0", count: "0x2000" });
    expect(epcm(t, 0xa000)).toMatchObject({ perms: "R--", pr: true });
    expect(epcm(t, 0xb000)).toMatchObject({ perms: "R--", pr: true });
  });

  it("ANDs the EPCM permissions and sets PR, then ETRACKs; vm_max_prot_bits and type stay", () => {
    const t = run([...BUILD, restrict(0x2000, 0x1000, "R|W")]);
    succeeded(last(t), { result: "0x0", count: "0x1000" });
    expect(epcm(t, 0x2000)).toMatchObject({
      type: "REG",
      perms: "R--",
      pr: true,
      pending: false,
      modified: false,
    });
    expect(page(t, 0x2000)).toMatchObject({ type: "REG", vm_max_prot: "R-X" });
    const l = leaves(last(t));
    expect(l).toContain("EMODPR");
    expect(l.indexOf("ETRACK")).toBeGreaterThan(l.indexOf("EMODPR"));
  });

  it("cannot relax permissions (RWX on an RW page stays RW, PR set)", () => {
    const t = run([...BUILD, restrict(0x5000, 0x1000, "R|W|X")]);
    succeeded(last(t), { result: "0x0", count: "0x1000" });
    expect(epcm(t, 0x5000)).toMatchObject({ perms: "RW-", pr: true });
    expect(page(t, 0x5000)?.vm_max_prot).toBe("RW-");
  });

  it("accepts permissions 0 and X-only (read access is not enforced)", () => {
    const t = run([...BUILD, restrict(0x4000, 0x1000, 0), restrict(0x2000, 0x1000, "X")]);
    succeeded(t.steps[t.steps.length - 2], { result: "0x0", count: "0x1000" });
    succeeded(last(t), { result: "0x0", count: "0x1000" });
    expect(epcm(t, 0x4000)).toMatchObject({ perms: "---", pr: true });
    expect(epcm(t, 0x2000)).toMatchObject({ perms: "--X", pr: true });
  });

  it("restricts every page of a multi-page range", () => {
    const t = run([...BUILD, restrict(0x4000, 0x8000, "R")]);
    succeeded(last(t), { result: "0x0", count: "0x8000" });
    for (let off = 0x4000; off < 0xc000; off += 0x1000)
      expect(epcm(t, off)).toMatchObject({ perms: "R--", pr: true });
  });

  it("leaves the PTEs in place (no zap; the next access does not fault)", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, read(0x5000)),
      restrict(0x5000, 0x1000, "R"),
      eenter(TCS1, read(0x5000)),
    ]);
    const r = t.steps[t.steps.length - 2];
    succeeded(r, { result: "0x0", count: "0x1000" });
    expect(r.events.filter((e) => e.kind === "mm")).toEqual([]);
    const again = last(t);
    expect(again.run?.function).toBe("EEXIT");
    expect(again.events.filter((e) => e.kind === "fault")).toEqual([]);
  });

  it("after EACCEPT(R|REG|PR) a write faults in the EPCM: #PF 0x8007 (selftest epcm_permissions)", () => {
    const t = run([
      ...BUILD,
      restrict(0x5000, 0x1000, "R"),
      eenter(TCS1, eaccept(0x5000, "R|REG|PR")),
      eenter(TCS1, write(0x5000, MAGIC)),
    ]);
    const acc = t.steps[t.steps.length - 2];
    expect(acc.run?.function).toBe("EEXIT");
    expect(acc.call?.ret).toBe(0);
    expect(last(t).run).toMatchObject({
      function: "ERESUME",
      exception_vector: 14,
      exception_error_code: "0x8007",
      exception_offset: "0x5000",
    });
    expect(epcm(t, 0x5000)).toMatchObject({ perms: "R--", pr: false });
  });
});

// ------------------------------------------------------------------------------ MODIFY_TYPES

describe("SGX_IOC_ENCLAVE_MODIFY_TYPES", () => {
  it("gives ENODEV without SGX2 and EINVAL before INIT", () => {
    refused(last(run([...BUILD, modify(0xb000, 0x1000, "TRIM")], { sgx2: false })), "ENODEV");
    refused(last(run([...ADDED, modify(0xb000, 0x1000, "TRIM")])), "EINVAL");
  });

  it("refuses page_type REG, SECS or VA with EINVAL, writing back result 0 and count 0", () => {
    for (const type of ["REG", "SECS", "VA"]) {
      const t = run([...BUILD, modify(0xb000, 0x1000, type)]);
      refused(last(t), "EINVAL", { result: "0x0", count: "0x0" });
      expect(leaves(last(t))).toEqual([]);
    }
  });

  const bad: Array<[string, RawStep]> = [
    ["page_type with bits above 7 (0x100)", modify(0xb000, 0x1000, "0x100")],
    ["page_type 0x104", modify(0xb000, 0x1000, "0x104")],
    ["offset not page aligned", modify(0xb008, 0x1000, "TRIM")],
    ["length 0", modify(0xb000, 0, "TRIM")],
    ["range past ELRANGE", modify(0xb000, 0x6000, "TRIM")],
    ["result non-zero on input", modify(0xb000, 0x1000, "TRIM", { result: "0x14" })],
    ["count non-zero on input", modify(0xb000, 0x1000, "TRIM", { count: "0x1000" })],
  ];
  for (const [why, step] of bad) {
    it(`refuses ${why} with EINVAL (nothing written back)`, () => {
      const t = run([...BUILD, step]);
      refused(last(t), "EINVAL");
      expect(page(t, 0xb000)?.type).toBe("REG");
    });
  }

  it("refuses TRIM → TRIM and TCS → TCS with EINVAL, count 0", () => {
    const t = run([
      ...BUILD,
      modify(0xb000, 0x1000, "TRIM"),
      modify(0xb000, 0x1000, "TRIM"),
      modify(TCS2, 0x1000, "TCS"),
    ]);
    refused(t.steps[t.steps.length - 2], "EINVAL", { result: "0x0", count: "0x0" });
    refused(last(t), "EINVAL", { result: "0x0", count: "0x0" });
    expect(leaves(last(t))).toEqual([]);
  });

  it("converts REG → TRIM: EMODT + ETRACK, kernel type TRIM, EPCM TRIM --- MODIFIED; PTE and vm_max_prot_bits kept", () => {
    const t = run([...BUILD, eenter(TCS1, read(0xb000)), modify(0xb000, 0x1000, "TRIM")]);
    const s = last(t);
    succeeded(s, { result: "0x0", count: "0x1000" });
    const l = leaves(s);
    expect(l.indexOf("ETRACK")).toBeGreaterThan(l.indexOf("EMODT"));
    expect(s.events.filter((e) => e.kind === "mm")).toEqual([]);
    expect(page(t, 0xb000)).toMatchObject({ type: "TRIM", vm_max_prot: "RW-" });
    expect(epcm(t, 0xb000)).toMatchObject({
      type: "TRIM",
      perms: "---",
      modified: true,
      pending: false,
      pr: false,
    });
  });

  it("converts TCS → TRIM", () => {
    const t = run([...BUILD, modify(TCS2, 0x1000, "TRIM")]);
    succeeded(last(t), { result: "0x0", count: "0x1000" });
    expect(page(t, TCS2)).toMatchObject({ type: "TRIM", vm_max_prot: "RW-" });
    expect(epcm(t, TCS2)).toMatchObject({ type: "TRIM", perms: "---", modified: true });
  });

  it("trims a multi-page range (selftest: 3 pages → count 12288)", () => {
    const t = run([...BUILD, modify(0x9000, 0x3000, "TRIM")]);
    succeeded(last(t), { result: "0x0", count: "0x3000" });
    for (const off of [0x9000, 0xa000, 0xb000]) expect(page(t, off)?.type).toBe("TRIM");
  });

  it("stops at a hole with EFAULT; count is the bytes converted before it", () => {
    const t = run([...BUILD, modify(0xa000, 0x3000, "TRIM")]);
    refused(last(t), "EFAULT", { result: "0x0", count: "0x2000" });
    expect(page(t, 0xa000)?.type).toBe("TRIM");
    expect(page(t, 0xb000)?.type).toBe("TRIM");
  });

  it("refuses REG → TCS with EPERM when vm_max_prot_bits lack W (a text page, R-X)", () => {
    const t = run([...BUILD, modify(0x2000, 0x1000, "TCS")]);
    refused(last(t), "EPERM", { result: "0x0", count: "0x0" });
    expect(leaves(last(t))).toEqual([]);
    expect(page(t, 0x2000)).toMatchObject({ type: "REG", vm_max_prot: "R-X" });
    expect(epcm(t, 0x2000)).toMatchObject({ type: "REG", perms: "R-X", modified: false });
  });

  it("converts REG → TCS: zaps the PTE, vm_max_prot_bits become RW, EPCM TCS --- MODIFIED", () => {
    const t = run([
      ...BUILD,
      eenter(TCS1, read(0x6000)),
      modify(0x6000, 0x1000, "TCS"),
      eenter(TCS1, read(0x6000)),
    ]);
    const s = t.steps[t.steps.length - 2];
    succeeded(s, { result: "0x0", count: "0x1000" });
    expect(s.events.some((e) => e.kind === "mm")).toBe(true);
    const l = leaves(s);
    expect(l.indexOf("ETRACK")).toBeGreaterThan(l.indexOf("EMODT"));
    expect(page(t, 0x6000)).toMatchObject({ type: "TCS", vm_max_prot: "RW-" });
    expect(epcm(t, 0x6000)).toMatchObject({
      type: "TCS",
      perms: "---",
      modified: true,
      pending: false,
      pr: false,
    });
    // The zapped PTE: the next access misses in the page tables first, then the EPCM refuses it.
    const again = last(t);
    const faults = again.events.filter((e) => e.kind === "fault" && e.offset === "e0+0x6000");
    expect(faults[0]).toMatchObject({ error_code: "0x4", raised_by: "page tables" });
    expect(again.run).toMatchObject({
      function: "ERESUME",
      exception_vector: 14,
      exception_error_code: "0x8005",
      exception_offset: "0x6000",
    });
  });

  it("drops X from an EAUGed page's vm_max_prot_bits (RWX → RW) on REG → TCS", () => {
    const steps = [
      ...BUILD,
      mmap(HOLE, 0x1000, "PROT_READ|PROT_WRITE"),
      eenter(TCS1, eaccept(HOLE, "R|W|REG|PENDING")),
    ];
    expect(page(run(steps), HOLE)).toMatchObject({ type: "REG", vm_max_prot: "RWX" });
    const t = run([...steps, modify(HOLE, 0x1000, "TCS")]);
    succeeded(last(t), { result: "0x0", count: "0x1000" });
    expect(page(t, HOLE)).toMatchObject({ type: "TCS", vm_max_prot: "RW-" });
  });

  it("gives EFAULT with result 0x14 on a PENDING page, restoring vm_max_prot_bits and keeping the type", () => {
    for (const type of ["TRIM", "TCS"]) {
      const t = run([...BUILD, ...PENDING_AT_HOLE, modify(HOLE, 0x1000, type)]);
      refused(last(t), "EFAULT", { result: "0x14", count: "0x0" });
      expect(page(t, HOLE)).toMatchObject({ type: "REG", vm_max_prot: "RWX" });
      expect(epcm(t, HOLE)).toMatchObject({ type: "REG", pending: true, modified: false });
    }
  });

  it("gives EFAULT for a page that was never added", () => {
    refused(last(run([...BUILD, modify(HOLE, 0x1000, "TRIM")])), "EFAULT", { result: "0x0", count: "0x0" });
  });
});

// ------------------------------------------------------------------------------ REMOVE_PAGES

describe("SGX_IOC_ENCLAVE_REMOVE_PAGES", () => {
  const trimAndAccept = (offset: number): RawStep[] => [
    modify(offset, 0x1000, "TRIM"),
    eenter(TCS1, eaccept(offset, "TRIM|MODIFIED")),
  ];

  it("gives ENODEV without SGX2 and EINVAL before INIT", () => {
    refused(last(run([...BUILD, remove(0xb000, 0x1000)], { sgx2: false })), "ENODEV");
    refused(last(run([...ADDED, remove(0xb000, 0x1000)])), "EINVAL");
  });

  const bad: Array<[string, RawStep]> = [
    ["count non-zero on input", remove(0xb000, 0x1000, { count: "0x1000" })],
    ["offset not page aligned", remove(0xb800, 0x1000)],
    ["length not a multiple of 4096", remove(0xb000, 0x1001)],
    ["range past ELRANGE", remove(0xf000, 0x2000)],
  ];
  for (const [why, step] of bad) {
    it(`refuses ${why} with EINVAL (nothing written back)`, () => {
      const t = run([...BUILD, ...trimAndAccept(0xb000), step]);
      refused(last(t), "EINVAL");
      expect(page(t, 0xb000)?.type).toBe("TRIM");
    });
  }

  it("refuses a page that is not TRIM with EPERM, count 0 (REG and TCS)", () => {
    for (const off of [0xb000, TCS2]) {
      const t = run([...BUILD, remove(off, 0x1000)]);
      refused(last(t), "EPERM", { count: "0x0" });
      expect(page(t, off)).toBeDefined();
    }
  });

  it("refuses a trim the enclave has not accepted with EPERM, count 0 (selftest remove_added_page_no_eaccept)", () => {
    const t = run([...BUILD, modify(0xb000, 0x1000, "TRIM"), remove(0xb000, 0x1000)]);
    refused(last(t), "EPERM", { count: "0x0" });
    expect(last(t).events.find((e) => e.leaf === "EMODPR")?.result).toBe("SGX_PAGE_NOT_MODIFIABLE");
    expect(page(t, 0xb000)).toMatchObject({ type: "TRIM", resident: true });
    expect(epcm(t, 0xb000)).toMatchObject({ type: "TRIM", modified: true });
  });

  it("gives EFAULT for a page that was never added", () => {
    refused(last(run([...BUILD, remove(HOLE, 0x1000)])), "EFAULT", { count: "0x0" });
  });

  it("removes an accepted trim: EMODPR probe #PF, EREMOVE, no ETRACK; the page record is gone", () => {
    const t = run([...BUILD, ...trimAndAccept(0xb000), remove(0xb000, 0x1000)]);
    const accept = t.steps[t.steps.length - 2];
    expect(accept.call?.ret).toBe(0);
    const s = last(t);
    succeeded(s, { count: "0x1000" });
    expect(s.events.find((e) => e.leaf === "EMODPR")?.result).toBe("#PF");
    const l = leaves(s);
    expect(l).toContain("EREMOVE");
    expect(l).not.toContain("ETRACK");
    expect(s.epcm.some((e) => e.valid === false)).toBe(true);
    expect(page(t, 0xb000)).toBeUndefined();
    expect(epcm(t, 0xb000)).toBeUndefined();
  });

  it("EAUGs the address again on the next access after removal (SGX2)", () => {
    const t = run([
      ...BUILD,
      ...trimAndAccept(0xb000),
      remove(0xb000, 0x1000),
      eenter(TCS1, write(0xb000, MAGIC)),
    ]);
    const s = last(t);
    expect(leaves(s)).toContain("EAUG");
    expect(s.run).toMatchObject({
      function: "ERESUME",
      exception_vector: 14,
      exception_error_code: "0x8007",
      exception_offset: "0xb000",
    });
    expect(page(t, 0xb000)).toMatchObject({ type: "REG", vm_max_prot: "RWX", resident: true });
    expect(epcm(t, 0xb000)).toMatchObject({ type: "REG", perms: "RW-", pending: true });
  });

  it("stops at the first unaccepted page of a range; count is the bytes removed before it", () => {
    const t = run([
      ...BUILD,
      modify(0x9000, 0x3000, "TRIM"),
      eenter(TCS1, eaccept(0x9000, "TRIM|MODIFIED")),
      eenter(TCS1, eaccept(0xa000, "TRIM|MODIFIED")),
      remove(0x9000, 0x3000),
    ]);
    refused(last(t), "EPERM", { count: "0x2000" });
    expect(page(t, 0x9000)).toBeUndefined();
    expect(page(t, 0xa000)).toBeUndefined();
    expect(page(t, 0xb000)).toMatchObject({ type: "TRIM" });
  });

  it("removes an untouched page (no PTE ever) after TRIM + EACCEPT (selftest remove_untouched_page)", () => {
    const t = run([...BUILD, ...trimAndAccept(0x9000), remove(0x9000, 0x1000)]);
    succeeded(last(t), { count: "0x1000" });
  });
});
