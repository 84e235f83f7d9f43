// The session's views: any step, in any order, equals a fresh run stopped at that step; views
// inside a step walk the events' EPCM deltas and end at the step's own state.

import { describe, expect, it, vi } from "vitest";
import { augmentViaEacceptLong } from "../flows/augment-via-eaccept-long.ts";
import { findFlow, flows } from "../flows/index.ts";
import { parseScenario } from "../scenario/parse.ts";
import { Simulation } from "../scenario/run.ts";
import { Session } from "./session.ts";

function scenarioOf(id: string) {
  const r = parseScenario(findFlow(id)?.scenario);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.scenario;
}

function epcmAfter(id: string, k: number): Uint8Array {
  const sim = new Simulation(scenarioOf(id), { materialize: false });
  for (let i = 0; i < k; i++) sim.step();
  return sim.kernel.cpu.epc.flags.slice();
}

describe("Session", () => {
  it("views any step, backwards and forwards, exactly as a fresh run to that step", () => {
    const session = new Session(scenarioOf("tcs-create"));
    const n = session.info.steps.length;
    const order = [n, 0, Math.floor(n / 2), 3, n - 1, 1, n];
    for (const k of order) {
      const v = session.view(k);
      expect(v.step).toBe(k);
      expect([...v.epc.flags]).toEqual([...epcmAfter("tcs-create", k)]);
    }
  });

  it("back at step 0 and on to the end again: the end of the run is resumed, not re-run", () => {
    const session = new Session(scenarioOf("tcs-create"));
    const n = session.info.steps.length;
    const atEnd = [...epcmAfter("tcs-create", n)];
    const atTwo = [...epcmAfter("tcs-create", 2)];
    session.view(0);
    const steps = vi.spyOn(Simulation.prototype, "step");
    try {
      expect([...session.view(n).epc.flags]).toEqual(atEnd);
      expect(steps).not.toHaveBeenCalled();
      // Further back and forward: exact, and the parked end is not lost.
      expect([...session.view(2).epc.flags]).toEqual(atTwo);
      steps.mockClear();
      expect([...session.view(n).epc.flags]).toEqual(atEnd);
      expect(steps).not.toHaveBeenCalled();
    } finally {
      steps.mockRestore();
    }
  });

  it("a view seen again comes from the recent-views cache as an independent copy", () => {
    const session = new Session(scenarioOf("augment"));
    const k = session.info.steps.length - 2;
    const first = session.view(k);
    const expected = [...first.epc.flags];
    // The worker transfers (detaches) what it returns; here a caller scribbles on it instead.
    first.epc.flags.fill(0xff);
    first.enclaves[0].type.fill(0xff);
    session.view(k + 1); // the live run moves on
    const again = session.view(k);
    expect([...again.epc.flags]).toEqual(expected);
    expect([...again.epc.flags]).toEqual([...epcmAfter("augment", k)]);
    expect(again.enclaves[0].type.includes(0xff)).toBe(false);
    expect(again.epc.flags).not.toBe(first.epc.flags);
  });

  it("keeps a view that was slow to build even when it is too large for the recent views", () => {
    // On a 2^21-page EPC a view's EPC columns alone are 24 MB, over the recent views' share.
    const raw = { ...(findFlow("augment")?.scenario as object), machine: { epcPages: 2 ** 21 } };
    const parsed = parseScenario(raw);
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const session = new Session(parsed.scenario);
    const k = session.info.steps.length - 2;
    // Every build looks slow (as re-running a step of a million EAUGs is).
    let clock = 0;
    session.now = () => (clock += 1000);
    const first = session.view(k);
    expect(first.epc.flags.byteLength).toBe(2 ** 21);
    const expected = [...first.epc.flags.subarray(0, 4096)];
    session.view(k - 1); // the live run moves back: view(k) again would re-run a step
    const steps = vi.spyOn(Simulation.prototype, "step");
    try {
      const again = session.view(k);
      expect(steps).not.toHaveBeenCalled();
      expect([...again.epc.flags.subarray(0, 4096)]).toEqual(expected);
      // (not .not.toBe(): on 2^21-entry arrays its message is seconds of formatting)
      expect(again.epc.flags === first.epc.flags).toBe(false);
      // Only the last two slow views are kept: after k + 1, k - 1 is built again.
      session.view(k + 1);
      steps.mockClear();
      session.view(k - 1);
      expect(steps).toHaveBeenCalled();
    } finally {
      steps.mockRestore();
    }
  });

  it("says how far a replay is: steps towards the target, and the entries of a long step", () => {
    // 4,096 entries: progress comes every 1,024 of them.
    const parsed = parseScenario(augmentViaEacceptLong(4096));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const session = new Session(parsed.scenario);
    const n = session.info.steps.length;
    const long = session.info.steps.findIndex((st) => st.repeated !== undefined) + 1;
    // Only the checkpoint at step 0 (one after a step that ran slowly would skip the replay).
    const checkpoints = (session as unknown as { checkpoints: Map<number, unknown> }).checkpoints;
    for (const k of [...checkpoints.keys()]) if (k > 0) checkpoints.delete(k);
    session.view(0); // the end of the run is parked; reaching `long` re-runs from step 0
    const seen: Array<{ stepsDone: number; target: number; entries?: [number, number] }> = [];
    session.onReplay = (p) => seen.push(p);
    session.view(long);
    session.onReplay = null;
    const steps = seen.filter((p) => !p.entries).map((p) => p.stepsDone);
    expect(steps).toEqual(Array.from({ length: long }, (_, i) => i + 1));
    expect(seen.every((p) => p.target === long)).toBe(true);
    // The long step's entries, in batches, while steps done is still the step before it.
    const entries = seen.filter((p) => p.entries);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((p) => p.stepsDone === long - 1 && p.entries?.[1] === 4096)).toBe(true);
    expect(entries.map((p) => p.entries?.[0])).toEqual([1024, 2048, 3072, 4096]);
    expect(long).toBeLessThan(n);
  });

  it("keeps a checkpoint after a long step on a large EPC: its cost follows the pages reached, not the EPC's size", () => {
    // 2^17 EAUGs on a 2^23-page (32 GiB) EPC: the copy holds ~20 MB; counted by the EPC's size it
    // looked like 335 MB, over the budget, and stepping back over the step ran it again.
    const parsed = parseScenario(augmentViaEacceptLong(2 ** 17, 2 ** 23));
    if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
    const session = new Session(parsed.scenario);
    const long = session.info.steps.findIndex((st) => st.repeated !== undefined) + 1;
    const checkpoints = (session as unknown as { checkpoints: Map<number, unknown> }).checkpoints;
    expect(checkpoints.has(long)).toBe(true);
  });

  it("builds the next step's view ahead (warm), and Step forward then runs nothing", () => {
    const session = new Session(scenarioOf("tcs-create"));
    const n = session.info.steps.length;
    session.view(0);
    session.view(5);
    // Only the step right after the live run, once.
    expect(session.warm(9)).toBe(false);
    expect(session.warm(6)).toBe(true);
    expect(session.warm(6)).toBe(false);
    expect(session.warm(n + 1)).toBe(false);
    const steps = vi.spyOn(Simulation.prototype, "step");
    try {
      const v = session.view(6);
      expect(steps).not.toHaveBeenCalled();
      expect(v.step).toBe(6);
      expect([...v.epc.flags]).toEqual([...epcmAfter("tcs-create", 6)]);
      expect([...v.changed]).toEqual([...new Session(scenarioOf("tcs-create")).view(6).changed]);
    } finally {
      steps.mockRestore();
    }
  });

  it("reports the pages a step changed, and the enclave's kernel records", () => {
    const session = new Session(scenarioOf("augment"));
    const fault = session.info.steps.findIndex((s) => s.run?.exception_error_code === "0x8007");
    const v = session.view(fault + 1);
    expect(v.changed.length).toBe(1);
    const epc = v.changed[0];
    expect(v.epc.flags[epc] & 0x8).toBe(0x8); // PENDING
    const e0 = v.enclaves[0];
    const row = [...e0.offset].indexOf(0xc000);
    expect(e0.epc[row]).toBe(epc);
    expect(e0.vmMaxProt[row]).toBe(7);
    expect(e0.pte[row]).toBe(3);
  });

  it("lists an enclave's pages by offset in a view, though the kernel added them out of order", () => {
    const raw = augmentViaEacceptLong(4, 64) as { steps: Array<Record<string, unknown>> };
    const big = raw.steps.findIndex((st) => st.pages === 4);
    const accept = (addr: string) => ({ ...raw.steps[big], addr, pages: undefined, expect: undefined });
    // A 16 MiB ELRANGE, 8 MiB of it mapped past the heap; then page 1024 (a later chunk of
    // records) is added before page 600 (an earlier one).
    (raw.steps[0].arg as Record<string, unknown>).size = "0x1000000";
    raw.steps[big - 1].length = "0x800000";
    raw.steps.splice(big + 1, 0, accept("0x400000"), accept("0x258000"));
    const r = parseScenario(raw);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const session = new Session(r.scenario);
    const v = session.view(big + 3);
    const offsets = [...v.enclaves[0].offset];
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(offsets).toContain(0x400000);
    expect(offsets).toContain(0x258000);
    const row = offsets.indexOf(0x258000);
    expect(v.epc.offset[v.enclaves[0].epc[row]]).toBe(0x258000);
  });

  it("inside a step, the EPCM changes event by event and the last event shows the step's result", () => {
    const session = new Session(scenarioOf("augment"));
    const k = session.info.steps.findIndex((s) => s.run?.exception_error_code === "0x8007") + 1;
    const events = session.info.steps[k - 1].events;
    const eaug = events.findIndex((e) => e.leaf === "EAUG");
    const before = session.view(k, eaug - 1);
    const after = session.view(k, eaug);
    const epc = session.view(k).changed[0];
    expect(before.epc.flags[epc]).toBe(0);
    expect(after.epc.flags[epc] & 0x88).toBe(0x88); // VALID | PENDING
    expect([...after.changed]).toEqual([epc]);
    expect([...session.view(k, events.length - 1).epc.flags]).toEqual([...session.view(k).epc.flags]);
  });

  it("details a page: EPCM entry, kernel record, PTE, words and TCS fields", () => {
    const session = new Session(scenarioOf("augment"));
    const end = session.info.steps.length;
    const d = session.pageDetail(end, "e0", 0xc000);
    expect(d.epcm?.type).toBe("REG");
    expect(d.kernel?.vmMaxProt).toBe(7);
    expect(d.words).toContainEqual([0, "0x1122334455667788"]);
    const tcs = session.pageDetail(end, "e0", 0);
    expect(tcs.tcs).toMatchObject({ nssa: 1, ossa: "0x7000" });
    expect(session.epcDetail(end, 1).secs?.initialized).toBe(true);
  });

  it("loads every built-in flow", () => {
    for (const f of flows) {
      const r = parseScenario(f.scenario);
      if (!r.ok) throw new Error(f.id);
      const s = new Session(r.scenario);
      expect(s.info.unmet).toEqual([]);
      expect(s.view(s.info.steps.length).step).toBe(s.info.steps.length);
    }
  });
});
