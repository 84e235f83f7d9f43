// The uapi's __u64 offset and length with 64-bit wrap-around (docs/scenario-format.md, Kernel
// versions and what-ifs): v6.0's sgx_validate_offset_length() lets a wrapping range through,
// v6.1 refuses it with EINVAL.
import { describe, expect, it } from "vitest";
import { findFlow, parseScenario, simulate } from "../index.ts";
import { formatTraceText } from "../scenario/text.ts";
import { withMachine } from "../whatif/whatif.ts";

type Kernel = "v6.0" | "v6.1" | "v6.6" | "v6.6+edmm-races";

const epcmPermissions = () => findFlow("epcm-permissions")?.scenario as Record<string, unknown>;

/** The standard build (first 7 steps of epcm-permissions) plus one ioctl. */
function withIoctl(cmd: string, arg: Record<string, unknown>, kernel: Kernel): Record<string, unknown> {
  const base = epcmPermissions();
  const steps = (base.steps as unknown[]).slice(0, 7);
  return withMachine({ ...base, steps: [...steps, { op: "ioctl", cmd, arg }] }, { kernel });
}

function last(cmd: string, arg: Record<string, unknown>, kernel: Kernel) {
  const r = simulate(withIoctl(cmd, arg, kernel));
  if (!r.ok) throw new Error(r.errors.join("\n"));
  const step = r.trace.steps[r.trace.steps.length - 1];
  return { step, text: formatTraceText(r.trace), epcm: r.trace.final };
}

// offset + length = 2^64 + 0x1000: wraps to 0x1000, and 0x1000 - 0x1000 = 0 < size passes v6.0.
const WRAPPING = { offset: "0xfffffffffffff000", length: "0x2000" };

describe("__u64 offset and length", () => {
  it("accept strings up to 2^64-1 and refuse JSON numbers above 2^53-1, saying to write a string", () => {
    const ok = parseScenario(
      withIoctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { offset: "0xffffffffffffffff", length: "0x1000" }, "v6.0"),
    );
    expect(ok.ok).toBe(true);
    const big = parseScenario(
      withIoctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { offset: 2 ** 60, length: "0x1000" }, "v6.0"),
    );
    expect(big.ok ? [] : big.errors).toEqual([
      "steps[7].arg.offset: 1152921504606847000 is a JSON number above 2^53-1, which JSON cannot hold exactly; write it as a hex string",
    ]);
    const tooBig = parseScenario(
      withIoctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { offset: "0x10000000000000000", length: "0x1000" }, "v6.0"),
    );
    expect(tooBig.ok ? [] : tooBig.errors).toEqual([
      'steps[7].arg.offset: "0x10000000000000000" does not fit in 64 bits',
    ]);
  });

  for (const cmd of [
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    "SGX_IOC_ENCLAVE_MODIFY_TYPES",
    "SGX_IOC_ENCLAVE_REMOVE_PAGES",
  ]) {
    const extra: Record<string, unknown> =
      cmd === "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS"
        ? { permissions: "R" }
        : cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES"
          ? { page_type: "TRIM" }
          : {};
    it(`${cmd}: a wrapping range passes v6.0's validation and stops with EFAULT at the first page; v6.1+ refuse it with EINVAL`, () => {
      const old = last(cmd, { ...WRAPPING, ...extra }, "v6.0");
      expect(old.step).toMatchObject({ ret: -1, errno: "EFAULT" });
      expect(old.step.arg?.count).toBe("0x0");
      expect(old.step.events.map((e) => e.text).join("\n")).toMatch(
        /wraps past 2\^64 to 0x1000, which passes the size check/,
      );
      expect(old.step.events.map((e) => e.text).join("\n")).toMatch(/there is no enclave page there/);
      expect(old.step.review?.checks.map((c) => c.id)).not.toContain("range.overflow");
      for (const kernel of ["v6.1", "v6.6", "v6.6+edmm-races"] as const) {
        const fixed = last(cmd, { ...WRAPPING, ...extra }, kernel);
        expect(fixed.step).toMatchObject({ ret: -1, errno: "EINVAL" });
        expect(fixed.step.review?.decided).toBe("range.overflow");
      }
    });
  }

  it("a large offset that does not wrap is EINVAL on every version (the range does not end inside the enclave)", () => {
    for (const kernel of ["v6.0", "v6.1"] as const) {
      const r = last(
        "SGX_IOC_ENCLAVE_REMOVE_PAGES",
        { offset: "0x8000000000000000", length: "0x1000" },
        kernel,
      );
      expect(r.step).toMatchObject({ ret: -1, errno: "EINVAL" });
      expect(r.step.review?.decided).toBe("range");
    }
  });

  it("ADD_PAGES before EINIT: v6.0 lets the wrapped range reach EADD, which #GPs outside ELRANGE (EIO); v6.1 refuses it", () => {
    const base = epcmPermissions();
    const steps = (base.steps as Array<Record<string, unknown>>).slice(0, 2);
    const scenario = (kernel: Kernel) =>
      withMachine(
        {
          ...base,
          steps: [
            ...steps,
            {
              op: "ioctl",
              cmd: "SGX_IOC_ENCLAVE_ADD_PAGES",
              arg: { offset: "0xfffffffffffff000", length: "0x2000", secinfo: "REG|R|W" },
            },
          ],
        },
        { kernel },
      );
    const old = simulate(scenario("v6.0"));
    if (!old.ok) throw new Error(old.errors.join("\n"));
    const added = old.trace.steps[old.trace.steps.length - 1];
    expect(added).toMatchObject({ ret: -1, errno: "EIO", arg: { count: "0x0" } });
    expect(added.events.map((e) => e.text).join("\n")).toMatch(/#GP/);
    const fixed = simulate(scenario("v6.1"));
    if (!fixed.ok) throw new Error(fixed.errors.join("\n"));
    expect(fixed.trace.steps[fixed.trace.steps.length - 1]).toMatchObject({ ret: -1, errno: "EINVAL" });
  });
});
