// Model-based fuzz, the fast run inside `npm test`: a fixed seed and ~100 random scenarios, each
// checked after every step against the invariants, the reference model and determinism (see
// check.ts). Longer runs: `npm run fuzz -- --seed S --runs N`. FUZZ_SEED / FUZZ_RUNS override the
// seed and count here; FUZZ_SAVE=1 writes a failure to engine/fuzz/regressions/.

import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { standardBuild } from "../flows/standard-build.ts";
import { parseScenario } from "../scenario/parse.ts";
import { Simulation } from "../scenario/run.ts";
import { checkScenario, type Raw } from "./check.ts";
import { runFuzz } from "./fuzz.ts";
import { compare, observe } from "./observe.ts";
import { ReferenceModel } from "./reference-model.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 0xf022);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

describe("model-based fuzz", () => {
  it(`${RUNS} random scenarios keep the invariants and agree with the reference model`, () => {
    const r = runFuzz({ seed: SEED, runs: RUNS, save: process.env.FUZZ_SAVE === "1" });
    if (r.failure) {
      const f = r.failure;
      throw new Error(
        `${f.failure.property} after steps[${f.failure.step}]:\n${f.failure.message}\n\n` +
          (f.path ? `saved as ${f.path}` : `shrunk scenario:\n${JSON.stringify(f.fixture, null, 2)}`),
      );
    }
    console.log(
      `fuzz: ${r.coverage.runs} scenarios, ${r.coverage.steps} steps, ${r.coverage.states.size} page states in ${r.ms.toFixed(0)} ms (seed ${SEED})`,
    );
    expect(r.coverage.runs).toBe(RUNS);
    // The generator reaches the SGX2 states, not just the build's.
    for (const s of ["REG RW- P1 M0 PR0", "TRIM --- P0 M1 PR0", "TCS --- P0 M1 PR0"])
      expect([...r.coverage.states.keys()]).toContain(s);
    // Many CPUs: threads stayed inside, ran calls, took interrupts; user space touched its mapping.
    for (const op of ["run", "EEXIT", "interrupt", "access"])
      expect(r.coverage.ops.get(op) ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("the reference model agrees with the engine on every built-in flow", () => {
    for (const flow of flows) {
      const raw = flow.scenario as Raw;
      const machine = (raw.machine ?? {}) as { epcPages?: number };
      if ((machine.epcPages ?? 128) > 4096) continue; // the huge oversubscription flows are slow here
      const f = checkScenario(raw, { determinism: false });
      expect(f, `${flow.id}: ${f?.property} after steps[${f?.step}]: ${f?.message}`).toBeUndefined();
    }
  }, 60_000);
});

describe("the reference model catches disagreements", () => {
  function built(extra: Raw[] = []): { sim: Simulation; model: ReferenceModel } {
    const raw = { format: "epcm-scenario/1", title: "t", steps: [...standardBuild(), ...extra] };
    const parsed = parseScenario(raw);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const sim = new Simulation(parsed.scenario);
    const model = new ReferenceModel(raw);
    while (!sim.done) expect(model.apply(sim.step())).toEqual([]);
    return { sim, model };
  }

  it("agrees after the standard build", () => {
    const { sim, model } = built();
    expect(compare(model, observe(sim))).toEqual([]);
  });

  it("reports a PR bit the engine set behind its back", () => {
    const { sim, model } = built();
    const page = sim.kernel.enclaves[0].pages.get(5);
    if (!page) throw new Error("no page at 0x5000");
    sim.kernel.cpu.epc.flags[page.epc] |= 0x20;
    expect(compare(model, observe(sim))).toEqual([
      "e0+0x5000: model REG RW- P0 M0 PR0, engine REG RW- P0 M0 PR1",
    ]);
  });

  it("predicts an SGX2 flow: restrict, accept, extend, trim, remove, EAUG", () => {
    const enter = (call: Raw) => ({ op: "EENTER", tcs: "0x0", ...call });
    const { sim, model } = built([
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: "0x4000", length: "0x2000", permissions: "R" },
      },
      enter({ call: "EACCEPT", addr: "0x4000", secinfo: "R|REG|PR" }),
      enter({ call: "EMODPE", addr: "0x4000", secinfo: "R|X" }),
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        arg: { offset: "0xb000", length: "0x1000", page_type: "TRIM" },
      },
      enter({ call: "EACCEPT", addr: "0xb000", secinfo: "TRIM|MODIFIED" }),
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES", arg: { offset: "0xb000", length: "0x1000" } },
      { op: "mmap", offset: "0xc000", length: "0x1000", prot: "PROT_READ|PROT_WRITE" },
      enter({ call: "write", addr: "0xc000", value: "0x1" }),
      { op: "reclaim", pages: 64 },
    ]);
    expect(compare(model, observe(sim))).toEqual([]);
    const e0 = model.enclaves.get("e0");
    expect(e0?.pages.get(0x4000)).toEqual({
      type: "REG",
      rwx: 5,
      pending: false,
      modified: false,
      pr: false,
    });
    expect(e0?.pages.get(0x5000)).toEqual({ type: "REG", rwx: 1, pending: false, modified: false, pr: true });
    expect(e0?.pages.has(0xb000)).toBe(false);
    expect(e0?.pages.get(0xc000)).toEqual({ type: "REG", rwx: 3, pending: true, modified: false, pr: false });
  });

  it("infers the EAUGs of a repeated step's later entries", () => {
    // Entry 1 of the first step EAUGs 0xc000 and then fails (19); the second step EAUGs 0xd000 in
    // entry 1 and stops at the unmapped 0xe000. Only entry 0's events are in the trace.
    const { sim, model } = built([
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        arg: { offset: "0xb000", length: "0x1000", page_type: "TRIM" },
      },
      { op: "mmap", offset: "0xc000", length: "0x2000", prot: "PROT_READ|PROT_WRITE" },
      { op: "EENTER", tcs: "0x0", call: "EACCEPT", addr: "0xb000", secinfo: "TRIM|MODIFIED", pages: 3 },
      { op: "EENTER", tcs: "0x1000", call: "EACCEPT", addr: "0xc000", secinfo: "R|W|REG|PENDING", pages: 3 },
    ]);
    expect(sim.steps.at(-2)?.repeated).toBe(1);
    expect(sim.steps.at(-1)?.repeated).toBe(2);
    expect(compare(model, observe(sim))).toEqual([]);
    const accepted = { type: "REG", rwx: 3, pending: false, modified: false, pr: false };
    expect(model.enclaves.get("e0")?.pages.get(0xc000)).toEqual(accepted);
    expect(model.enclaves.get("e0")?.pages.get(0xd000)).toEqual(accepted);
    expect(model.enclaves.get("e0")?.pages.has(0xe000)).toBe(false);
  });

  it("complains about an outcome that is impossible in its state", () => {
    const { sim, model } = built();
    // A forged trace step: EACCEPT "succeeded" on a page that has nothing to accept.
    const forged = {
      index: sim.steps.length,
      enclave: "e0",
      op: { op: "EENTER", tcs: "0x0", call: "EACCEPT", addr: "0x5000", secinfo: "R|W|REG|PENDING" },
      ret: 0,
      run: {
        function: "EEXIT" as const,
        exception_vector: 0,
        exception_error_code: "0x0",
        exception_addr: "0x0",
        exception_offset: "0x0",
      },
      call: { ret: 0, ret_name: "SGX_SUCCESS" },
      events: [],
      epcm: [],
    };
    const complaints = model.apply(forged);
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toContain("EACCEPT(0x20b) of e0+0x5000 succeeded, but it is REG RW- P0 M0 PR0");
  });
});
