// Reviewer mode: every refusal path of every ioctl is decided by the check the driver makes
// there, checks before it passed, checks after it were not reached; two problems at once are
// decided by the earlier check, as in ioctl.c; and every review of every built-in flow lists
// its checks in the table's order.
import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { standardBuild, TCS1, TEXT, TOTAL_SIZE } from "../flows/standard-build.ts";
import { hex, ioctl, PAGE_SIZE, type RawStep, scenario } from "../flows/steps.ts";
import { simulate } from "../index.ts";
import type { TraceStep } from "../scenario/trace-types.ts";
import { IOCTL_CHECKS, OMITTED_CHECKS } from "./checks.ts";
import { atLeast, type KernelVersion } from "./versions.ts";

function lastStep(steps: RawStep[], machine?: { epcPages?: number; sgx2?: boolean }): TraceStep {
  const r = simulate(scenario({ title: "checks", ...(machine ? { machine } : {}), steps }));
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.trace.steps[r.trace.steps.length - 1];
}

const build = standardBuild();
const create = build.slice(0, 1);
const DATA = 0x5000;
const add = (arg: Record<string, unknown>) =>
  ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", {
    offset: hex(0x2000),
    length: hex(PAGE_SIZE),
    secinfo: "R|X|REG",
    flags: 0,
    ...arg,
  });
const init = (sigstruct: Record<string, unknown> = {}) => ioctl("SGX_IOC_ENCLAVE_INIT", { sigstruct });
const restrict = (arg: Record<string, unknown>) =>
  ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", {
    offset: hex(DATA),
    length: hex(PAGE_SIZE),
    permissions: "R",
    ...arg,
  });
const modify = (arg: Record<string, unknown>) =>
  ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", {
    offset: hex(DATA),
    length: hex(PAGE_SIZE),
    page_type: "TRIM",
    ...arg,
  });
const remove = (arg: Record<string, unknown> = {}) =>
  ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { offset: hex(DATA), length: hex(PAGE_SIZE), ...arg });

interface Case {
  name: string;
  steps: RawStep[];
  machine?: { epcPages?: number; sgx2?: boolean };
  decided: string;
  errno: string;
}

const cases: Case[] = [
  { name: "CREATE twice", steps: [...create, ...create], decided: "create.new", errno: "EINVAL" },
  {
    name: "CREATE with no EPC page left for the SECS",
    steps: create,
    machine: { epcPages: 1 },
    decided: "create.secs",
    errno: "ENOMEM",
  },
  {
    name: "CREATE of a SECS whose size is not a power of two",
    steps: [
      ioctl("SGX_IOC_ENCLAVE_CREATE", {
        size: "0x3000",
        ssa_frame_size: 1,
        attributes: "MODE64BIT",
        xfrm: 3,
      }),
    ],
    decided: "create.ecreate",
    errno: "EIO",
  },
  { name: "ADD_PAGES before CREATE", steps: [add({})], decided: "add.state", errno: "EINVAL" },
  {
    name: "ADD_PAGES after INIT",
    steps: [...build.slice(0, 6), add({ offset: hex(TOTAL_SIZE) })],
    decided: "add.state",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES from an unaligned src",
    steps: [...create, add({ src: 8 })],
    decided: "add.src",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES at an unaligned offset",
    steps: [...create, add({ offset: "0x2010" })],
    decided: "range",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES past ELRANGE",
    steps: [...create, add({ offset: "0x10000" })],
    decided: "range",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES of a TRIM page",
    steps: [...create, add({ secinfo: "TRIM" })],
    decided: "add.secinfo.type",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES with W but no R",
    steps: [...create, add({ secinfo: "W|REG" })],
    decided: "add.secinfo.wr",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES of a TCS with permissions",
    steps: [...create, add({ secinfo: "R|TCS" })],
    decided: "add.secinfo.tcs",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES with PENDING in SECINFO",
    steps: [...create, add({ secinfo: "R|REG|PENDING" })],
    decided: "add.secinfo.reserved",
    errno: "EINVAL",
  },
  {
    name: "ADD_PAGES with the EPC full",
    steps: [...create, add({})],
    machine: { epcPages: 2 },
    decided: "add.epc",
    errno: "ENOMEM",
  },
  {
    name: "ADD_PAGES twice at one offset",
    steps: [...create, add({}), add({})],
    decided: "add.free",
    errno: "EBUSY",
  },
  { name: "INIT before CREATE", steps: [init()], decided: "init.state", errno: "EINVAL" },
  {
    name: "INIT with a foreign SIGSTRUCT vendor",
    steps: [...create, init({ vendor: "0x1234" })],
    decided: "init.vendor",
    errno: "EINVAL",
  },
  {
    name: "INIT of a PROVISIONKEY enclave without SGX_IOC_ENCLAVE_PROVISION",
    steps: [
      ioctl("SGX_IOC_ENCLAVE_CREATE", {
        size: "0x10000",
        ssa_frame_size: 1,
        attributes: "MODE64BIT|PROVISIONKEY",
        xfrm: 3,
      }),
      init(),
    ],
    decided: "init.attributes",
    errno: "EACCES",
  },
  {
    name: "INIT with a SIGSTRUCT requiring a reserved attribute",
    steps: [...create, init({ attributes: "0xc", attributes_mask: "0x8" })],
    decided: "init.reserved",
    errno: "EINVAL",
  },
  {
    name: "INIT with the wrong MRENCLAVE",
    steps: [...build.slice(0, 5), init({ enclavehash: "00".repeat(32) })],
    decided: "init.einit",
    errno: "EPERM",
  },
  {
    name: "RESTRICT_PERMISSIONS without SGX2",
    steps: [...build, restrict({})],
    machine: { sgx2: false },
    decided: "sgx2.cpu",
    errno: "ENODEV",
  },
  {
    name: "RESTRICT_PERMISSIONS before INIT",
    steps: [...create, restrict({})],
    decided: "sgx2.initialized",
    errno: "EINVAL",
  },
  {
    name: "RESTRICT_PERMISSIONS of length 0",
    steps: [...build, restrict({ length: 0 })],
    decided: "range",
    errno: "EINVAL",
  },
  {
    name: "RESTRICT_PERMISSIONS with a bit above X",
    steps: [...build, restrict({ permissions: 8 })],
    decided: "rp.bits",
    errno: "EINVAL",
  },
  {
    name: "RESTRICT_PERMISSIONS to W only",
    steps: [...build, restrict({ permissions: "W" })],
    decided: "rp.wr",
    errno: "EINVAL",
  },
  {
    name: "RESTRICT_PERMISSIONS with count set",
    steps: [...build, restrict({ count: 1 })],
    decided: "rp.inout",
    errno: "EINVAL",
  },
  {
    name: "RESTRICT_PERMISSIONS of a page never added",
    steps: [...build, restrict({ offset: hex(TOTAL_SIZE) })],
    decided: "page.load",
    errno: "EFAULT",
  },
  {
    name: "RESTRICT_PERMISSIONS of a TCS",
    steps: [...build, restrict({ offset: hex(TCS1) })],
    decided: "rp.reg",
    errno: "EINVAL",
  },
  {
    name: "MODIFY_TYPES with page_type above the mask",
    steps: [...build, modify({ page_type: "0x104" })],
    decided: "mt.mask",
    errno: "EINVAL",
  },
  {
    name: "MODIFY_TYPES with result set",
    steps: [...build, modify({ result: 1 })],
    decided: "mt.inout",
    errno: "EINVAL",
  },
  {
    name: "MODIFY_TYPES to REG",
    steps: [...build, modify({ page_type: "REG" })],
    decided: "mt.type",
    errno: "EINVAL",
  },
  {
    name: "MODIFY_TYPES of a TRIM page to TCS",
    steps: [...build, modify({}), modify({ page_type: "TCS" })],
    decided: "mt.from",
    errno: "EINVAL",
  },
  {
    name: "MODIFY_TYPES of R-X text to TCS",
    steps: [...build, modify({ offset: hex(TEXT), page_type: "TCS" })],
    decided: "mt.tcs.prot",
    errno: "EPERM",
  },
  {
    name: "REMOVE_PAGES with count set",
    steps: [...build, remove({ count: 1 })],
    decided: "rm.count",
    errno: "EINVAL",
  },
  { name: "REMOVE_PAGES of a REG page", steps: [...build, remove()], decided: "rm.trim", errno: "EPERM" },
  {
    name: "REMOVE_PAGES of a trim not yet accepted",
    steps: [...build, modify({}), remove()],
    decided: "rm.accepted",
    errno: "EPERM",
  },
  {
    name: "REMOVE_PAGES of a page never added",
    steps: [...build, remove({ offset: hex(TOTAL_SIZE) })],
    decided: "page.load",
    errno: "EFAULT",
  },
];

describe("ioctl reviews: the check that decides each refusal", () => {
  for (const c of cases)
    it(`${c.name} → ${c.decided} (${c.errno})`, () => {
      const step = lastStep(c.steps, c.machine);
      expect(step.errno).toBe(c.errno);
      const review = step.review;
      expect(review?.decided).toBe(c.decided);
      const checks = review?.checks ?? [];
      const at = checks.findIndex((x) => x.id === c.decided);
      expect(checks[at].status).toBe("failed");
      expect(checks[at].errno === c.errno || c.decided === "page.load").toBe(true);
      for (const x of checks.slice(0, at)) expect(["passed", "not applicable"]).toContain(x.status);
      for (const x of checks.slice(at + 1)) expect(x.status).toBe("not reached");
      expect(review?.path[0]).toBe("sgx_ioctl");
      expect(review?.path).toContain(checks[at].fn);
    });
});

describe("two problems at once: the earlier check decides, as in ioctl.c", () => {
  const both: Array<[string, RawStep[], string]> = [
    [
      "unaligned offset and W-only permissions",
      [...build, restrict({ offset: "0x5010", permissions: "W" })],
      "range",
    ],
    ["result set and page_type REG", [...build, modify({ result: 1, page_type: "REG" })], "mt.inout"],
    ["W-only SECINFO with reserved bits", [...create, add({ secinfo: "W|REG|PENDING" })], "add.secinfo.wr"],
    ["not initialized and a bad range", [...create, remove({ length: 0 })], "sgx2.initialized"],
    [
      "a foreign vendor and a wrong MRENCLAVE",
      [...create, init({ vendor: 1, enclavehash: "00".repeat(32) })],
      "init.vendor",
    ],
  ];
  for (const [name, steps, decided] of both)
    it(name, () => expect(lastStep(steps).review?.decided).toBe(decided));
});

describe("successful ioctls", () => {
  it("a new TCS passes every check, zaps the PTE and tracks: the path names each function", () => {
    const r = simulate(flows.find((f) => f.id === "tcs-create")?.scenario);
    if (!r.ok) throw new Error("tcs-create does not run");
    const step = r.trace.steps.find(
      (s) =>
        s.op.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES" &&
        s.ret === 0 &&
        (s.op.arg as { page_type: string }).page_type === "TCS",
    );
    expect(step?.review?.decided).toBeNull();
    expect(step?.review?.checks.every((c) => c.status === "passed")).toBe(true);
    expect(step?.review?.path).toEqual([
      "sgx_ioctl",
      "sgx_ioc_enclave_modify_types",
      "sgx_ioc_sgx2_ready",
      "sgx_validate_offset_length",
      "sgx_enclave_modify_types",
      "sgx_reclaim_direct",
      "sgx_encl_load_page",
      "sgx_unmark_page_reclaimable",
      "sgx_zap_enclave_ptes",
      "__emodt",
      "sgx_enclave_etrack",
      "__etrack",
      "on_each_cpu_mask(sgx_ipi_cb)",
    ]);
  });

  it("every review of every built-in flow keeps the table's order", () => {
    for (const f of flows) {
      const r = simulate(f.scenario);
      if (!r.ok) throw new Error(`${f.id} does not run`);
      for (const s of r.trace.steps) {
        if (s.op.op !== "ioctl") continue;
        const table = IOCTL_CHECKS[s.op.cmd as string];
        if (!table) {
          expect(s.review, `${f.id} step ${s.index}`).toBeUndefined();
          continue;
        }
        const review = s.review;
        // Checks added later (`since`) are listed from that version on (v6.0 unless the flow pins one).
        const kernel = ((f.scenario.machine as { kernel?: KernelVersion } | undefined)?.kernel ??
          "v6.0") as KernelVersion;
        expect(review?.checks.map((c) => c.id)).toEqual(
          table.checks.filter((c) => !c.since || atLeast(kernel, c.since)).map((c) => c.id),
        );
        // Refused exactly when some check failed, and that check's errno is what user space saw.
        const failed = review?.checks.filter((c) => c.status === "failed") ?? [];
        if (s.ret === 0) expect(failed).toEqual([]);
        else if (review?.decided) expect(failed.map((c) => c.id)).toEqual([review.decided]);
      }
    }
  });
});

describe("what ioctl.c does, as the tables say it", () => {
  it("INIT: sgx_encl_init() runs __einit() itself; a fault is EIO, an SGX code EPERM (no sgx_einit())", () => {
    const all = Object.values(IOCTL_CHECKS).flatMap((t) => t.checks);
    expect(all.some((c) => c.fn === "sgx_einit" || (c.calls ?? []).includes("sgx_einit"))).toBe(false);
    const initChecks = IOCTL_CHECKS.SGX_IOC_ENCLAVE_INIT.checks;
    const fault = initChecks.find((c) => c.id === "init.fault");
    const einit = initChecks.find((c) => c.id === "init.einit");
    expect([fault?.fn, fault?.errno, einit?.fn, einit?.errno]).toEqual([
      "sgx_encl_init",
      "EIO",
      "sgx_encl_init",
      "EPERM",
    ]);
    const step = lastStep([...build.slice(0, 5), init({ enclavehash: "00".repeat(32) })]);
    expect(step.review?.path).toEqual(["sgx_ioctl", "sgx_ioc_enclave_init", "sgx_encl_init", "__einit"]);
    const refusal = step.events.find((e) => e.result === "EPERM");
    expect(refusal?.source).toBe("ioctl.c: sgx_encl_init()");
  });

  it("ADD_PAGES: __sgx_encl_add_page()'s source checks are listed as omitted, with the reason", () => {
    const omitted = OMITTED_CHECKS.SGX_IOC_ENCLAVE_ADD_PAGES;
    expect(omitted.map((c) => [c.test, c.errno])).toEqual([
      ["find_vma() finds a mapping at src", "EFAULT"],
      ["the source's VMA has VM_MAYEXEC (not on a noexec mount)", "EACCES"],
      ["get_user_pages() pins the source page", "EFAULT"],
    ]);
    for (const c of omitted) {
      expect(c.fn).toBe("__sgx_encl_add_page");
      expect(c.why.length).toBeGreaterThan(20);
      // They come after the page-array insert and before EADD, and are not in the table.
      const ids = IOCTL_CHECKS.SGX_IOC_ENCLAVE_ADD_PAGES.checks.map((x) => x.id);
      expect(ids.indexOf(c.after) + 1).toBe(ids.indexOf("add.eadd"));
      expect(ids).not.toContain(c.id);
    }
  });

  it("MODIFY_TYPES REG→TCS: vm_max_prot_bits = RW, then unmark reclaimable, then zap the PTE, then EMODT", () => {
    const r = simulate(flows.find((f) => f.id === "tcs-create")?.scenario);
    if (!r.ok) throw new Error("tcs-create does not run");
    const step = r.trace.steps.find(
      (s) =>
        s.op.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES" &&
        s.ret === 0 &&
        (s.op.arg as { page_type: string }).page_type === "TCS",
    );
    const texts = step?.events.map((e) => e.text) ?? [];
    const prot = texts.findIndex((t) => t.startsWith("vm_max_prot_bits becomes RW"));
    const zap = texts.findIndex((t) => /^PTE of .* zapped/.test(t));
    const emodt = step?.events.findIndex((e) => e.leaf === "EMODT") ?? -1;
    expect(prot).toBeGreaterThanOrEqual(0);
    expect(prot).toBeLessThan(zap);
    expect(zap).toBeLessThan(emodt);
    // ioctl.c gives no "must not stay mapped" reason for the zap.
    expect(texts.join(" ")).not.toMatch(/must not stay mapped/);
  });
});
