import { describe, expect, it } from "vitest";
import { findFlow, flows, parseScenario, simulate } from "../index.ts";
import { MUTATION_NAMES } from "../kernel/versions.ts";
import { formatTraceText } from "../scenario/text.ts";
import { formatMatrix, versionDiff, whatIfMatrix, withMachine } from "./whatif.ts";

const flow = (id: string) => {
  const f = findFlow(id);
  if (!f) throw new Error(id);
  return f.scenario as Record<string, unknown>;
};

function run(id: string, machine: Parameters<typeof withMachine>[1]) {
  const r = simulate(withMachine(flow(id), machine));
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r;
}

const texts = (r: ReturnType<typeof run>) => r.trace.steps.flatMap((s) => s.events.map((e) => e.text));

describe("machine.kernel and machine.mutate", () => {
  it("accepts the four versions and the five mutations, and echoes them in the trace", () => {
    for (const kernel of ["v6.0", "v6.1", "v6.6", "v6.6+edmm-races"] as const) {
      const r = run("augment", { kernel, mutate: ["no-ioctl-busy"] });
      expect(r.trace.machine.kernel).toBe(kernel);
      expect(r.trace.machine.mutate).toEqual(["no-ioctl-busy"]);
    }
    for (const m of MUTATION_NAMES)
      expect(parseScenario(withMachine(flow("augment"), { mutate: [m] })).ok).toBe(true);
  });

  it("the text log names the kernel version and the mutations", () => {
    const r = run("augment", { kernel: "v6.1", mutate: ["no-ipi", "no-etrack"] });
    expect(formatTraceText(r.trace)).toContain("\nKernel: v6.1, what-if: no-ipi, no-etrack\n");
    const plain = simulate(flow("augment"));
    expect(plain.ok && formatTraceText(plain.trace)).not.toContain("Kernel:");
  });

  it("leaves the trace of a scenario without them unchanged (no kernel or mutate echoed)", () => {
    const r = simulate(flow("augment"));
    expect(r.ok && "kernel" in r.trace.machine).toBe(false);
    expect(r.ok && "mutate" in r.trace.machine).toBe(false);
  });

  it("refuses unknown versions and mutations, naming the accepted ones", () => {
    const bad = (machine: unknown) => {
      const p = parseScenario({ ...flow("augment"), machine });
      return p.ok ? [] : p.errors;
    };
    expect(bad({ kernel: "v6.2" })).toEqual([
      'machine.kernel: unknown kernel "v6.2"; expected one of "v6.0", "v6.1", "v6.6", "v6.6+edmm-races"',
    ]);
    expect(bad({ mutate: ["no-ipi", "no-lock"] })[0]).toMatch(
      /^machine\.mutate\[1\]: unknown mutation "no-lock"; expected one of "no-ipi"/,
    );
    expect(bad({ mutate: "no-ipi" })).toEqual([
      'machine.mutate: expected a list of mutation names, got "no-ipi"',
    ]);
    expect(bad({ mutate: ["no-ipi", "no-ipi"] })).toEqual(['machine.mutate[1]: "no-ipi" is listed twice']);
  });
});

describe("each version difference", () => {
  it("v6.1 adds the overflow check to the reviewer's table of every range-taking ioctl; v6.0 lacks it", () => {
    const ids = (kernel: "v6.0" | "v6.1" | "v6.6") =>
      run("epcm-permissions", { kernel }).trace.steps.flatMap((s) => s.review?.checks.map((c) => c.id) ?? []);
    expect(ids("v6.0")).not.toContain("range.overflow");
    expect(ids("v6.1")).toContain("range.overflow");
    expect(ids("v6.6")).toContain("range.overflow");
  });

  it("--diff v6.0 v6.1 points at the first ioctl with the new check", () => {
    const r = versionDiff(flow("epcm-permissions"), "v6.0", "v6.1");
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.diff.step).toBe(1);
    expect(r.diff.differences[0]).toMatch(
      /^reviewer checks: .*range,add.secinfo.type.* vs .*range,range.overflow,/,
    );
    const same = versionDiff(flow("augment"), "v6.1", "v6.6");
    expect(same.ok && same.diff.step).toBeUndefined();
  });
});

describe("each mutation", () => {
  it("no-etrack: the SGX2 ioctls skip ETRACK and EACCEPT fails with SGX_PAGE_NOT_MODIFIABLE... or as the CPU says", () => {
    const r = run("epcm-permissions", { mutate: ["no-etrack"] });
    expect(texts(r).some((t) => t.startsWith("What-if no-etrack"))).toBe(true);
    expect(r.unmet[0]).toMatch(/EACCEPT.*call\.ret: expected 0, got 11/);
    expect(run("epcm-permissions", {}).unmet).toEqual([]);
  });

  it("no-accept-probe: REMOVE_PAGES removes a trimmed page the enclave never accepted", () => {
    const r = run("remove-added-page-no-eaccept", { mutate: ["no-accept-probe"] });
    expect(texts(r).some((t) => t.startsWith("What-if no-accept-probe"))).toBe(true);
    expect(r.unmet[0]).toMatch(/SGX_IOC_ENCLAVE_REMOVE_PAGES.*ret: expected -1, got 0/);
  });

  it("no-type-check: RESTRICT_PERMISSIONS on a TCS reaches EMODPR, which refuses (EFAULT instead of EINVAL)", () => {
    const r = run("tcs-permissions", { mutate: ["no-type-check"] });
    expect(r.unmet[0]).toMatch(/RESTRICT_PERMISSIONS.*errno: expected "EINVAL", got "EFAULT"/);
  });

  it("no-ipi: ETRACK runs, the IPI is replaced by a what-if event", () => {
    const r = run("epcm-permissions", { mutate: ["no-ipi"] });
    const t = texts(r);
    expect(t.some((x) => x.startsWith("What-if no-ipi"))).toBe(true);
    expect(t.some((x) => x.startsWith("IPI"))).toBe(false);
    expect(t.some((x) => x.startsWith("IPI"))).toBe(false);
    expect(texts(run("epcm-permissions", {})).some((x) => x.startsWith("IPI"))).toBe(true);
  });

  it("no-ioctl-busy is a flag for races and changes nothing in a sequential flow", () => {
    const a = run("epcm-permissions", {});
    const b = run("epcm-permissions", { mutate: ["no-ioctl-busy"] });
    expect(JSON.stringify(b.trace.steps)).toBe(JSON.stringify(a.trace.steps));
  });
});

describe("the what-if matrix", () => {
  const m = whatIfMatrix();
  it("has one row per built-in flow and one column per mutation", () => {
    expect(m.rows.map((r) => r.flow)).toEqual(flows.map((f) => f.id));
    expect(m.mutations).toEqual(MUTATION_NAMES);
  });
  it("names the mutations no flow catches; a missing IPI is caught by a flow with a thread inside", () => {
    expect(m.uncaught).toEqual([]);
    // The kernel selftests alone: neither a missing IPI nor a missing SGX_ENCL_IOCTL bit is noticed.
    expect(m.uncaughtBySelftests).toEqual(["no-ipi", "no-ioctl-busy"]);
    expect(m.rows.filter((r) => r.selftest)).toHaveLength(16);
    // Only a race of two ioctls notices a missing SGX_ENCL_IOCTL bit: without that flow, a gap.
    const sequential = whatIfMatrix(flows.filter((f) => f.id !== "remove-pages-ioctl-busy"));
    expect(sequential.uncaught).toEqual(["no-ioctl-busy"]);
    expect(formatMatrix(sequential)).toContain("no-ioctl-busy: caught by no flow (a gap in the tests)");
    expect(formatMatrix(m)).toContain("no-ioctl-busy: caught by 1 flow(s): remove-pages-ioctl-busy");
    expect(formatMatrix(m)).toMatch(/no-ipi: caught by \d+ flow\(s\): .*restrict-while-inside/);
    expect(formatMatrix(m)).toMatch(/no-etrack: caught by \d+ flow\(s\): .*epcm-permissions/);
  });
});
