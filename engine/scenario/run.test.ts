// The scenario runner, against the scenario/trace contract (scenario-format.md): default
// enclave bases, the shape of trace steps and of `final`, expectations and `unmet`, repeated
// enclave calls, and refusals that run (rather than fail validation).

import { describe, expect, it } from "vitest";
import { eaccept, write } from "../flows/calls.ts";
import { MAGIC, standardBuild, TCS1 } from "../flows/standard-build.ts";
import { eenter, hex, ioctl, mmap, type RawStep } from "../flows/steps.ts";
import type { Trace } from "../index.ts";
import { simulate } from "../index.ts";

const BASE = 0x7f0000000000;

function scenario(steps: RawStep[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: "epcm-scenario/1", title: "runner test", ...extra, steps };
}

function run(steps: RawStep[], extra: Record<string, unknown> = {}): { trace: Trace; unmet: string[] } {
  const r = simulate(scenario(steps, extra));
  if (!r.ok) throw new Error(`scenario rejected:\n${r.errors.join("\n")}`);
  return { trace: r.trace, unmet: r.unmet };
}

const create = (size: number, extra: Record<string, unknown> = {}, enclave?: string): RawStep =>
  ioctl("SGX_IOC_ENCLAVE_CREATE", { size: hex(size), ...extra }, enclave === undefined ? {} : { enclave });

describe("simulate()", () => {
  it("rejects a scenario that does not validate, without running it or throwing", () => {
    const r = simulate({ format: "epcm-scenario/2", title: "x", steps: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.length).toBeGreaterThan(0);
    expect(simulate("{ not json").ok).toBe(false);
    expect(simulate(null).ok).toBe(false);
  });

  it("accepts JSON text as well as a parsed value, with the same trace", () => {
    const s = scenario([create(0x10000)]);
    const a = simulate(s);
    const b = simulate(JSON.stringify(s));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
  });

  it("writes an epcm-trace/1 with the title and the machine's defaults", () => {
    const { trace } = run([create(0x10000)]);
    expect(trace.format).toBe("epcm-trace/1");
    expect(trace.title).toBe("runner test");
    expect(trace.machine).toEqual({ epcPages: 128, sgx2: true });
    const small = run([create(0x10000)], { machine: { epcPages: 40, sgx2: false } }).trace;
    expect(small.machine).toEqual({ epcPages: 40, sgx2: false });
  });
});

describe("enclave bases", () => {
  it("default: the lowest multiple of size at or above 0x7f0000000000 that overlaps no earlier enclave", () => {
    const { trace } = run([
      create(0x10000, {}, "e0"),
      create(0x10000, {}, "e1"),
      create(0x20000, {}, "e2"),
      create(0x10000, {}, "e3"),
    ]);
    expect(trace.enclaves).toEqual({
      e0: { base: hex(BASE), size: "0x10000" },
      e1: { base: hex(BASE + 0x10000), size: "0x10000" },
      e2: { base: hex(BASE + 0x20000), size: "0x20000" },
      e3: { base: hex(BASE + 0x40000), size: "0x10000" },
    });
  });

  it("honours an explicit base, and lists only created enclaves", () => {
    const { trace } = run([
      create(0x10000, { base: "0x7f1000000000" }),
      create(0x10000, { xfrm: 1 }, "bad"), // ECREATE faults: never created
    ]);
    expect(trace.enclaves).toEqual({ e0: { base: "0x7f1000000000", size: "0x10000" } });
  });

  it("reports fault addresses as linear addresses and as offsets from the enclave's base", () => {
    const { trace } = run([...standardBuild(), eenter(TCS1, write(0xc000, MAGIC))]);
    const s = trace.steps[trace.steps.length - 1];
    expect(s.run).toMatchObject({ exception_addr: hex(BASE + 0xc000), exception_offset: "0xc000" });
  });
});

describe("trace steps", () => {
  it("carry index, enclave, the op with numbers as hex and flags by name, and the note", () => {
    const { trace } = run([
      create(0x10000),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: 16384, length: "4096", secinfo: "0x203" },
        { note: "data" },
      ),
    ]);
    const s = trace.steps[1];
    expect(s.index).toBe(1);
    expect(s.enclave).toBe("e0");
    expect(s.note).toBe("data");
    expect(s.op).toMatchObject({
      op: "ioctl",
      cmd: "SGX_IOC_ENCLAVE_ADD_PAGES",
      arg: { offset: "0x4000", length: "0x1000" },
    });
    expect(String((s.op.arg as Record<string, unknown>).secinfo)).toMatch(/R\|W\|REG|REG\|R\|W|R\|W/);
    expect(s.ret).toBe(0);
    expect(s.errno).toBeUndefined();
    expect(s.arg).toEqual({ count: "0x1000" });
    expect(s.events[0].kind).toBe("syscall");
  });

  it("run a step the kernel refuses and report it (ret -1, errno) instead of rejecting the scenario", () => {
    const { trace, unmet } = run([
      ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", { offset: "0x0", length: "0x1001", secinfo: "R|W|REG" }),
    ]);
    expect(unmet).toEqual([]);
    expect(trace.steps[0]).toMatchObject({ ret: -1, errno: "EINVAL" });
  });

  it("list the EPCM entries the step changed, in EPC order, and invalid ones when a page leaves", () => {
    const { trace } = run([
      create(0x10000),
      ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", { offset: "0x0", length: "0x2000", secinfo: "R|W|REG" }),
      { op: "close" },
    ]);
    const added = trace.steps[1].epcm;
    expect(added.map((e) => e.offset)).toEqual(["0x0", "0x1000"]);
    expect(added.map((e) => e.epc)).toEqual([...added.map((e) => e.epc)].sort((a, b) => a - b));
    expect(added[0]).toEqual({
      epc: added[0].epc,
      enclave: "e0",
      offset: "0x0",
      valid: true,
      type: "REG",
      perms: "RW-",
      pending: false,
      modified: false,
      pr: false,
      blocked: false,
    });
    const closed = trace.steps[2].epcm;
    expect(closed.length).toBe(4); // VA, SECS and both pages
    expect(closed.every((e) => !e.valid)).toBe(true);
    expect(trace.final.epcm).toEqual([]);
  });

  it("give every enclave call a run record, all zero after a clean EEXIT", () => {
    const { trace } = run([...standardBuild(), eenter(TCS1, write(0x5000, MAGIC))]);
    expect(trace.steps[trace.steps.length - 1].run).toEqual({
      function: "EEXIT",
      exception_vector: 0,
      exception_error_code: "0x0",
      exception_addr: "0x0",
      exception_offset: "0x0",
    });
  });

  it("pages: N repeats the call on consecutive pages and stops at the first entry that is not clean", () => {
    const { trace } = run([
      ...standardBuild(),
      mmap(0xc000, 0x2000, "PROT_READ|PROT_WRITE"),
      eenter(TCS1, eaccept(0xc000, "R|W|REG|PENDING"), { pages: 2 }),
      eenter(TCS1, eaccept(0xe000, "R|W|REG|PENDING"), { pages: 1 }),
    ]);
    const ok = trace.steps[trace.steps.length - 2];
    expect(ok).toMatchObject({ repeated: 2, run: { function: "EEXIT" }, call: { ret: 0 } });
    const { trace: t2 } = run([
      ...standardBuild(),
      mmap(0xc000, 0x2000, "PROT_READ|PROT_WRITE"),
      eenter(TCS1, eaccept(0xc000, "R|W|REG|PENDING"), { pages: 4 }),
    ]);
    const stopped = t2.steps[t2.steps.length - 1];
    // 0xe000 has no VMA: the third entry's EACCEPT faults and is reported.
    expect(stopped).toMatchObject({
      repeated: 2,
      run: {
        function: "ERESUME",
        exception_vector: 14,
        exception_error_code: "0x4",
        exception_offset: "0xe000",
      },
    });
    expect(t2.final.pages.filter((p) => p.offset === "0xc000" || p.offset === "0xd000")).toHaveLength(2);
  });
});

describe("final", () => {
  it("lists every valid EPCM entry (SECS and VA included) and the kernel's page records of every enclave", () => {
    const { trace } = run([
      create(0x10000, {}, "a"),
      create(0x10000, {}, "b"),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: "0x0", length: "0x1000", secinfo: "TCS" },
        { enclave: "a" },
      ),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: "0x1000", length: "0x1000", secinfo: "R|X|REG" },
        { enclave: "b" },
      ),
    ]);
    expect(trace.final.epcm.map((e) => e.type).sort()).toEqual(["REG", "SECS", "SECS", "TCS", "VA", "VA"]);
    expect(trace.final.pages).toEqual([
      {
        enclave: "a",
        offset: "0x0",
        type: "TCS",
        resident: true,
        epc: expect.any(Number),
        vm_max_prot: "RW-",
      },
      {
        enclave: "b",
        offset: "0x1000",
        type: "REG",
        resident: true,
        epc: expect.any(Number),
        vm_max_prot: "R-X",
      },
    ]);
  });
});

describe("expectations", () => {
  it("report each unmet field with the step index and what it is", () => {
    const { trace, unmet } = run([
      create(0x10000),
      ioctl("SGX_IOC_ENCLAVE_CREATE", { size: "0x10000" }, { expect: { ret: 0, arg: { count: "0x0" } } }),
    ]);
    // The second CREATE fails (-1, EINVAL) and writes nothing back: `ret` and `arg` are both unmet.
    expect(unmet.length).toBe(2);
    expect(unmet.every((m) => m.startsWith("steps[1]"))).toBe(true);
    expect(unmet.some((m) => m.includes("SGX_IOC_ENCLAVE_CREATE"))).toBe(true);
    expect(trace.steps[1].unmet?.length).toBe(unmet.length);
    expect(trace.steps[0].unmet).toBeUndefined();
  });

  it("compare numbers by value whether written as numbers, decimal or hex strings", () => {
    const { unmet } = run([
      create(0x10000),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: "0x0", length: "0x2000", secinfo: "R|W|REG" },
        { expect: { ret: "0", arg: { count: 8192 } } },
      ),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: "0x0", length: "0x1000", secinfo: "R|W|REG" },
        { expect: { ret: -1, errno: "EBUSY", arg: { count: "0" } } },
      ),
    ]);
    expect(unmet).toEqual([]);
  });

  it("check expect.epcm against the entry after the step, and complain about an offset no EPC page holds", () => {
    const { unmet } = run([
      create(0x10000),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: "0x0", length: "0x1000", secinfo: "R|X|REG" },
        { expect: { epcm: { "0x0": { type: "REG", perms: "R-X" }, "0x1000": { valid: false } } } },
      ),
      ioctl(
        "SGX_IOC_ENCLAVE_ADD_PAGES",
        { offset: "0x1000", length: "0x1000", secinfo: "R|X|REG" },
        { expect: { epcm: { "0x1000": { perms: "RW-" }, "0x2000": { type: "REG" } } } },
      ),
    ]);
    expect(unmet).toHaveLength(2);
    expect(unmet[0]).toContain("steps[2]");
    expect(unmet.join("\n")).toContain("0x2000");
  });
});
