import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flows } from "../flows/index.ts";
import { parseScenario, runScenario } from "../index.ts";
import {
  EAUG_LOCK,
  EAUG_UNLOCK,
  FAULT_LOCK,
  FAULT_UNLOCK,
  FAULT_UNLOCK_BUSY,
  LOCK_BOUNDARIES,
  REMOVE_LOCK,
  REMOVE_UNLOCK,
  REMOVE_ZAP_RELOCK,
  REMOVE_ZAP_UNLOCK,
} from "../kernel/locks.ts";
import { exploreScenario, formatExplore } from "./explore.ts";
import { formatTraceText } from "./text.ts";

const flow = (id: string) => {
  const f = flows.find((x) => x.id === id);
  if (!f) throw new Error(id);
  return f.scenario as { machine?: Record<string, unknown>; steps: Array<Record<string, unknown>> };
};

/** The eaug-fault-race flow with its race step's order (and kernel) replaced. */
function withOrder(order: number[] | undefined, kernel = "v6.0") {
  const s = structuredClone(flow("eaug-fault-race"));
  s.machine = { ...s.machine, kernel };
  const race = s.steps.find((st) => st.op === "race") as Record<string, unknown>;
  if (order === undefined) delete race.order;
  else race.order = order;
  // Expectations belong to the flow's own order; here the outcomes are checked directly.
  for (const p of race.steps as Array<Record<string, unknown>>) delete p.expect;
  s.steps = s.steps.filter((st) => st.op !== "access");
  return s;
}

function run(raw: unknown) {
  const p = parseScenario(raw);
  if (!p.ok) throw new Error(p.errors.join("\n"));
  return runScenario(p.scenario);
}

const raceStep = (raw: unknown) => {
  const { trace } = run(raw);
  const st = trace.steps.find((s) => (s.op as { op: string }).op === "race");
  if (!st?.race || !st.schedule) throw new Error("no race step");
  return st;
};

describe("race: validation", () => {
  const errors = (steps: unknown[], extra: Record<string, unknown> = {}) => {
    const r = parseScenario({ format: "epcm-scenario/1", steps: [{ op: "race", steps, ...extra }] });
    return r.ok ? [] : r.errors;
  };
  const read = (cpu?: number) => ({
    op: "access",
    offset: 0,
    kind: "read",
    ...(cpu === undefined ? {} : { cpu }),
  });

  it("names a CPU used twice, the default included", () => {
    expect(errors([read(), read()])).toEqual([
      "steps[0].steps[1].cpu: CPU 0 (the default) already runs steps[0].steps[0]: each step of a race runs on its own CPU",
    ]);
    expect(errors([read(2), read(2)])[0]).toMatch(/^steps\[0\]\.steps\[1\]\.cpu: CPU 2 already runs/);
  });

  it("refuses ops whose kernel paths do not yield, too few steps, bad order entries, a CPU that does not exist", () => {
    expect(errors([read(), { op: "mmap", offset: 0, length: 4096, prot: "PROT_READ", cpu: 1 }])).toEqual([
      "steps[0].steps[1].op: a race interleaves only access, ioctl, EENTER, ERESUME steps (their kernel paths yield at lock boundaries), not mmap",
    ]);
    expect(errors([read()])[0]).toMatch(/^steps\[0\]\.steps: expected an array of 2 to 8 steps/);
    expect(errors([read(), read(1)], { order: [0, 2, "x"] })).toEqual([
      "steps[0].order[1]: expected the index of one of the race's steps (0 to 1), got 2",
      'steps[0].order[2]: expected the index of one of the race\'s steps (0 to 1), got "x"',
    ]);
    expect(errors([read(), read(9)])[0]).toMatch(/^steps\[0\]\.steps\[1\]\.cpu: CPU 9 does not exist/);
    expect(errors([read(), read(1)], { cpu: 1 })[0]).toMatch(/^steps\[0\]\.cpu: unknown field/);
    expect(errors([read(), read(1)], { order: [1, 0] })).toEqual([]);
  });
});

describe("race: two faults on one unbacked page", () => {
  it("without order the steps run one after the other: no race, both read the page", () => {
    const st = raceStep(withOrder(undefined));
    expect(st.race?.map((p) => [p.value, p.signal])).toEqual([
      ["0xffffffffffffffff", undefined],
      ["0xffffffffffffffff", undefined],
    ]);
    // Only the first fault takes the EAUG path; the second finds the PTE in place.
    expect(st.schedule).toEqual([
      { step: 0, boundary: EAUG_LOCK },
      { step: 0, boundary: EAUG_UNLOCK },
    ]);
  });

  it("order [0, 1, 0, 1] on v6.0 and v6.6: the loser gets SIGBUS, the winner's page stays", () => {
    for (const kernel of ["v6.0", "v6.6"]) {
      const st = raceStep(withOrder([0, 1, 0, 1], kernel));
      expect(st.race?.[0].value).toBe("0xffffffffffffffff");
      expect(st.race?.[1].signal).toBe("SIGBUS");
      expect(st.schedule?.map((b) => b.step)).toEqual([0, 1, 0, 1]);
      expect(st.race?.[1].events.some((e) => /xa_insert\(\) fails with -EBUSY/.test(e.text))).toBe(true);
      expect(st.epcm.filter((e) => e.valid).map((e) => e.offset)).toEqual(["0xc000"]);
    }
  });

  it("order [1, 0, 1, 0] makes CPU 1 the winner", () => {
    const st = raceStep(withOrder([1, 0, 1, 0]));
    expect(st.race?.[1].value).toBe("0xffffffffffffffff");
    expect(st.race?.[0].signal).toBe("SIGBUS");
  });

  it("v6.6+edmm-races: the loser returns VM_FAULT_NOPAGE and reads the winner's page", () => {
    const st = raceStep(withOrder([0, 1, 0, 1], "v6.6+edmm-races"));
    expect(st.race?.map((p) => p.value)).toEqual(["0xffffffffffffffff", "0xffffffffffffffff"]);
    expect(st.race?.some((p) => p.signal)).toBe(false);
    expect(st.events.some((e) => e.leaf === "EREMOVE")).toBe(false);
  });

  it("an index of a finished step is skipped; events name their CPU; the text log lists the schedule", () => {
    const st = raceStep(withOrder([0, 0, 0, 0, 0, 1]));
    expect(st.race?.map((p) => p.signal)).toEqual([undefined, undefined]);
    expect(new Set(st.events.map((e) => e.cpu))).toEqual(new Set([0, 1]));
    const { trace } = run(withOrder([0, 1, 0, 1]));
    const text = formatTraceText(trace);
    expect(text).toContain("race of 2 steps, order [0, 1, 0, 1]");
    expect(text).toContain("race[1] CPU 1: access offset=0xc000 kind=read => ret 0; SIGBUS");
    expect(text).toMatch(/schedule 2: race\[1\] at encl\.c: sgx_encl_eaug_page\(\)/);
  });

  it("a listed step's unmet expectation is reported on it and on the race step", () => {
    const s = withOrder([0, 1, 0, 1]);
    const race = s.steps.find((st) => st.op === "race") as { steps: Array<Record<string, unknown>> };
    race.steps[1].expect = { value: "0xffffffffffffffff" };
    const { trace, unmet } = run(s);
    const st = trace.steps.find((x) => x.race);
    expect(st?.race?.[1].unmet?.length).toBe(1);
    expect(unmet).toHaveLength(1);
    expect(unmet[0]).toMatch(/^steps\[11\] \(race\): race\[1\]: /);
  });
});

describe("--explore", () => {
  const parsed = (id: string) => {
    const p = parseScenario(flow(id));
    if (!p.ok) throw new Error(p.errors.join("\n"));
    return p.scenario;
  };

  it("finds every interleaving of the two faults and groups them: three outcomes on v6.0, one when fixed", () => {
    const [r] = exploreScenario(parsed("eaug-fault-race"));
    expect(r).toMatchObject({ step: 11, participants: 2, interleavings: 16, runs: 51, cut: false });
    expect(r.outcomes.map((o) => o.count)).toEqual([4, 6, 6]);
    expect(r.outcomes[1].outcome).toMatch(/race\[0\] value 0xffffffffffffffff; race\[1\] SIGBUS/);
    expect(r.outcomes[2].outcome).toMatch(/race\[0\] SIGBUS; race\[1\] value/);
    // Each printed order reproduces its outcome.
    for (const o of r.outcomes) {
      const st = raceStep(withOrder(o.order));
      const got = (st.race ?? []).map((p) => `race[${p.index}] ${p.signal ?? `value ${p.value}`}`).join("; ");
      expect(o.outcome.startsWith(`${got};`), `${o.order} → ${got}`).toBe(true);
    }
    const [fixed] = exploreScenario(parsed("eaug-fault-race-fixed"));
    expect(fixed.outcomes).toHaveLength(1);
    expect(fixed.outcomes[0].outcome).not.toMatch(/SIGBUS/);
  });

  it("says when the bound cut the search, and when there is no race", () => {
    const [r] = exploreScenario(parsed("eaug-fault-race"), 10);
    expect(r.cut).toBe(true);
    expect(r.runs).toBe(10);
    expect(formatExplore([r])).toContain("CUT: the bound stopped the search");
    expect(formatExplore(exploreScenario(parsed("augment")))).toBe(
      "The scenario has no race step: nothing to explore.\n",
    );
  });
});

describe("the lock boundaries in the contract document", () => {
  it("names every boundary the kernel model yields at, exactly as the trace writes it", () => {
    const doc = readFileSync(new URL("../../docs/scenario-format.md", import.meta.url), "utf8");
    for (const name of LOCK_BOUNDARIES) expect(doc, name).toContain(`| \`${name}\` |`);
    // ... and no other: every boundary row of the table is one the model yields at.
    const rows = [...doc.matchAll(/^\| `((?:encl|ioctl)\.c: [^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual([...LOCK_BOUNDARIES]);
  });
});

/** A built-in flow's race step with its order (and kernel, mutations) replaced, expectations dropped. */
function removeRace(
  order: number[] | undefined,
  kernel: string,
  id = "remove-fault-race",
  mutate?: string[],
) {
  const s = structuredClone(flow(id));
  s.machine = { ...s.machine, kernel, ...(mutate ? { mutate } : {}) };
  const at = s.steps.findIndex((st) => st.op === "race");
  const race = s.steps[at];
  if (order === undefined) delete race.order;
  else race.order = order;
  for (const p of race.steps as Array<Record<string, unknown>>) delete p.expect;
  s.steps = s.steps.slice(0, at + 1);
  return s;
}

describe("race: REMOVE_PAGES and a fault on the page being removed", () => {
  const WINDOW = [0, 0, 0, 1, 1];

  it("v6.0 to v6.6: a fault between the zap and the relock leaves a PTE to the freed page, and the trace says so", () => {
    for (const kernel of ["v6.0", "v6.1", "v6.6"]) {
      const st = raceStep(removeRace(WINDOW, kernel));
      expect(st.schedule?.map((b) => [b.step, b.boundary])).toEqual([
        [0, REMOVE_LOCK],
        [0, REMOVE_ZAP_UNLOCK],
        [0, REMOVE_ZAP_RELOCK],
        [1, FAULT_LOCK],
        [1, FAULT_UNLOCK],
        [0, REMOVE_UNLOCK],
      ]);
      expect(st.race?.map((p) => [p.ret, p.value ?? p.errno])).toEqual([
        [0, undefined],
        [0, "0xffffffffffffffff"],
      ]);
      expect(st.bugs, kernel).toHaveLength(1);
      expect(st.bugs?.[0]).toMatch(
        /^BUG: the PTE of e0\+0x5000 still maps EPC page \d+, but the enclave has no page there any more/,
      );
      expect(st.events.some((e) => e.kind === "kernel" && e.text.startsWith("BUG:"))).toBe(true);
    }
  });

  it("afterwards the enclave cannot use the address (the flow's EACCEPT faults with the SGX bit); fixed, it accepts a fresh page", () => {
    const bad = run(flow("remove-fault-race")).trace;
    expect(bad.steps.at(-1)?.run?.exception_error_code).toBe("0x8005");
    expect(bad.steps.flatMap((s) => s.unmet ?? [])).toEqual([]);
    const good = run(flow("remove-fault-race-fixed")).trace;
    expect(good.steps.at(-1)?.call?.ret).toBe(0);
    expect(good.steps.flatMap((s) => s.unmet ?? [])).toEqual([]);
    expect(good.steps.some((s) => s.bugs)).toBe(false);
  });

  it("v6.6+edmm-races: the page is busy, the fault backs off once, the removal finishes, then the fault EAUGs", () => {
    const st = raceStep(removeRace(WINDOW, "v6.6+edmm-races"));
    const bs = st.schedule?.map((b) => b.boundary) ?? [];
    expect(bs.filter((b) => b === FAULT_UNLOCK_BUSY)).toHaveLength(1);
    // The spinning fault lets REMOVE_PAGES finish before it faults again (no 64 retries, no SIGBUS).
    expect(bs.indexOf(REMOVE_UNLOCK)).toBe(bs.indexOf(FAULT_UNLOCK_BUSY) + 1);
    expect(st.race?.[1].value).toBe("0xffffffffffffffff");
    expect(st.bugs).toBeUndefined();
    expect(st.epcm.some((e) => e.valid && e.offset === "0x5000" && e.pending)).toBe(true);
  });

  it("in every version, a fault whose xa_load() saw the page before it was erased gets SIGBUS (no bug)", () => {
    for (const kernel of ["v6.6", "v6.6+edmm-races"]) {
      const st = raceStep(removeRace([0, 0, 0, 1, 0, 0, 1, 1], kernel));
      expect(st.race?.[1].signal, kernel).toBe("SIGBUS");
      expect(st.bugs).toBeUndefined();
    }
  });

  it("--explore reports each outcome's parts and what a reviewer looks for in it", () => {
    const p = parseScenario(removeRace(undefined, "v6.6"));
    if (!p.ok) throw new Error(p.errors.join("\n"));
    const [r] = exploreScenario(p.scenario);
    for (const o of r.outcomes) expect(o.parts.join("; ")).toBe(o.outcome);
    expect(r.outcomes.map((o) => o.facts)).toEqual([
      { bug: false, signals: [], exception: false },
      { bug: false, signals: ["SIGBUS"], exception: false },
      { bug: true, signals: [], exception: false },
      { bug: false, signals: [], exception: false },
    ]);
    const e = parseScenario(flow("eaccept-fault-race"));
    if (!e.ok) throw new Error(e.errors.join("\n"));
    const [entries] = exploreScenario(e.scenario);
    expect(entries.outcomes.some((o) => o.facts.exception)).toBe(true);
  });

  it("--explore: some interleaving shows the bug on v6.0 and v6.6, none on v6.6+edmm-races", () => {
    for (const kernel of ["v6.0", "v6.6", "v6.6+edmm-races"]) {
      const p = parseScenario(removeRace(undefined, kernel));
      if (!p.ok) throw new Error(p.errors.join("\n"));
      const [r] = exploreScenario(p.scenario);
      expect(r.cut).toBe(false);
      const buggy = r.outcomes.filter((o) => o.outcome.includes("BUG:"));
      if (kernel === "v6.6+edmm-races") expect(buggy).toEqual([]);
      else {
        expect(buggy).toHaveLength(1);
        // The order it prints reproduces the bug.
        expect(raceStep(removeRace(buggy[0].order, kernel)).bugs).toHaveLength(1);
      }
    }
  });
});

describe("race: two ioctls on one enclave", () => {
  it("the second gets EBUSY from the SGX_ENCL_IOCTL bit while the first is between boundaries", () => {
    const st = raceStep(removeRace([0, 0, 1], "v6.0", "remove-pages-ioctl-busy"));
    expect(st.race?.map((p) => [p.ret, p.errno])).toEqual([
      [0, undefined],
      [-1, "EBUSY"],
    ]);
    expect(st.race?.[1].events.map((e) => e.text)).toContain(
      "Another ioctl on this enclave is still running: test_and_set_bit(SGX_ENCL_IOCTL) finds the bit set, -EBUSY.",
    );
    // One after the other there is no overlap: the second finds the page gone (EFAULT).
    const seq = raceStep(removeRace(undefined, "v6.0", "remove-pages-ioctl-busy"));
    expect(seq.race?.map((p) => p.errno)).toEqual([undefined, "EFAULT"]);
  });

  it("no-ioctl-busy: both go ahead; the first relocks onto the entry the second freed: a use-after-free oops", () => {
    const { trace } = run(
      removeRace([0, 0, 1, 1, 1, 1, 1], "v6.0", "remove-pages-ioctl-busy", ["no-ioctl-busy"]),
    );
    const st = trace.steps.at(-1);
    expect(st?.oops).toEqual({
      function: "sgx_encl_remove_pages",
      text: "BUG: KASAN: use-after-free in sgx_encl_remove_pages",
    });
    expect(trace.stopped?.reason).toBe("oops");
    expect(st?.race?.[1].ret).toBe(0);
  });

  it("no-ioctl-busy with the series: the second REMOVE_PAGES finds the page busy (EAGAIN)", () => {
    const st = raceStep(
      removeRace([0, 0, 1, 1], "v6.6+edmm-races", "remove-pages-ioctl-busy", ["no-ioctl-busy"]),
    );
    expect(st.race?.map((p) => [p.ret, p.errno])).toEqual([
      [0, undefined],
      [-1, "EAGAIN"],
    ]);
  });
});

describe("race: enclave threads", () => {
  it("two EACCEPTs of one unbacked page: on v6.0 the loser's VM_FAULT_SIGBUS comes back through the vDSO; fixed, it retries", () => {
    const bad = raceStep(flow("eaccept-fault-race"));
    expect(bad.schedule?.map((b) => b.step)).toEqual([0, 1, 0, 1]);
    expect(bad.race?.map((p) => p.run?.function)).toEqual(["EEXIT", "ERESUME"]);
    expect(bad.race?.[1].run?.exception_vector).toBe(14);
    expect(bad.unmet).toBeUndefined();
    const good = raceStep(flow("eaccept-fault-race-fixed"));
    expect(good.race?.map((p) => [p.run?.function, p.call?.ret_name])).toEqual([
      ["EEXIT", "SGX_SUCCESS"],
      ["EEXIT", "SGX_PAGE_ATTRIBUTES_MISMATCH"],
    ]);
    expect(good.unmet).toBeUndefined();
  });

  it("--explore: the exception report shows up on v6.0 and never with the series", () => {
    for (const [id, bug] of [
      ["eaccept-fault-race", true],
      ["eaccept-fault-race-fixed", false],
    ] as const) {
      const p = parseScenario(flow(id));
      if (!p.ok) throw new Error(p.errors.join("\n"));
      const [r] = exploreScenario(p.scenario);
      expect(r.cut).toBe(false);
      expect(
        r.outcomes.some((o) => o.outcome.includes("ERESUME exception #PF")),
        id,
      ).toBe(bug);
    }
  });

  it("refuses pages, stay and a TCS entered twice in one race", () => {
    const enter = (tcs: number, cpu: number, extra: Record<string, unknown> = {}) => ({
      op: "EENTER",
      tcs,
      call: "nop",
      cpu,
      ...extra,
    });
    const errs = (steps: unknown[]) => {
      const r = parseScenario({ format: "epcm-scenario/1", steps: [{ op: "race", steps }] });
      return r.ok ? [] : r.errors;
    };
    expect(errs([enter(0, 0), enter(0, 1)])).toEqual([
      "steps[0].steps[1].tcs: TCS 0x0 of e0 is already entered by steps[0].steps[0]: each enclave entry of a race uses its own TCS",
    ]);
    expect(errs([enter(0, 0, { pages: 2 }), enter(4096, 1, { stay: true })])).toEqual([
      "steps[0].steps[0].pages: an enclave entry in a race runs once: pages is not allowed here",
      "steps[0].steps[1].stay: an enclave entry in a race leaves the enclave: stay is not allowed here",
    ]);
    expect(errs([enter(0, 0), { op: "ERESUME", tcs: 4096, cpu: 1 }])).toEqual([]);
  });
});
