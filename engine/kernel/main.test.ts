// EPC reclaim and reload, checked against the Linux SGX driver (v6.0; main.c:
// sgx_alloc_epc_page(), sgx_reclaim_pages(); encl.c: sgx_vma_fault()): the active
// list and its aging, EBLOCK → ETRACK → EWB, VA slots, the SECS going out last and only after
// INIT, ELDU on the next access, and ksgxd on a small EPC.

import { describe, expect, it } from "vitest";
import { eaccept, read, write } from "../flows/calls.ts";
import { MAGIC, standardBuild, TCS1, TCS2 } from "../flows/standard-build.ts";
import { eenter, hex, ioctl, mmap, type RawStep, reclaim } from "../flows/steps.ts";
import type { EpcmEntryJson, KernelPageJson, Trace, TraceStep } from "../index.ts";
import { simulate } from "../index.ts";

const BUILD = standardBuild();
const ADDED = BUILD.slice(0, 5); // CREATE + the four ADD_PAGES, no INIT
/** Every child page of the selftest enclave, in the order it was added (= active-list order). */
const CHILDREN = [
  0x0, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000, 0x8000, 0x9000, 0xa000, 0xb000,
];
const HOLE = 0xc000;

function run(steps: RawStep[], machine?: { epcPages?: number; sgx2?: boolean }): Trace {
  const r = simulate({
    format: "epcm-scenario/1",
    title: "reclaim test",
    ...(machine ? { machine } : {}),
    steps,
  });
  if (!r.ok) throw new Error(`scenario rejected:\n${r.errors.join("\n")}`);
  expect(r.unmet).toEqual([]);
  return r.trace;
}

function last(t: Trace, back = 0): TraceStep {
  return t.steps[t.steps.length - 1 - back];
}

function page(t: Trace, offset: number): KernelPageJson {
  const p = t.final.pages.find((x) => x.enclave === "e0" && x.offset === hex(offset));
  if (!p) throw new Error(`no page record at ${hex(offset)}`);
  return p;
}

function epcm(t: Trace, offset: number): EpcmEntryJson | undefined {
  return t.final.epcm.find(
    (e) => e.enclave === "e0" && e.offset === hex(offset) && e.type !== "SECS" && e.type !== "VA",
  );
}

function types(t: Trace): string[] {
  return t.final.epcm.map((e) => e.type as string).sort();
}

function leaves(s: TraceStep): string[] {
  return s.events
    .filter((e) => e.leaf !== undefined && (e.kind === "encls" || e.kind === "enclu"))
    .map((e) => e.leaf as string);
}

function resident(t: Trace): string[] {
  return t.final.pages.filter((p) => p.resident).map((p) => p.offset);
}

/** The VA page(s): EPC indices of the valid VA entries. */
function vaPages(t: Trace): number[] {
  return t.final.epcm.filter((e) => e.type === "VA").map((e) => e.epc);
}

const restrict = (offset: number, permissions: string) =>
  ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", { offset: hex(offset), length: "0x1000", permissions });
const modify = (offset: number, page_type: string) =>
  ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { offset: hex(offset), length: "0x1000", page_type });
const remove = (offset: number) =>
  ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { offset: hex(offset), length: "0x1000" });

describe("the reclaimer (reclaim op)", () => {
  it("evicts every untouched page in active-list order: EBLOCKs first, EWB → NOT_TRACKED → ETRACK → EWB, VA slots 0, 1, 2 …", () => {
    const t = run([...BUILD, reclaim(100)]);
    const s = last(t);
    expect(s.ret).toBe(0);
    const l = leaves(s);
    expect(l.filter((x) => x === "EBLOCK")).toHaveLength(12);
    expect(l.lastIndexOf("EBLOCK")).toBeLessThan(l.indexOf("EWB"));
    const ewbs = s.events.filter((e) => e.leaf === "EWB");
    expect(ewbs[0].result).toBe("SGX_NOT_TRACKED");
    expect(l.indexOf("ETRACK")).toBeGreaterThan(l.indexOf("EWB"));
    expect(ewbs[1].result).toBe("ok");
    // 12 children + the SECS written back, one ETRACK for the whole batch.
    expect(ewbs.filter((e) => e.result === "ok")).toHaveLength(13);
    expect(l.filter((x) => x === "ETRACK")).toHaveLength(1);
    const [va] = vaPages(t);
    CHILDREN.forEach((off, slot) => {
      expect(page(t, off)).toMatchObject({ resident: false, epc: null, va_page: va, va_slot: slot });
    });
    // Type and vm_max_prot_bits survive in the kernel's records.
    expect(page(t, TCS1)).toMatchObject({ type: "TCS", vm_max_prot: "RW-" });
    expect(page(t, 0x2000)).toMatchObject({ type: "REG", vm_max_prot: "R-X" });
  });

  it("evicts the SECS after its last child once the enclave is initialized: only the VA page stays", () => {
    const t = run([...BUILD, reclaim(100)]);
    expect(types(t)).toEqual(["VA"]);
    expect(last(t).epcm.filter((e) => !e.valid)).toHaveLength(13);
  });

  it("never evicts the SECS before INIT, even with no child resident", () => {
    const t = run([...ADDED, reclaim(100)]);
    expect(resident(t)).toEqual([]);
    expect(types(t)).toEqual(["SECS", "VA"]);
  });

  it("skips recently accessed (young) pages in the first pass, so the SECS stays while they are resident", () => {
    const t = run([...BUILD, eenter(TCS1, write(0x5000, MAGIC)), reclaim(1)]);
    // EENTER touched TCS#1 and its SSA, the OENTRY fetch touched the text page, the call 0x5000.
    expect(resident(t)).toEqual(["0x0", "0x2000", "0x5000", "0x7000"]);
    expect(types(t)).toEqual(["REG", "REG", "REG", "SECS", "TCS", "VA"]);
    const evicted = t.final.pages.filter((p) => !p.resident);
    expect(evicted.map((p) => p.va_slot)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("evicts the young pages in a later pass (their Accessed bit was cleared), then the SECS", () => {
    const t = run([...BUILD, eenter(TCS1, write(0x5000, MAGIC)), reclaim(1), reclaim(100)]);
    expect(resident(t)).toEqual([]);
    expect(types(t)).toEqual(["VA"]);
    expect(t.final.pages.map((p) => p.va_slot).sort((a, b) => (a as number) - (b as number))).toEqual([
      ...CHILDREN.keys(),
    ]);
  });

  it("a later access reloads the SECS and the page with ELDU: same value, slot freed, not BLOCKED", () => {
    const t = run([...BUILD, eenter(TCS1, write(0x5000, MAGIC)), reclaim(100), eenter(TCS2, read(0x5000))]);
    const s = last(t);
    expect(s.run?.function).toBe("EEXIT");
    expect(s.call?.value).toBe(MAGIC);
    // SECS, TCS#2, its SSA (0x8000), the text page (OENTRY) and 0x5000.
    expect(leaves(s).filter((x) => x === "ELDU")).toHaveLength(5);
    expect(types(t)).toContain("SECS");
    const p = page(t, 0x5000);
    expect(p.resident).toBe(true);
    expect(p.va_slot).toBeUndefined();
    expect(epcm(t, 0x5000)).toMatchObject({
      type: "REG",
      perms: "RW-",
      blocked: false,
      pending: false,
      pr: false,
    });
  });

  it("reuses the lowest free VA slots: after reload and a second eviction the slots are still 0 … 11", () => {
    const t = run([...BUILD, reclaim(100), eenter(TCS2, read(0x5000)), reclaim(100)]);
    expect(resident(t)).toEqual([]);
    const slots = t.final.pages.map((p) => p.va_slot as number).sort((a, b) => a - b);
    expect(slots).toEqual([...CHILDREN.keys()]);
    expect(new Set(t.final.pages.map((p) => p.va_page)).size).toBe(1);
  });

  it("keeps the EPCM state across EWB/ELDU (PR after RESTRICT, PENDING after EAUG)", () => {
    const t = run([
      ...BUILD,
      restrict(0x5000, "R"),
      mmap(HOLE, 0x1000, "PROT_READ|PROT_WRITE"),
      eenter(TCS1, write(HOLE, MAGIC)), // EAUG → PENDING, reported 0x8007
      reclaim(100),
      eenter(TCS2, eaccept(HOLE, "R|W|REG|PENDING")),
      eenter(TCS2, eaccept(0x5000, "R|REG|PR")),
    ]);
    expect(page(t, HOLE).resident).toBe(true);
    expect(last(t, 1).call?.ret).toBe(0);
    expect(last(t).call?.ret).toBe(0);
    expect(epcm(t, 0x5000)).toMatchObject({ perms: "R--", pr: false });
  });
});

describe("the SGX2 ioctls on evicted pages (reloaded transparently)", () => {
  it("RESTRICT_PERMISSIONS: ELDU of the SECS and the page, then EMODPR", () => {
    const t = run([...BUILD, reclaim(100), restrict(0x5000, "R")]);
    const s = last(t);
    expect(s).toMatchObject({ ret: 0, arg: { result: "0x0", count: "0x1000" } });
    const l = leaves(s);
    expect(l.filter((x) => x === "ELDU")).toHaveLength(2);
    expect(l.lastIndexOf("ELDU")).toBeLessThan(l.indexOf("EMODPR"));
    expect(page(t, 0x5000).resident).toBe(true);
    expect(epcm(t, 0x5000)).toMatchObject({ perms: "R--", pr: true });
  });

  it("MODIFY_TYPES and REMOVE_PAGES", () => {
    const t = run([
      ...BUILD,
      reclaim(100),
      modify(0xb000, "TRIM"),
      eenter(TCS1, eaccept(0xb000, "TRIM|MODIFIED")),
      reclaim(100),
      remove(0xb000),
    ]);
    expect(last(t, 3)).toMatchObject({ ret: 0, arg: { count: "0x1000" } });
    expect(last(t, 2).call?.ret).toBe(0);
    expect(last(t)).toMatchObject({ ret: 0, arg: { count: "0x1000" } });
    expect(leaves(last(t))).toContain("ELDU");
    expect(t.final.pages.some((p) => p.offset === "0xb000")).toBe(false);
  });
});

describe("ksgxd on a small EPC (40 pages)", () => {
  const small = { epcPages: 40 };
  const build = standardBuild({ heapPages: 1, epcmChecks: false });

  it("runs at the end of a step that left free pages below the low watermark; the SECS stays before INIT", () => {
    const t = run(build.slice(0, 4), small); // CREATE, TCS, text, data
    const data = last(t);
    expect(data).toMatchObject({ ret: 0, arg: { count: "0x7000" } });
    expect(leaves(data)).toContain("EWB");
    expect(resident(t)).toEqual([]);
    expect(types(t)).toEqual(["SECS", "VA"]);
  });

  it("the enclave still initializes and runs: pages come back by ELDU with their contents", () => {
    const steps = [...build, eenter(TCS1, read(0x4000)), eenter(TCS1, write(0x5000, MAGIC)), reclaim(100)];
    const evicted = run(steps, small);
    expect(last(evicted, 2)).toMatchObject({ ret: 0, run: { function: "EEXIT" }, call: { value: "0x1" } });
    expect(leaves(last(evicted, 2))).toContain("ELDU");
    expect(page(evicted, 0x5000)).toMatchObject({ resident: false, epc: null, va_page: vaPages(evicted)[0] });
    expect(typeof page(evicted, 0x5000).va_slot).toBe("number");
    expect(types(evicted)).toEqual(["VA"]);
    const t = run([...steps, eenter(TCS2, read(0x5000))], small);
    expect(last(t)).toMatchObject({ run: { function: "EEXIT" }, call: { value: MAGIC } });
    expect(leaves(last(t))).toContain("ELDU");
    // Every evicted page has its own VA slot in the one VA page.
    const out = t.final.pages.filter((p) => !p.resident);
    expect(new Set(out.map((p) => p.va_slot)).size).toBe(out.length);
    for (const p of out) expect(p.va_page).toBe(vaPages(t)[0]);
  });
});

describe("EAUG with no free EPC page", () => {
  it("gives VM_FAULT_NOPAGE, ksgxd reclaims before the retry, and the enclave makes progress", () => {
    // 64 dynamic pages past the heap on a 40-page EPC: EAUG (no reclaim allowed) runs out of free pages.
    const build = standardBuild({ heapPages: 1, dynamicPages: 64, epcmChecks: false });
    const t = run(
      [
        ...build,
        mmap(HOLE, 64 * 0x1000, "PROT_READ|PROT_WRITE"),
        eenter(TCS1, eaccept(HOLE, "R|W|REG|PENDING"), { pages: 64 }),
      ],
      { epcPages: 40 },
    );
    const s = last(t);
    expect(s).toMatchObject({ repeated: 64, run: { function: "EEXIT" }, call: { ret: 0 } });
    expect(s.stalled).toBeUndefined();
    const dynamic = t.final.pages.filter((p) => Number(p.offset) >= HOLE);
    expect(dynamic).toHaveLength(64);
    expect(dynamic.every((p) => p.type === "REG" && p.vm_max_prot === "RWX")).toBe(true);
    expect(dynamic.some((p) => !p.resident)).toBe(true);
  });
});

describe("VA pages", () => {
  const big = { epcPages: 1024 };

  it("one VA page covers page_cnt up to 512 (the SECS counts)", () => {
    const t = run(standardBuild({ heapPages: 500 }), big); // 1 + 11 + 500 = 512
    expect(vaPages(t)).toHaveLength(1);
  });

  it("REMOVE_PAGES decrements page_cnt (VA pages stay): the next EAUG needs no new VA page, the one after does", () => {
    const last1 = 0x1ff000; // the one free page of ELRANGE after a 500-page heap
    const t = run(
      [
        ...standardBuild({ heapPages: 500 }), // page_cnt 512
        modify(0xb000, "TRIM"),
        eenter(TCS1, eaccept(0xb000, "TRIM|MODIFIED")),
        remove(0xb000), // page_cnt 511
        eenter(TCS1, eaccept(0xb000, "R|W|REG|PENDING")), // EAUG: 511 → 512, same VA page
        mmap(last1, 0x1000, "PROT_READ|PROT_WRITE"),
        eenter(TCS1, eaccept(last1, "R|W|REG|PENDING")), // EAUG: page_cnt 512 → a new VA page
      ],
      big,
    );
    expect(last(t, 3)).toMatchObject({ ret: 0, arg: { count: "0x1000" } });
    expect(last(t, 2).call?.ret).toBe(0);
    expect(leaves(last(t, 2))).toContain("EAUG");
    expect(last(t, 2).epcm.filter((e) => e.type === "VA")).toEqual([]);
    expect(last(t).call?.ret).toBe(0);
    expect(last(t).epcm.filter((e) => e.type === "VA" && e.valid)).toHaveLength(1);
    expect(vaPages(t)).toHaveLength(2);
  });

  it("the 512th child brings a second VA page, put at the head of the list: evictions use it first", () => {
    const t = run([...standardBuild({ heapPages: 501 }), reclaim(1)], big); // page_cnt 513
    expect(vaPages(t)).toHaveLength(2);
    const newVa = t.steps[4].epcm.filter((e) => e.type === "VA" && e.valid);
    expect(newVa).toHaveLength(1);
    const evicted = t.final.pages.filter((p) => !p.resident);
    expect(evicted).toHaveLength(16);
    for (const p of evicted) expect(p.va_page).toBe(newVa[0].epc);
  });
});
