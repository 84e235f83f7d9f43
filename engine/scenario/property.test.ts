// Property tests: random scenarios (the selftests' standard build, then random driver calls and
// enclave calls) must run without throwing, keep every invariant of invariants.ts after every
// step, and give the same trace every time. The seed is fixed so that CI is reproducible;
// PROPERTY_SEED and PROPERTY_RUNS override it for longer local runs. On a failure fast-check
// prints the seed and the shrunk counterexample, and the message names the step and the
// invariant.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { standardBuild } from "../flows/standard-build.ts";
import { simulate } from "../index.ts";
import { checkInvariants } from "./invariants.ts";
import { parseScenario } from "./parse.ts";
import { opJson, Simulation } from "./run.ts";

type Raw = Record<string, unknown>;

const SEED = Number(process.env.PROPERTY_SEED ?? 0x5eed);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

const hex = (n: number) => `0x${n.toString(16)}`;

// ---- Generators ---------------------------------------------------------------------------

/** Offsets inside 0..0x12000 (past the 0x10000 ELRANGE on purpose): mostly page aligned. */
const offset = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 0x12 }).map((p) => p * 0x1000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x12000 }) },
);
/** Lengths: mostly 1..4 pages, sometimes zero, unaligned or long. */
const length = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }).map((p) => p * 0x1000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x12 }).map((p) => p * 0x1000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x5000 }) },
);
/** Addresses for enclave calls: the pages of the build, the free ELRANGE after it, sometimes unaligned. */
const addr = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 0x11 }).map((p) => p * 0x1000) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x11 }).map((p) => p * 0x1000 + 8 * (p % 5)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x12000 }) },
);
const prot = fc.constantFrom(
  "PROT_READ",
  "PROT_READ|PROT_WRITE",
  "PROT_READ|PROT_EXEC",
  "PROT_READ|PROT_WRITE|PROT_EXEC",
  "PROT_NONE",
  "PROT_WRITE",
  "PROT_EXEC",
);
const secinfo = fc.constantFrom(
  "R|W|REG|PENDING",
  "R|W|REG|PENDING|PR",
  "R|W|REG|PR",
  "R|REG|PR",
  "REG|PR",
  "R|X|REG|PR",
  "TCS|MODIFIED",
  "TRIM|MODIFIED",
  "R|W|REG",
  "R|X|REG",
  "R|W|X|REG",
  "R|REG",
  "W|REG",
  "X|REG",
  "R|W|X|REG|PENDING",
);
const permissions = fc.constantFrom<string | number>("R", "R|W", "R|X", "R|W|X", "X", "W", 0);
const tcs = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0x0, 0x1000) }, { weight: 1, arbitrary: addr });
const value = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => `0x${v.toString(16)}`);

const ioctl = (cmd: string, arg: Raw) => ({ op: "ioctl", cmd, arg });
const range = fc.record({ offset: offset.map(hex), length: length.map(hex) });

const ioctlStep: fc.Arbitrary<Raw> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(range, permissions)
      .map(([r, p]) => ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", { ...r, permissions: p })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(range, fc.constantFrom("TCS", "TRIM", "TRIM", "REG"))
      .map(([r, t]) => ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...r, page_type: t })),
  },
  { weight: 3, arbitrary: range.map((r) => ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", r)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        range,
        fc.constantFrom("R|W|REG", "R|X|REG", "TCS", "W|REG"),
        fc.constantFrom<string | number>("SGX_PAGE_MEASURE", 0),
      )
      .map(([r, s, f]) => ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", { ...r, secinfo: s, flags: f })),
  },
  { weight: 1, arbitrary: fc.constant(ioctl("SGX_IOC_ENCLAVE_INIT", {})) },
  { weight: 1, arbitrary: fc.constant({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_UNKNOWN" }) },
);

/** Mostly an address where the access can succeed (an unfixable fault leaves the thread's TCS busy), else any. */
const likely = (minPage: number, maxPage: number) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.integer({ min: minPage * 0x200, max: maxPage * 0x200 + 0x1ff }).map((q) => q * 8),
    },
    { weight: 1, arbitrary: addr },
  );

const call: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ call: fc.constant("write"), addr: likely(0x4, 0xb).map(hex), value }) },
  { weight: 3, arbitrary: fc.record({ call: fc.constant("read"), addr: likely(0x2, 0xb).map(hex) }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("exec"), addr: likely(0x2, 0x3).map(hex) }) },
  { weight: 1, arbitrary: fc.constant({ call: "nop" }) },
  { weight: 4, arbitrary: fc.record({ call: fc.constant("EACCEPT"), addr: addr.map(hex), secinfo }) },
  {
    weight: 1,
    arbitrary: fc.record({
      call: fc.constant("EACCEPTCOPY"),
      addr: addr.map(hex),
      src: addr.map(hex),
      secinfo,
    }),
  },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("EMODPE"), addr: addr.map(hex), secinfo }) },
  {
    weight: 1,
    arbitrary: fc.record({
      call: fc.constant("init_tcs"),
      addr: addr.map(hex),
      ssa: fc.constantFrom(0x7000, 0x8000, 0xc000).map(hex),
      entry: fc.constantFrom(0x23e9, 0x23d3).map(hex),
    }),
  },
);

const enterStep: fc.Arbitrary<Raw> = fc
  .tuple(
    tcs,
    call,
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) },
    ),
  )
  .map(([t, c, pages]) => ({ op: "EENTER", tcs: hex(t), ...c, ...(pages === null ? {} : { pages }) }));

const mmStep: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(range, prot).map(([r, p]) => ({ op: "mmap", ...r, prot: p })) },
  { weight: 2, arbitrary: fc.tuple(range, prot).map(([r, p]) => ({ op: "mprotect", ...r, prot: p })) },
  { weight: 1, arbitrary: range.map((r) => ({ op: "munmap", ...r })) },
);

/** One random step. */
const randomStep: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 50, arbitrary: ioctlStep },
  { weight: 30, arbitrary: mmStep },
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 48 }).map((pages) => ({ op: "reclaim", pages })) },
  { weight: 80, arbitrary: enterStep },
  { weight: 20, arbitrary: tcs.map((t) => ({ op: "ERESUME", tcs: hex(t) })) },
  { weight: 2, arbitrary: fc.constant({ op: "close" }) },
);

// Fragments of the selftests' SGX2 flows with random pages and threads, so that random runs
// reach the deep states (PENDING, MODIFIED, PR, accepted TRIM, new TCS pages, removed pages)
// and evict and reload pages in them. Sometimes steps are dropped to leave a flow half done.
const page = (min: number, max: number) => fc.integer({ min, max }).map((p) => p * 0x1000);
/** Any page of ELRANGE, with extra weight on the data pages and the free range after the heap. */
const flowPage = fc.oneof(page(0x0, 0xf), page(0x4, 0xb), page(0xc, 0xf));
const thread = fc.constantFrom(0x0, 0x1000);
const enter = (t: number, c: Raw): Raw => ({ op: "EENTER", tcs: hex(t), ...c });
const one = (p: number) => ({ offset: hex(p), length: "0x1000" });

const fragment: fc.Arbitrary<Raw[]> = fc.oneof(
  // augment / augment-via-eaccept: EAUG on a fault, EACCEPT from the other thread.
  fc.tuple(flowPage, thread, value, prot, fc.boolean()).map(([p, t, v, pr, viaAccept]) => {
    const other = t ^ 0x1000;
    const map = { op: "mmap", ...one(p), prot: pr === "PROT_NONE" ? "PROT_READ|PROT_WRITE" : pr };
    const accept = enter(other, { call: "EACCEPT", addr: hex(p), secinfo: "R|W|REG|PENDING" });
    return viaAccept
      ? [
          map,
          accept,
          enter(t, { call: "write", addr: hex(p), value: v }),
          enter(t, { call: "read", addr: hex(p) }),
        ]
      : [
          map,
          enter(t, { call: "write", addr: hex(p), value: v }),
          accept,
          { op: "ERESUME", tcs: hex(t) },
          enter(t, { call: "read", addr: hex(p) }),
        ];
  }),
  // Trim and remove a page.
  fc
    .tuple(flowPage, thread)
    .map(([p, t]) => [
      ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...one(p), page_type: "TRIM" }),
      enter(t, { call: "EACCEPT", addr: hex(p), secinfo: "TRIM|MODIFIED" }),
      ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", one(p)),
      enter(t, { call: "read", addr: hex(p) }),
    ]),
  // Make a new TCS out of a REG page and enter through it.
  fc
    .tuple(flowPage, thread, fc.constantFrom(0x7000, 0x8000, 0xc000))
    .map(([p, t, ssa]) => [
      { op: "mmap", ...one(p), prot: "PROT_READ|PROT_WRITE" },
      enter(t, { call: "init_tcs", addr: hex(p), ssa: hex(ssa), entry: "0x23e9" }),
      ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...one(p), page_type: "TCS" }),
      enter(t, { call: "EACCEPT", addr: hex(p), secinfo: "TCS|MODIFIED" }),
      enter(p, { call: "nop" }),
    ]),
  // Restrict permissions, accept, extend them again.
  fc
    .tuple(
      flowPage,
      thread,
      fc.constantFrom("R", "R|X", "R|W", "X"),
      fc.constantFrom("R|W|REG", "R|X|REG", "R|W|X|REG", "W|REG"),
    )
    .map(([p, t, perms, ext]) => [
      ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", { ...one(p), permissions: perms }),
      enter(t, { call: "EACCEPT", addr: hex(p), secinfo: `${perms}|REG|PR` }),
      enter(t, { call: "EMODPE", addr: hex(p), secinfo: ext }),
      enter(t, { call: "write", addr: hex(p), value: "0x1" }),
    ]),
  // EACCEPTCOPY into a fresh page, then run it.
  fc
    .tuple(page(0xc, 0xf), page(0x2, 0xb), thread)
    .map(([p, src, t]) => [
      { op: "mmap", ...one(p), prot: "PROT_READ|PROT_WRITE|PROT_EXEC" },
      enter(t, { call: "EACCEPTCOPY", addr: hex(p), src: hex(src), secinfo: "R|W|X|REG" }),
      enter(t, { call: "exec", addr: hex(p) }),
    ]),
);

const item: fc.Arbitrary<Raw[]> = fc.oneof(
  { weight: 1, arbitrary: randomStep.map((s) => [s]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fragment, fc.integer({ min: 0, max: 3 }))
      .chain(([steps, whole]) => (whole > 0 ? fc.constant(steps) : fc.subarray(steps, { minLength: 1 }))),
  },
);

/** 1..40 random steps; with a second enclave, a quarter of the items target it. */
const randomSteps = (withE1: boolean): fc.Arbitrary<Raw[]> =>
  fc
    .array(fc.tuple(item, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 25, size: "max" })
    .map((items) =>
      items
        .flatMap(([steps, r]) => (withE1 && r === 0 ? steps.map((s) => ({ ...s, enclave: "e1" })) : steps))
        .slice(0, 40),
    );

/** The build's steps without notes and expectations (shorter counterexamples). */
const bare = (steps: Raw[]): Raw[] => steps.map(({ note: _n, expect: _e, ...rest }) => rest);

/** The standard build with a random EPC size and SGX1/SGX2, 1..40 random steps, sometimes a second enclave. */
const scenarioArb: fc.Arbitrary<Raw> = fc
  .record({
    epcPages: fc.integer({ min: 24, max: 160 }),
    sgx2: fc.constantFrom(true, true, true, false),
    e1: fc.constantFrom<"none" | "before" | "among">("none", "none", "before", "among"),
    e1At: fc.nat(),
  })
  .chain((m) =>
    randomSteps(m.e1 !== "none").map((random): Raw => {
      const e0 = bare(standardBuild());
      const e1 = m.e1 === "none" ? [] : bare(standardBuild({ enclave: "e1" }));
      const at = m.e1 === "among" ? m.e1At % (random.length + 1) : 0;
      const steps = [...e0, ...random.slice(0, at), ...e1, ...random.slice(at)];
      return {
        format: "epcm-scenario/1",
        title: "random",
        machine: { epcPages: m.epcPages, sgx2: m.sgx2 },
        steps,
      };
    }),
  );

// ---- Running ------------------------------------------------------------------------------

/** Run step by step; throw naming the first step that throws or breaks an invariant. */
function runChecked(raw: Raw): Simulation {
  const parsed = parseScenario(raw);
  if (!parsed.ok) throw new Error(`generated scenario rejected:\n${parsed.errors.join("\n")}`);
  const sim = new Simulation(parsed.scenario);
  const initial = checkInvariants(sim);
  if (initial.length > 0) throw new Error(`invariants broken before any step:\n${initial.join("\n")}`);
  while (!sim.done) {
    const i = sim.steps.length;
    const step = parsed.scenario.steps[i];
    const label = `steps[${i}] ${JSON.stringify({ enclave: step.enclave, ...opJson(step) })}`;
    try {
      sim.step();
    } catch (e) {
      throw new Error(`${label} threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    const broken = checkInvariants(sim);
    if (broken.length > 0) throw new Error(`after ${label}:\n${broken.join("\n")}`);
  }
  return sim;
}

describe("property: random scenarios", () => {
  it("run, keep every invariant after every step, and trace deterministically", () => {
    let runs = 0;
    let steps = 0;
    const started = performance.now();
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // (b) Every invariant after every step (this run also does not throw).
        const sim = runChecked(scenario);
        steps += sim.steps.length;
        // (a) simulate() accepts the scenario and never throws; (c) it gives the same trace,
        // byte for byte, as the step-by-step run.
        const b = simulate(scenario);
        if (!b.ok) throw new Error(`simulate() rejected it:\n${b.errors.join("\n")}`);
        const ja = JSON.stringify(sim.trace());
        const jb = JSON.stringify(b.trace);
        if (ja !== jb)
          throw new Error(
            `two runs gave different traces (first difference at character ${firstDiff(ja, jb)})`,
          );
        runs++;
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
    const ms = performance.now() - started;
    console.log(`property: ${runs} scenarios, ${steps} steps checked in ${ms.toFixed(0)} ms (seed ${SEED})`);
    expect(runs).toBe(RUNS);
  }, 60_000);
});

function firstDiff(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

describe("checkInvariants", () => {
  function builtSimulation(): Simulation {
    const parsed = parseScenario({ format: "epcm-scenario/1", title: "build", steps: standardBuild() });
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const sim = new Simulation(parsed.scenario);
    while (!sim.done) sim.step();
    return sim;
  }

  it("holds after the standard build", () => {
    expect(checkInvariants(builtSimulation())).toEqual([]);
  });

  it("detects a corrupted SECS child count", () => {
    const sim = builtSimulation();
    const encl = sim.kernel.enclaves[0];
    const secs = sim.kernel.cpu.epc.secs.get(encl.secsEpc);
    if (!secs) throw new Error("no SECS");
    secs.childCount++;
    const broken = checkInvariants(sim);
    expect(broken.some((m) => m.startsWith("[3]"))).toBe(true);
  });

  it("detects a page the kernel thinks resident but the EPCM does not hold", () => {
    const sim = builtSimulation();
    const page = sim.kernel.enclaves[0].pages.get(5);
    if (!page) throw new Error("no page at 0x5000");
    sim.kernel.cpu.epc.flags[page.epc] = 0; // VALID cleared behind the kernel's back
    const broken = checkInvariants(sim);
    expect(broken.some((m) => m.startsWith("[2]"))).toBe(true);
    expect(broken.some((m) => m.startsWith("[3]"))).toBe(true);
  });

  it("holds after every step of every built-in flow", () => {
    for (const flow of flows) {
      const parsed = parseScenario(flow.scenario);
      if (!parsed.ok) throw new Error(`${flow.id}: ${parsed.errors.join("\n")}`);
      const sim = new Simulation(parsed.scenario);
      while (!sim.done) {
        const i = sim.steps.length;
        sim.step();
        expect(checkInvariants(sim), `${flow.id} steps[${i}]`).toEqual([]);
      }
    }
  });
});
