// Session.changes(): the EPCM entries a step (or an event, or a step up to an event) changed,
// before and after, checked against the session's own views (which equal fresh runs, see
// session.test.ts) and against the trace's JSON event lists.

import { describe, expect, it } from "vitest";
import { augmentViaEacceptLong } from "../flows/augment-via-eaccept-long.ts";
import { findFlow, flows } from "../flows/index.ts";
import { TOTAL_SIZE } from "../flows/standard-build.ts";
import { parseScenario } from "../scenario/parse.ts";
import type { EpcmEntryJson } from "../scenario/trace-types.ts";
import { E_PR, E_R, E_VALID, E_W, epcmFlagsOf, hex, pageTypeValue } from "../vocabulary/index.ts";
import type { EpcmChanges } from "./changes.ts";
import { Session, type StateView } from "./session.ts";

function sessionOf(raw: unknown): Session {
  const r = parseScenario(raw);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return new Session(r.scenario);
}

const flowSession = (id: string) => sessionOf(findFlow(id)?.scenario);

/** Row i of a change's before/after as [flags, pt, encl, offset]. */
type Entry = [number, number, number, number];
const row = (c: EpcmChanges, side: "before" | "after", i: number): Entry => {
  const r = c[side];
  return [r.flags[i], r.pt[i], r.encl[i], r.offset[i]];
};
/** EPC page p in a view, in the same shape. */
const at = (v: StateView, p: number): Entry => [v.epc.flags[p], v.epc.pt[p], v.epc.encl[p], v.epc.offset[p]];

function expectMatches(c: EpcmChanges, before: StateView, after: StateView): void {
  expect(c.epc.length).toBe(c.total);
  for (let i = 0; i < c.epc.length; i++) {
    expect(row(c, "before", i), `before of EPC ${c.epc[i]}`).toEqual(at(before, c.epc[i]));
    expect(row(c, "after", i), `after of EPC ${c.epc[i]}`).toEqual(at(after, c.epc[i]));
  }
}

/** The 200-page case: EACCEPT-driven EAUG of 200 pages, then one RESTRICT_PERMISSIONS over all of them. */
function restrict200(): unknown {
  const s = augmentViaEacceptLong(200) as { steps: unknown[] };
  return {
    ...s,
    // Keep the build, the mmap and the 200 EACCEPTs; drop the write/read/munmap afterwards.
    steps: [
      ...s.steps.slice(0, -3),
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { offset: hex(TOTAL_SIZE), length: hex(200 * 4096), permissions: "R" },
      },
    ],
  };
}

describe("Session.changes", () => {
  it("a whole step: every page it changed, as the step found it and as it left it (every flow)", () => {
    for (const f of flows) {
      const session = flowSession(f.id);
      const steps = session.info.steps;
      for (let k = 1; k <= steps.length; k++) {
        const c = session.changes(k);
        const after = session.view(k);
        expect([...c.epc], `${f.id} step ${k}`).toEqual([...after.changed]);
        expectMatches(c, session.view(k - 1), after);
        // Up to the step's last event is the whole step.
        const last = steps[k - 1].events.length - 1;
        if (last >= 0) expect(session.changes(k, last)).toEqual({ ...c, event: last });
      }
    }
    // Every built-in flow, step by step: the time grows with the number of flows.
  }, 20_000);

  it("one event: the pages the trace lists for it, as the event found them and left them", () => {
    for (const id of [
      "augment",
      "epcm-permissions",
      "reclaim-reload",
      "tcs-create",
      "remove-untouched-page",
    ]) {
      const session = flowSession(id);
      const trace = session.trace();
      const names = session.info.enclaveNames;
      for (let k = 1; k <= trace.steps.length; k++) {
        const events = trace.steps[k - 1].events;
        events.forEach((e, j) => {
          const c = session.changes(k, j, "event");
          const listed: EpcmEntryJson[] = e.epcm ?? [];
          expect(e.epcm_more).toBeUndefined();
          expect([...c.epc], `${id} step ${k} event ${j}`).toEqual(listed.map((x) => x.epc));
          listed.forEach((x, i) => {
            expect(row(c, "after", i)).toEqual([
              epcmFlagsOf(x),
              x.type ? pageTypeValue(x.type) : 0,
              x.enclave ? names.indexOf(x.enclave) : -1,
              x.offset ? Number(x.offset) : -1,
            ]);
          });
          const before = j === 0 ? session.view(k - 1) : session.view(k, j - 1);
          expectMatches(c, before, session.view(k, j));
          // (At the last event the view is the complete step and flags the step's changes.)
          if (j < events.length - 1) expect([...c.epc]).toEqual([...session.view(k, j).changed]);
        });
      }
    }
  });

  it("a step up to an event in its middle: the pages its events so far changed, from the step's start", () => {
    const session = flowSession("augment");
    const k = session.info.steps.findIndex((s) => s.run?.exception_error_code === "0x8007") + 1;
    const events = session.info.steps[k - 1].events;
    const eaug = events.findIndex((e) => e.leaf === "EAUG");
    expect(eaug).toBeGreaterThan(0);
    expect(eaug).toBeLessThan(events.length - 1);
    expect(session.changes(k, eaug - 1).total).toBe(0);
    const c = session.changes(k, eaug);
    expect(c.total).toBe(1);
    expectMatches(c, session.view(k - 1), session.view(k, eaug));
    expect(row(c, "before", 0)[0]).toBe(0); // free before the step
    expect(row(c, "after", 0)[0] & 0x88).toBe(0x88); // VALID | PENDING
  });

  it("200 pages restricted by one ioctl: every page's earlier state, and all pages of an event that is not the last", () => {
    const session = sessionOf(restrict200());
    const k = session.info.steps.length;
    const c = session.changes(k);
    expect(c.total).toBe(200);
    expectMatches(c, session.view(k - 1), session.view(k));
    for (const i of [0, 199]) {
      expect(row(c, "before", i)[0]).toBe(E_VALID | E_R | E_W);
      expect(row(c, "after", i)[0]).toBe(E_VALID | E_R | E_PR);
      expect(row(c, "before", i)[1]).toBe(pageTypeValue("REG"));
    }
    expect(c.before.offset[0]).toBe(TOTAL_SIZE);
    expect(c.before.offset[199]).toBe(TOTAL_SIZE + 199 * 4096);

    // The trace lists at most 64 entries per event; the rest of the kernel's quiet loop is counted.
    const events = session.info.steps[k - 1].events;
    const quiet = events.findIndex((e) => /the same EMODPR/.test(e.text));
    expect(quiet).toBeGreaterThan(0);
    expect(quiet).toBeLessThan(events.length - 1);
    expect(session.trace().steps[k - 1].events[quiet].epcm_more).toBe(198 - 64);
    const e = session.changes(k, quiet, "event");
    expect(e.total).toBe(198);
    const inside = session.view(k, quiet);
    expect(inside.changed.length).toBe(198);
    expectMatches(e, session.view(k, quiet - 1), inside);
    expect(row(e, "after", 197)[0]).toBe(E_VALID | E_R | E_PR);
    // Up to that event: all 200 pages (two before it, 198 in it).
    const upTo = session.changes(k, quiet);
    expect(upTo.total).toBe(200);
    expectMatches(upTo, session.view(k - 1), inside);

    // A limit keeps the first rows and still counts them all.
    const first = session.changes(k, null, "step", 12);
    expect(first.total).toBe(200);
    expect([...first.epc]).toEqual([...c.epc.slice(0, 12)]);
    expect(row(first, "before", 11)).toEqual(row(c, "before", 11));
  });

  it("a step, or an event, that changes nothing answers no rows", () => {
    const session = flowSession("augment");
    const steps = session.info.steps;
    const mmap = steps.findIndex((s) => (s.op as { op: string }).op === "mmap") + 1;
    expect(mmap).toBeGreaterThan(0);
    for (const c of [session.changes(mmap), session.changes(mmap, 0, "event"), session.changes(0)]) {
      expect(c.total).toBe(0);
      expect(c.epc.length).toBe(0);
      expect(c.before.flags.length).toBe(0);
      expect(c.after.flags.length).toBe(0);
    }
    expect(session.changes(steps.length + 1).total).toBe(0);
    expect(session.changes(1, -1).total).toBe(0);
  });
});
