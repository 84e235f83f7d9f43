// The selftest export: every built-in flow that the selftest harness can express exports, the
// others fail naming the step; key assertions of augment and epcm_permissions are checked against
// main.c's own; and every export type-checks as C against declarations of the harness
// (testdata/harness.h) with gcc -Wall -Werror.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { standardBuild } from "../flows/standard-build.ts";
import { findFlow, flows, parseScenario, runScenario, type Scenario } from "../index.ts";
import { type SelftestResult, testName, toSelftest } from "./selftest.ts";

function parse(raw: unknown): Scenario {
  const p = parseScenario(raw);
  if (!p.ok) throw new Error(p.errors.join("\n"));
  return p.scenario;
}

function exportRaw(raw: unknown, name?: string): SelftestResult {
  const s = parse(raw);
  return toSelftest(s, runScenario(s).trace, name);
}

function code(r: SelftestResult): string {
  if (!r.ok) throw new Error(r.error);
  return r.code;
}

/** Each snippet occurs, after the previous one. */
function expectInOrder(text: string, snippets: string[]): void {
  let from = 0;
  for (const s of snippets) {
    const at = text.indexOf(s, from);
    expect(at, `not found (in order): ${s}`).toBeGreaterThanOrEqual(0);
    from = at + s.length;
  }
}

function scenario(title: string, steps: unknown[], machine?: Record<string, unknown>) {
  return {
    format: "epcm-scenario/1",
    title,
    ...(machine ? { machine } : {}),
    steps: [...standardBuild(), ...steps],
  };
}

/** The flows the selftest harness cannot express, and why. */
const NOT_EXPORTABLE: Record<string, RegExp> = {
  eacceptcopy: /steps\[12\] \(EENTER EACCEPTCOPY\): the selftest enclave has no EACCEPTCOPY op/,
  "reclaim-reload": /steps\[11\] \(reclaim\): memory pressure has no user-space equivalent/,
  // Several CPUs (export/cpus.ts): the harness keeps no thread inside while the test goes on.
  "restrict-while-inside": /steps\[10\] \(EENTER\) keeps a thread inside the enclave/,
  "eaccept-from-inside": /steps\[10\] \(EENTER\) keeps a thread inside the enclave/,
  "reclaim-while-inside": /steps\[10\] \(EENTER\) keeps a thread inside the enclave/,
  interrupts: /steps\[10\] \(EENTER\) keeps a thread inside the enclave/,
  "enarx-zero-page-accept": /steps\[11\] \(EENTER EACCEPTCOPY\): the selftest enclave has no EACCEPTCOPY op/,
  "secs-eaug-race": /steps\[12\] \(access\) is a plain user-space access/,
  "secs-eaug-race-fixed": /steps\[12\] \(access\) is a plain user-space access/,
  "eaug-fault-race": /steps\[11\] \(race\) runs steps concurrently/,
  "eaug-fault-race-v6-6": /steps\[11\] \(race\) runs steps concurrently/,
  "eaccept-fault-race": /steps\[13\] \(race\) runs steps concurrently/,
  "eaccept-fault-race-fixed": /steps\[13\] \(race\) runs steps concurrently/,
  "remove-fault-race": /steps\[13\] \(race\) runs steps concurrently/,
  "remove-fault-race-fixed": /steps\[13\] \(race\) runs steps concurrently/,
  "remove-pages-ioctl-busy": /steps\[13\] \(race\) runs steps concurrently/,
  "eaug-fault-race-fixed": /steps\[11\] \(race\) runs steps concurrently/,
};

/** Flows whose test loops over one enclave entry per page: main.c's TEST_F_TIMEOUT(..., 900). */
const LOOPED: Record<string, true> = {
  "unclobbered-vdso-oversubscribed-remove": true,
  "augment-via-eaccept-long": true,
  "lazy-heap-at-scale": true,
};

const exported = new Map<string, string>();
for (const f of flows) {
  const r = exportRaw(f.scenario, f.id);
  if (r.ok) exported.set(f.id, r.code);
}

/** Scenarios of our own that reach the less common paths; compiled with the flows. */
const extras: Record<string, unknown> = {
  "loop-stops-early": scenario("Loop: stops early", [
    { op: "mmap", offset: "0xc000", length: "0x2000", prot: "PROT_READ|PROT_WRITE" },
    { op: "EENTER", call: "EACCEPT", addr: "0xc000", secinfo: "R|W|REG|PENDING", pages: 4 },
    { op: "EENTER", tcs: "0x1000", call: "read", addr: "0xc000", pages: 2 },
    { op: "EENTER", tcs: "0x1000", call: "EACCEPT", addr: "0xe000", secinfo: "R|W|REG|PENDING" },
    { op: "ERESUME" },
  ]),
  "sgx1-only": scenario(
    "SGX1: the SGX2 ioctls are missing",
    [
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        arg: { offset: "0x5000", length: "0x1000", page_type: "TRIM" },
      },
      { op: "EENTER", call: "write", addr: "0x5000", value: "0x1" },
      { op: "mprotect", offset: "0x5000", length: "0x1000", prot: "PROT_READ" },
      { op: "EENTER", call: "write", addr: "0x5000", value: "0x2" },
      { op: "EENTER", tcs: "0x1000", call: "nop" },
      { op: "mprotect", offset: "0x5000", length: "0x1000", prot: "PROT_READ|PROT_WRITE" },
      { op: "ERESUME" },
      { op: "EENTER", call: "init_tcs", addr: "0xb000", ssa: "0x7000", entry: "0x23d3" },
      { op: "munmap", offset: "0xb000", length: "0x1000" },
    ],
    { sgx2: false },
  ),
};
for (const [id, raw] of Object.entries(extras)) exported.set(id, code(exportRaw(raw)));

describe("toSelftest: built-in flows", () => {
  it.each(flows.map((f) => f.id))("%s", (id) => {
    const flow = flows.find((f) => f.id === id)!;
    const r = exportRaw(flow.scenario, id);
    if (id in NOT_EXPORTABLE) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(/^cannot export as a kernel selftest: /);
        expect(r.error).toMatch(NOT_EXPORTABLE[id]);
      }
      return;
    }
    const c = code(r);
    const name = id.replace(/-/g, "_");
    expect(c).toContain(
      id in LOOPED ? `TEST_F_TIMEOUT(enclave, ${name}, 900)\n{\n` : `TEST_F(enclave, ${name})\n{\n`,
    );
    expect(c).toContain(
      "\tmemset(&self->run, 0, sizeof(self->run));\n\tself->run.tcs = self->encl.encl_base;\n",
    );
    expect(c).toContain("Offsets are literal and assume the measured layout of test_encl.elf");
    expect(c.trimEnd().endsWith("}")).toBe(true);
  });

  it("the exportable flows are all but those listed as not exportable", () => {
    expect(flows.length - exported.size + Object.keys(extras).length).toBe(
      Object.keys(NOT_EXPORTABLE).length,
    );
  });
});

describe("toSelftest: golden snippets", () => {
  it("augment: #PF 0x8007 on the new page, EACCEPT from TCS#2, ERESUME, MAGIC", () => {
    expectInOrder(exported.get("augment")!, [
      "TEST_F(enclave, augment)",
      "\tASSERT_TRUE(setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata));",
      "\taddr = mmap((void *)(self->encl.encl_base + 0xc000), PAGE_SIZE, /* total_size */\n" +
        "\t\t    PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED | MAP_FIXED,\n" +
        "\t\t    self->encl.fd, 0);\n" +
        "\tEXPECT_NE(addr, MAP_FAILED);",
      "\tput_addr_op.value = MAGIC;\n" +
        "\tput_addr_op.addr = self->encl.encl_base + 0xc000; /* total_size */\n" +
        "\tput_addr_op.header.type = ENCL_OP_PUT_TO_ADDRESS;\n" +
        "\n" +
        "\tEXPECT_EQ(ENCL_CALL(&put_addr_op, &self->run, true), 0);\n" +
        "\n" +
        "\tEXPECT_EQ(self->run.function, ERESUME);\n" +
        "\tEXPECT_EQ(self->run.exception_vector, 14);\n" +
        "\tEXPECT_EQ(self->run.exception_error_code, 0x8007);\n" +
        "\tEXPECT_EQ(self->run.exception_addr, self->encl.encl_base + 0xc000); /* total_size */\n" +
        "\n" +
        "\tself->run.exception_vector = 0;\n" +
        "\tself->run.exception_error_code = 0;\n" +
        "\tself->run.exception_addr = 0;\n",
      "\tself->run.tcs = self->encl.encl_base + 0x1000; /* TCS#2 */",
      "\teaccept_op.flags = SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_REG | SGX_SECINFO_PENDING;",
      "\tEXPECT_EQ(ENCL_CALL(&eaccept_op, &self->run, true), 0);\n\n\tEXPECT_EEXIT(&self->run);",
      "\tEXPECT_EQ(eaccept_op.ret, 0);",
      "\tself->run.tcs = self->encl.encl_base; /* TCS#1 */",
      "\tEXPECT_EQ(vdso_sgx_enter_enclave((unsigned long)&put_addr_op, 0, 0,\n" +
        "\t\t\t\t\t ERESUME, 0, 0, &self->run),\n" +
        "\t\t  0);\n" +
        "\n" +
        "\tEXPECT_EEXIT(&self->run);\n" +
        "\tEXPECT_EQ(self->run.exception_vector, 0);\n" +
        "\tEXPECT_EQ(self->run.exception_error_code, 0);\n" +
        "\tEXPECT_EQ(self->run.exception_addr, 0);",
      "\tget_addr_op.value = 0;",
      "\tEXPECT_EQ(get_addr_op.value, MAGIC);",
      "\tret = munmap((void *)(self->encl.encl_base + 0xc000), PAGE_SIZE); /* total_size */",
      "\tEXPECT_EQ(ret, 0);",
    ]);
  });

  it("epcm_permissions: probe, RESTRICT count 4096, EACCEPT(PR), #PF 0x8007, EMODPE on TCS#2, ERESUME, MAGIC2", () => {
    expectInOrder(exported.get("epcm-permissions")!, [
      "TEST_F(enclave, epcm_permissions)",
      "\tstruct sgx_enclave_restrict_permissions restrict_ioc;",
      "\tint ret, errno_save;",
      // The SGX2 probe: an all-zero struct, as main.c's.
      "\tmemset(&restrict_ioc, 0, sizeof(restrict_ioc));\n" +
        "\n" +
        "\tret = ioctl(self->encl.fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &restrict_ioc);\n" +
        "\terrno_save = ret == -1 ? errno : 0;\n" +
        "\n" +
        "\tEXPECT_EQ(ret, -1);\n" +
        "\tEXPECT_EQ(errno_save, EINVAL);",
      "\tput_addr_op.addr = self->encl.encl_base + 0x5000; /* data_start */",
      "\tEXPECT_EQ(get_addr_op.value, MAGIC);",
      "\tmemset(&restrict_ioc, 0, sizeof(restrict_ioc));\n" +
        "\trestrict_ioc.offset = 0x5000; /* data_start */\n" +
        "\trestrict_ioc.length = PAGE_SIZE;\n" +
        "\trestrict_ioc.permissions = SGX_SECINFO_R;\n" +
        "\n" +
        "\tret = ioctl(self->encl.fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &restrict_ioc);\n" +
        "\terrno_save = ret == -1 ? errno : 0;\n" +
        "\n" +
        "\tEXPECT_EQ(ret, 0);\n" +
        "\tEXPECT_EQ(errno_save, 0);\n" +
        "\tEXPECT_EQ(restrict_ioc.result, 0);\n" +
        "\tEXPECT_EQ(restrict_ioc.count, 4096);",
      "\teaccept_op.flags = SGX_SECINFO_R | SGX_SECINFO_REG | SGX_SECINFO_PR;",
      "\tEXPECT_EQ(eaccept_op.ret, 0);",
      "\tput_addr_op.value = MAGIC2;",
      "\tEXPECT_EQ(self->run.function, ERESUME);\n" +
        "\tEXPECT_EQ(self->run.exception_vector, 14);\n" +
        "\tEXPECT_EQ(self->run.exception_error_code, 0x8007);\n" +
        "\tEXPECT_EQ(self->run.exception_addr, self->encl.encl_base + 0x5000); /* data_start */\n" +
        "\n" +
        "\tself->run.exception_vector = 0;",
      "\tself->run.tcs = self->encl.encl_base + 0x1000; /* TCS#2 */",
      "\temodpe_op.epc_addr = self->encl.encl_base + 0x5000; /* data_start */\n" +
        "\temodpe_op.flags = SGX_SECINFO_R | SGX_SECINFO_W;\n" +
        "\temodpe_op.header.type = ENCL_OP_EMODPE;\n" +
        "\n" +
        "\tEXPECT_EQ(ENCL_CALL(&emodpe_op, &self->run, true), 0);\n" +
        "\n" +
        "\tEXPECT_EEXIT(&self->run);",
      "\tself->run.tcs = self->encl.encl_base; /* TCS#1 */",
      "vdso_sgx_enter_enclave((unsigned long)&put_addr_op, 0, 0,\n\t\t\t\t\t ERESUME, 0, 0, &self->run)",
      "\tEXPECT_EQ(get_addr_op.value, MAGIC2);",
    ]);
  });

  it("REMOVE_PAGES without EACCEPT: ret -1, EPERM, count 0", () => {
    expectInOrder(exported.get("remove-added-page-no-eaccept")!, [
      "\tmodt_ioc.page_type = SGX_PAGE_TYPE_TRIM;",
      "\tEXPECT_EQ(modt_ioc.count, 4096);",
      "\tret = ioctl(self->encl.fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &remove_ioc);",
      "\tEXPECT_EQ(ret, -1);\n\tEXPECT_EQ(errno_save, EPERM);\n\tEXPECT_EQ(remove_ioc.count, 0);",
    ]);
  });

  it("pages: N over an EPC-sized heap becomes main.c's loop over heap->size", () => {
    expectInOrder(exported.get("unclobbered-vdso-oversubscribed-remove")!, [
      "TEST_F_TIMEOUT(enclave, unclobbered_vdso_oversubscribed_remove, 900)",
      "\tstruct encl_segment *heap;",
      "\tunsigned long total_mem;",
      "\ttotal_mem = get_total_epc_mem();\n" +
        "\tASSERT_NE(total_mem, 0);\n" +
        "\tASSERT_TRUE(setup_test_encl(total_mem, &self->encl, _metadata));\n" +
        "\n" +
        "\theap = &self->encl.segment_tbl[self->encl.nr_segments - 1];\n",
      "\tmodt_ioc.offset = heap->offset; /* heap */\n\tmodt_ioc.length = heap->size;\n",
      "\tEXPECT_EQ(modt_ioc.count, heap->size);",
      "\teaccept_op.flags = SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED;",
      "\tfor (i = 0; i < heap->size; i += PAGE_SIZE) {\n" +
        "\t\teaccept_op.epc_addr = self->encl.encl_base + heap->offset + i;\n" +
        "\t\teaccept_op.ret = 0;\n" +
        "\n" +
        "\t\tEXPECT_EQ(ENCL_CALL(&eaccept_op, &self->run, true), 0);\n" +
        "\n" +
        "\t\tEXPECT_EQ(self->run.exception_vector, 0);\n" +
        "\t\tEXPECT_EQ(self->run.exception_error_code, 0);\n" +
        "\t\tEXPECT_EQ(self->run.exception_addr, 0);\n" +
        "\t\tASSERT_EQ(eaccept_op.ret, 0);\n" +
        "\t\tASSERT_EQ(self->run.function, EEXIT);\n" +
        "\t}",
      "\tremove_ioc.offset = heap->offset; /* heap */\n\tremove_ioc.length = heap->size;\n",
      "\tEXPECT_EQ(remove_ioc.count, heap->size);",
    ]);
    // The simulated heap size appears only in comments.
    const c = exported.get("unclobbered-vdso-oversubscribed-remove")!;
    expect(c.replace(/\/\*[\s\S]*?\*\//g, "")).not.toMatch(/128|0x80000|524288|0xb000/);
    expect(c.replace(/\n \* /g, " ")).toContain(
      "The simulated machine has 128 EPC pages (512 KiB): its heap was 128 pages.",
    );
  });

  it("a repetition of a fixed count loops over that count", () => {
    expectInOrder(exported.get("augment-via-eaccept-long")!, [
      "TEST_F_TIMEOUT(enclave, augment_via_eaccept_long, 900)",
      "\tASSERT_TRUE(setup_test_encl_dynamic(ENCL_HEAP_SIZE_DEFAULT, 0x3f4000, &self->encl, _metadata));",
      "\tfor (i = 0; i < 512; i++) {\n" +
        "\t\teaccept_op.epc_addr = self->encl.encl_base + 0xc000 + i * PAGE_SIZE;",
      "\t\tEXPECT_EQ(ENCL_CALL(&eaccept_op, &self->run, true), 0);",
    ]);
  });

  it("a repetition that stops early: the clean entries loop, the stopped one is asserted in full", () => {
    expectInOrder(exported.get("loop-stops-early")!, [
      "\tfor (i = 0; i < 2; i++) {",
      "\t}",
      "Entry 2 of 4 does not end cleanly",
      "\teaccept_op.epc_addr = self->encl.encl_base + 0xc000 + 2 * PAGE_SIZE;",
      "\tEXPECT_EQ(self->run.exception_error_code, 0x4);\n" +
        "\tEXPECT_EQ(self->run.exception_addr, self->encl.encl_base + 0xe000); /* total_size + 0x2000 */",
      // TCS#1 waits in its AEX with eaccept_op: a new EACCEPT on TCS#2 gets its own op struct,
      // and ERESUME on TCS#1 passes the interrupted one again.
      "\teaccept_op2.epc_addr = self->encl.encl_base + 0xe000;",
      "vdso_sgx_enter_enclave((unsigned long)&eaccept_op, 0, 0,",
    ]);
  });

  it("an SGX1 machine: ENODEV, a PTE fault 0x7, #GP on a busy TCS", () => {
    const c = exported.get("sgx1-only")!;
    expect(c).toContain("SGX1 only");
    expectInOrder(c, [
      "\tEXPECT_EQ(ret, -1);\n\tEXPECT_EQ(errno_save, ENODEV);",
      "\tret = mprotect((void *)(self->encl.encl_base + 0x5000), PAGE_SIZE, PROT_READ); /* data_start */",
      "\tEXPECT_EQ(self->run.exception_error_code, 0x7);",
      "\tnop_op.type = ENCL_OP_NOP;",
      "\tinit_tcs_page_op.entry = 0x23d3; /* encl_entry */",
    ]);
  });
});

/**
 * Per exportable flow: the ENCL_CALL clobbered flags in order (t = true: vdso_sgx_enter_enclave()
 * directly; f = false: call.S's sgx_enter_enclave()) and the setup line. For the flows that
 * mirror a mainline test these are that test's, read from tools/testing/selftests/sgx/main.c
 * (augment_via_eaccept_long: from its posted patch).
 */
const PATHS: Record<string, { calls: string; setup: string }> = {
  augment: { calls: "ttt", setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)" },
  "augment-via-eaccept": {
    calls: "ttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "epcm-permissions": {
    calls: "tttttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "tcs-create": {
    calls: "ttttttttttttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "unclobbered-vdso": {
    calls: "ff",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "clobbered-vdso": { calls: "tt", setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)" },
  "tcs-entry": { calls: "tt", setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)" },
  "pte-permissions": {
    calls: "tttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "tcs-permissions": { calls: "", setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)" },
  "remove-added-page-no-eaccept": {
    calls: "tt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "remove-added-page-invalid-access": {
    calls: "ttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "remove-added-page-invalid-access-after-eaccept": {
    calls: "tttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "remove-untouched-page": {
    calls: "t",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "unclobbered-vdso-oversubscribed": {
    calls: "ff",
    setup: "setup_test_encl(total_mem, &self->encl, _metadata)",
  },
  "unclobbered-vdso-oversubscribed-remove": {
    calls: "fft",
    setup: "setup_test_encl(total_mem, &self->encl, _metadata)",
  },
  "augment-via-eaccept-long": {
    calls: "ttt",
    setup: "setup_test_encl_dynamic(ENCL_HEAP_SIZE_DEFAULT, 0x3f4000, &self->encl, _metadata)",
  },
  "lazy-heap-at-scale": {
    calls: "tttt",
    setup: "setup_test_encl_dynamic(ENCL_HEAP_SIZE_DEFAULT, 0xfffff4000, &self->encl, _metadata)",
  },
  emodpe: { calls: "tttttttt", setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)" },
  "two-enclaves": { calls: "tttt", setup: "setup_test_encl(64 * PAGE_SIZE, &self->encl, _metadata)" },
  refusals: { calls: "tttt", setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)" },
  "gramine-lazy-alloc": {
    calls: "tttttttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
  "sgx-emm-commit-on-demand": {
    calls: "tttttttttt",
    setup: "setup_test_encl(ENCL_HEAP_SIZE_DEFAULT, &self->encl, _metadata)",
  },
};

const flagsOf = (c: string) =>
  [...c.matchAll(/ENCL_CALL\(&\w+, &[\w>-]+, (true|false)\)/g)].map((m) => m[1][0]).join("");

describe("toSelftest: call path, heap and timeout per flow", () => {
  it("every exportable flow has a row", () => {
    expect(Object.keys(PATHS).sort()).toEqual(
      flows
        .map((f) => f.id)
        .filter((id) => exported.has(id))
        .sort(),
    );
  });

  it.each(Object.keys(PATHS))("%s", (id) => {
    const c = exported.get(id)!;
    expect(flagsOf(c)).toBe(PATHS[id].calls);
    expect(c).toContain(`\tASSERT_TRUE(${PATHS[id].setup});`);
    // ERESUME always calls the vDSO directly, as main.c does.
    expect(c).not.toMatch(/sgx_enter_enclave\([^)]*ERESUME/);
  });

  it("unclobbered_vdso: both entries through the register-saving wrapper, as main.c", () => {
    expectInOrder(exported.get("unclobbered-vdso")!, [
      "false goes through sgx_enter_enclave() in call.S",
      "\tEXPECT_EQ(ENCL_CALL(&put_buf_op, &self->run, false), 0);",
      "\tEXPECT_EQ(ENCL_CALL(&get_buf_op, &self->run, false), 0);\n\n\tEXPECT_EQ(get_buf_op.value, MAGIC);",
    ]);
  });

  it("unclobbered_vdso_oversubscribed: get_total_epc_mem(), a plain TEST_F, the model's EPC in the header", () => {
    const c = exported.get("unclobbered-vdso-oversubscribed")!;
    expect(c).toContain("TEST_F(enclave, unclobbered_vdso_oversubscribed)\n");
    expect(c).toContain("for a machine with 128 EPC pages (512 KiB) and SGX2");
    expect(c).toContain("\ttotal_mem = get_total_epc_mem();\n\tASSERT_NE(total_mem, 0);\n");
    // No heap offsets are used: no heap pointer either.
    expect(c).not.toContain("heap =");
  });

  it("augment_via_eaccept_long names the helper and the patch it needs", () => {
    const c = exported.get("augment-via-eaccept-long")!;
    expect(c).toContain("it uses main.c's setup_test_encl_dynamic(),");
    expect(c).not.toContain("it uses main.c's setup_test_encl(),");
    expect(c.replace(/\n \* /g, " ")).toContain(
      'setup_test_encl_dynamic() is not in mainline main.c: it comes from the posted patch "selftests/sgx: Include the dynamic heap size to the ELRANGE calculation"',
    );
  });

  it("a scenario states the path with clobbered; the trace echoes it only when given", () => {
    const raw = scenario("t", [
      { op: "EENTER", call: "write", addr: "0x4000", value: "0x1", clobbered: false },
      { op: "EENTER", call: "read", addr: "0x4000", clobbered: true },
      { op: "EENTER", call: "nop" },
    ]);
    const s = parse(raw);
    const { trace } = runScenario(s);
    expect(trace.steps[10].op.clobbered).toBe(false);
    expect(trace.steps[11].op.clobbered).toBe(true);
    expect("clobbered" in trace.steps[12].op).toBe(false);
    expect(flagsOf(code(toSelftest(s, trace)))).toBe("ftt");
    const bad = parseScenario(scenario("t", [{ op: "EENTER", call: "nop", clobbered: "no" }]));
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.join("\n")).toContain('steps[10].clobbered: expected true or false, got "no"');
    const resume = parseScenario(scenario("t", [{ op: "ERESUME", clobbered: false }]));
    expect(resume.ok).toBe(false);
  });

  it("an EPC-sized heap: an offset past it, or a loop that reaches its end and stops, is refused", () => {
    const machine = { epcPages: 128 };
    const build = standardBuild({ heapPages: 128, epcPages: 128, epcmChecks: false });
    const withBuild = (steps: unknown[]) =>
      exportRaw({ format: "epcm-scenario/1", title: "t", machine, steps: [...build, ...steps] });
    const past = withBuild([{ op: "mmap", offset: "0x8b000", length: "0x1000", prot: "PROT_READ" }]);
    expect(past.ok).toBe(false);
    if (!past.ok)
      expect(past.error).toMatch(
        /steps\[10\] \(mmap\): offset 0x8b000 lies past the heap, which is as large as the simulated EPC \(128 pages\)/,
      );
    const inside = code(withBuild([{ op: "EENTER", call: "read", addr: "0xc000" }]));
    expect(inside).toContain("get_addr_op.addr = self->encl.encl_base + heap->offset + 0x1000;");
    const tail = withBuild([{ op: "EENTER", call: "read", addr: "0x8a000", pages: 2 }]);
    expect(tail.ok).toBe(false);
    if (!tail.ok)
      expect(tail.error).toMatch(/the 2 entries reach the end of a heap as large as the simulated EPC/);
  });
});

describe("toSelftest: a second enclave", () => {
  it("two-enclaves: setup_test_encl() into encl2, entered through run2, deleted at the end", () => {
    const c = exported.get("two-enclaves")!;
    expect(c).toContain("\tstruct sgx_enclave_run run2;\n");
    expect(c).toContain("\tstruct encl encl2;\n");
    expectInOrder(c, [
      "\tASSERT_TRUE(setup_test_encl(64 * PAGE_SIZE, &self->encl, _metadata));",
      "\tEXPECT_EQ(ENCL_CALL(&put_buf_op, &self->run, true), 0);",
      'steps[11..20] the standard build of enclave "e1"',
      "\tASSERT_TRUE(setup_test_encl(64 * PAGE_SIZE, &encl2, _metadata));\n\n" +
        "\tmemset(&run2, 0, sizeof(run2));\n" +
        "\trun2.tcs = encl2.encl_base;\n",
      "\tput_buf_op.value = MAGIC2;",
      "\tEXPECT_EQ(ENCL_CALL(&put_buf_op, &run2, true), 0);\n\n\tEXPECT_EEXIT(&run2);",
      "\tEXPECT_EQ(ENCL_CALL(&get_buf_op, &self->run, true), 0);\n\n\tEXPECT_EQ(get_buf_op.value, MAGIC);",
      "\tEXPECT_EQ(ENCL_CALL(&get_buf_op, &run2, true), 0);\n\n\tEXPECT_EQ(get_buf_op.value, MAGIC2);",
      "\n\tencl_delete(&encl2);\n}\n",
    ]);
  });

  it("each enclave keeps its own TCS and its own addresses", () => {
    const c = code(
      exportRaw(
        scenario("t", [
          ...standardBuild({ enclave: "b" }),
          { op: "EENTER", enclave: "b", tcs: "0x1000", call: "write", addr: "0x5000", value: "0x1" },
          { op: "EENTER", call: "read", addr: "0x5000" },
          { op: "mprotect", enclave: "b", offset: "0x5000", length: "0x1000", prot: "PROT_READ" },
        ]),
      ),
    );
    expectInOrder(c, [
      "\trun2.tcs = encl2.encl_base + 0x1000; /* TCS#2 */",
      "\tput_addr_op.addr = encl2.encl_base + 0x5000; /* data_start */",
      "\tEXPECT_EQ(ENCL_CALL(&put_addr_op, &run2, true), 0);",
      // The fixture's enclave still enters at its TCS#1: no tcs line for self->run.
      "\tget_addr_op.addr = self->encl.encl_base + 0x5000; /* data_start */",
      "\tEXPECT_EQ(ENCL_CALL(&get_addr_op, &self->run, true), 0);",
      "\tret = mprotect((void *)(encl2.encl_base + 0x5000), PAGE_SIZE, PROT_READ); /* data_start */",
    ]);
    expect(c).not.toContain("self->run.tcs = self->encl.encl_base + 0x1000");
    exported.set("second-enclave-own-tcs", c);
  });

  it("an enclave used before it is built, or built another way, is refused", () => {
    const used = exportRaw(scenario("t", [{ op: "EENTER", enclave: "x", call: "nop" }]));
    expect(used.ok).toBe(false);
    if (!used.ok)
      expect(used.error).toMatch(/steps\[10\] \(EENTER nop\) uses enclave "x" before the scenario builds it/);
    const other = standardBuild({ enclave: "b" });
    const odd = { ...(other[7] as Record<string, unknown>), prot: "PROT_READ" };
    const r = exportRaw(scenario("t", [...other.slice(0, 7), odd, ...other.slice(8)]));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatch(
        /steps\[10\] \(SGX_IOC_ENCLAVE_CREATE\) starts a second enclave "b".*steps\[17\] \(mmap\) differs/,
      );
  });
});

describe("toSelftest: refusals", () => {
  const build = standardBuild();

  it("a scenario that does not start with the standard build", () => {
    const r = exportRaw({
      format: "epcm-scenario/1",
      title: "t",
      steps: [{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg: { size: "0x10000" } }],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain("the export only supports scenarios built on the selftest enclave");
    const data = { ...(build[8] as Record<string, unknown>), prot: "PROT_READ" };
    const r2 = exportRaw({
      format: "epcm-scenario/1",
      title: "t",
      steps: [...build.slice(0, 8), data, build[9]],
    });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error).toMatch(/steps\[8\] \(mmap\) differs: expected .*PROT_READ\|PROT_WRITE/);
  });

  it("a build that fails in the simulation", () => {
    const r = exportRaw({ format: "epcm-scenario/1", title: "t", machine: { epcPages: 2 }, steps: build });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/the standard build fails in this simulation at steps\[\d\]/);
  });

  it.each([
    [{ op: "close" }, /steps\[10\] \(close\): a selftest does not close the enclave's fd/],
    [
      { op: "EENTER", call: "exec", addr: "0x2000" },
      /steps\[10\] \(EENTER exec\): the selftest enclave has no op/,
    ],
    [
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION", arg: {} },
      /PROVISION needs an fd of \/dev\/sgx_provision/,
    ],
    [{ op: "ioctl", cmd: "SGX_IOC_NOT_A_THING", arg: {} }, /"SGX_IOC_NOT_A_THING" is not an ioctl the uapi/],
  ])("%j", (step, message) => {
    const r = exportRaw(scenario("t", [step]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it("a trace of another length", () => {
    const s = parse(scenario("t", []));
    const { trace } = runScenario(s);
    const r = toSelftest({ ...s, steps: [...s.steps, s.steps[9]] }, trace);
    expect(r.ok).toBe(false);
  });
});

describe("testName", () => {
  it.each([
    ["epcm-permissions", "epcm_permissions"],
    ["augment: EAUG on a page fault", "augment"],
    ["EMODPE: the enclave extends its own permissions", "emodpe"],
    ["My scenario (v2)", "my_scenario_v2"],
    ["2 enclaves", "scenario_2_enclaves"],
    [":::", "scenario"],
  ])("%s → %s", (source, name) => {
    expect(testName(source)).toBe(name);
  });
});

describe("the exported tests compile as C", () => {
  it("gcc -fsyntax-only -Wall -Werror -std=gnu11 against testdata/harness.h", () => {
    const dir = mkdtempSync(join(tmpdir(), "epcm-selftest-"));
    const file = join(dir, "exported.c");
    const parts = [
      '#include "harness.h"',
      "#include <sys/mman.h>",
      "#include <errno.h>",
      "#include <sys/ioctl.h>",
      "",
      ...exported.values(),
    ];
    writeFileSync(file, parts.join("\n"));
    const include = new URL("./testdata", import.meta.url).pathname;
    const r = spawnSync("gcc", ["-fsyntax-only", "-Wall", "-Werror", "-std=gnu11", "-I", include, file], {
      encoding: "utf8",
    });
    expect(r.error, "gcc could not be run").toBeUndefined();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

// Each case spawns the CLI (a fresh Node with tsx): allow for a loaded machine.
describe("npm run sim -- --format selftest", { timeout: 30_000 }, () => {
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  const run = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { input, encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it("prints the TEST_F of a flow, named after its id", () => {
    const r = run(["--flow", "tcs-entry", "--format", "selftest"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("TEST_F(enclave, tcs_entry)");
    expect(r.out).toBe(exported.get("tcs-entry"));
  });

  it("names a scenario file's test after its title; exits 2 naming the step it cannot export", () => {
    const ok = run(["-", "--format=selftest"], JSON.stringify(extras["sgx1-only"]));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("TEST_F(enclave, sgx1)");
    const r = run(["--flow", "reclaim-reload", "--format", "selftest"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^cannot export as a kernel selftest: steps\[11\] \(reclaim\)/);
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe("scenarios with several CPUs", () => {
  it("are refused with the reason: the harness keeps no thread inside and picks no CPU", () => {
    for (const [id, reason] of [
      ["restrict-while-inside", "steps[10] (EENTER) keeps a thread inside the enclave (stay)"],
      ["interrupts", "steps[10] (EENTER) keeps a thread inside the enclave (stay)"],
    ] as const) {
      const flow = findFlow(id);
      if (!flow) throw new Error(id);
      const parsed = parseScenario(flow.scenario);
      if (!parsed.ok) throw new Error(parsed.errors.join());
      const r = toSelftest(parsed.scenario, runScenario(parsed.scenario).trace, id);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(`cannot export as a kernel selftest: ${reason}`);
    }
    const base = findFlow("augment")?.scenario as Record<string, unknown>;
    for (const [extra, reason] of [
      [{ op: "interrupt", cpu: 1 }, "needs a thread that stayed inside"],
      [{ op: "access", offset: "0x5000", kind: "read" }, "plain user-space access"],
      [{ op: "mmap", cpu: 2, offset: "0xc000", length: "0x1000", prot: "PROT_READ" }, "runs on CPU 2"],
    ] as const) {
      const parsed = parseScenario({ ...base, steps: [...(base.steps as unknown[]), extra] });
      if (!parsed.ok) throw new Error(parsed.errors.join());
      const r = toSelftest(parsed.scenario, runScenario(parsed.scenario).trace, "x");
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(reason);
    }
  });
});
