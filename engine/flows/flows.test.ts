import { describe, expect, it } from "vitest";
import { simulate } from "../index.ts";
import { augmentViaEacceptLong } from "./augment-via-eaccept-long.ts";
import { findFlow, flows, SELFTEST_FLOW_IDS } from "./index.ts";
import { enclaveSize, standardBuild } from "./standard-build.ts";

function runClean(scenario: unknown): void {
  const result = simulate(scenario);
  if (!result.ok) throw new Error(`rejected:\n${result.errors.join("\n")}`);
  expect(result.unmet).toEqual([]);
}

describe("built-in flows", () => {
  it("have unique kebab-case ids, augment first", () => {
    const ids = flows.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(ids[0]).toBe("augment");
    expect(findFlow("tcs-create")?.id).toBe("tcs-create");
    expect(findFlow("no-such-flow")).toBeUndefined();
    // The selftest's spelling, as a flow card's title shows it, finds the same flow.
    expect(findFlow("epcm_permissions")?.id).toBe("epcm-permissions");
    expect(findFlow("remove_added_page_no_eaccept")?.id).toBe("remove-added-page-no-eaccept");
  });

  it("include every selftest that exercises the EPCM (and SELFTEST_FLOW_IDS names exactly those)", () => {
    const selftests = [
      "unclobbered-vdso",
      "clobbered-vdso",
      "tcs-entry",
      "pte-permissions",
      "tcs-permissions",
      "epcm-permissions",
      "augment",
      "augment-via-eaccept",
      "tcs-create",
      "remove-added-page-no-eaccept",
      "remove-added-page-invalid-access",
      "remove-added-page-invalid-access-after-eaccept",
      "remove-untouched-page",
      "unclobbered-vdso-oversubscribed",
      "unclobbered-vdso-oversubscribed-remove",
      "augment-via-eaccept-long",
    ];
    for (const id of selftests) expect(findFlow(id), id).toBeDefined();
    expect([...SELFTEST_FLOW_IDS].sort()).toEqual([...selftests].sort());
  });

  it("are epcm-scenario/1 with a title, a description and steps", () => {
    for (const f of flows) {
      expect(f.scenario.format, f.id).toBe("epcm-scenario/1");
      expect(typeof f.scenario.title, f.id).toBe("string");
      expect(f.title.length, f.id).toBeGreaterThan(0);
      expect(f.description.length, f.id).toBeGreaterThan(0);
      expect(f.description, f.id).not.toContain("\n");
      expect(Array.isArray(f.scenario.steps), f.id).toBe(true);
      // Raw JSON: survives a round trip unchanged.
      expect(JSON.parse(JSON.stringify(f.scenario)), f.id).toEqual(f.scenario);
    }
  });

  for (const flow of flows) {
    it(`${flow.id}: runs and meets every expectation`, () => {
      runClean(flow.scenario);
    });
  }
});

describe("standard build", () => {
  it("sizes ELRANGE as the selftest loader does", () => {
    expect(enclaveSize()).toBe(0x10000);
    expect(enclaveSize(128)).toBe(0x100000);
    expect(enclaveSize(1, 512)).toBe(0x400000);
    expect(enclaveSize(1, 2 ** 21)).toBe(2 ** 34);
  });

  it("builds with CREATE, 4 × ADD_PAGES, INIT and 4 mmaps", () => {
    const ops = standardBuild().map((s) => (s.op === "ioctl" ? s.cmd : s.op));
    expect(ops).toEqual([
      "SGX_IOC_ENCLAVE_CREATE",
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      "SGX_IOC_ENCLAVE_INIT",
      "mmap",
      "mmap",
      "mmap",
      "mmap",
    ]);
  });

  it("augmentViaEacceptLong works for other sizes", () => {
    runClean(augmentViaEacceptLong(3));
    runClean(augmentViaEacceptLong(64, 128));
  });
});

describe("flows shaped like real runtimes", () => {
  const runtimes = [
    ["sgx-emm-commit-on-demand", /linux-sgx sdk\/emm/],
    ["gramine-lazy-alloc", /Gramine/],
    ["enarx-zero-page-accept", /Enarx/],
  ] as const;

  for (const [id, project] of runtimes) {
    it(`${id}: names the project it mirrors and what it simplifies; every step after the build has an expectation`, () => {
      const flow = findFlow(id);
      expect(flow, id).toBeDefined();
      if (!flow) return;
      expect(flow.description).toMatch(/^Mirrors /);
      expect(flow.description).toMatch(project);
      expect(flow.description).toMatch(/Simplified: /);
      const steps = flow.scenario.steps as Array<Record<string, unknown>>;
      const own = steps.slice(standardBuild().length);
      expect(own.length).toBeGreaterThan(5);
      for (const [i, s] of own.entries()) {
        expect(s.expect, `${id} step ${i + standardBuild().length}`).toBeDefined();
        expect(typeof s.note, `${id} step ${i + standardBuild().length}`).toBe("string");
      }
    });
  }

  it("the EMM flow commits on a #PF, then restricts with EMODPR and extends with EMODPE, accepting with PR", () => {
    const steps = findFlow("sgx-emm-commit-on-demand")?.scenario.steps as Array<Record<string, unknown>>;
    const calls = steps.map((s) => (s.op === "ioctl" ? s.cmd : (s.call ?? s.op)));
    const at = (from: number, what: string) => calls.indexOf(what, from);
    const fault = steps.findIndex((s) => s.call === "write");
    const accept = at(fault, "EACCEPT");
    const resume = at(accept, "ERESUME");
    const restrict = at(resume, "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS");
    const extend = at(restrict + 1, "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS");
    expect(
      [fault, accept, resume, restrict, extend].every((i, k, a) => i > 0 && (k === 0 || i > a[k - 1])),
    ).toBe(true);
    expect(steps[at(extend, "EMODPE")].secinfo).toBe("R|W|REG|PR");
    expect(steps[at(at(extend, "EMODPE"), "EACCEPT")].secinfo).toBe("R|W|REG|PR");
  });
});
