// The tours against the real flows: every stop's step still has the op the stop explains, and
// every glossary term a tour mentions is linked on its first use there and exists.
import { describe, expect, it } from "vitest";
import { findFlow, simulate } from "../../engine/index.ts";
import { flowSession } from "../views/fixtures.ts";
import { observe } from "./claims.ts";
import { GLOSSARY, glossaryEntry } from "./glossary.ts";
import { opSignature, segments, TOURS } from "./tours.ts";

/** The SGX leaves (SDM Vol. 3D): a tour that names one links its glossary entry. */
const LEAVES =
  "ECREATE EADD EEXTEND EINIT EREMOVE EAUG EMODPR EMODT ETRACK EBLOCK EPA EWB ELDU ELDB EENTER ERESUME EEXIT EACCEPT EACCEPTCOPY EMODPE".split(
    " ",
  );

describe("tours", () => {
  for (const tour of TOURS)
    it(`${tour.id}: every stop sits on the op it explains, in order`, () => {
      const flow = findFlow(tour.flow);
      expect(flow, tour.flow).toBeDefined();
      const r = simulate(flow?.scenario);
      if (!r.ok) throw new Error(r.errors.join("\n"));
      let last = -1;
      for (const stop of tour.stops) {
        expect(stop.step).toBeGreaterThan(last);
        last = stop.step;
        if (stop.step === 0) {
          expect(stop.expect, `${tour.id}: a stop before the first step has no op`).toBe("");
          continue;
        }
        const step = r.trace.steps[stop.step - 1];
        expect(step, `${tour.id} stop at step ${stop.step}`).toBeDefined();
        expect(opSignature(step.op), `${tour.id} stop at step ${stop.step}`).toBe(stop.expect);
      }
    });

  // Each stop's claims (pages as the EPCM table shows them, the grids' counts, the outcome) hold
  // in the engine's state at the stop: what a stop says agrees with the screen there.
  for (const tour of TOURS)
    it(`${tour.id}: every stop's claims hold at its step`, () => {
      const session = flowSession(tour.flow);
      for (const stop of tour.stops) {
        expect(Object.keys(stop.claims).length, `${tour.id} "${stop.title}" claims nothing`).toBeGreaterThan(
          0,
        );
        const seen = observe(stop.claims, session.view(stop.step, null), session.info.steps[stop.step - 1]);
        expect(seen, `${tour.id} "${stop.title}" (step ${stop.step})`).toEqual(stop.claims);
      }
    });

  it("the first tour starts from nothing and introduces few terms per stop", () => {
    const first = TOURS[0];
    expect(first.title).toBe("What is an enclave, and what is the EPC?");
    expect(first.stops[0].step).toBe(0);
    for (const stop of first.stops) {
      const terms = segments(stop.text).filter((s) => "term" in s).length;
      expect(terms, `"${stop.title}" links ${terms} terms`).toBeLessThanOrEqual(4);
    }
    // ECREATE is a link where it first appears, in the first tour and in the build stop.
    for (const tour of TOURS) {
      const text = tour.stops.map((s) => s.text).join(" ");
      if (text.includes("ECREATE")) expect(text, tour.id).toContain("[[ECREATE]]");
    }
  });

  it("every SGX leaf a tour names has a glossary entry", () => {
    for (const tour of TOURS)
      for (const stop of tour.stops)
        for (const leaf of LEAVES)
          if (new RegExp(`(^|[^A-Za-z_])${leaf}([^A-Za-z_]|$)`).test(stop.text))
            expect(glossaryEntry(leaf), `${tour.id}, "${stop.title}": ${leaf}`).toBeDefined();
  });

  it("every glossary entry names its source", () => {
    for (const g of GLOSSARY) expect(g.source, g.term).toMatch(/SDM|\.[chS]:|asm\/sgx\.h/);
  });

  it("tour ids are unique", () => {
    expect(new Set(TOURS.map((t) => t.id)).size).toBe(TOURS.length);
  });

  it("every glossary link names an entry", () => {
    for (const tour of TOURS)
      for (const stop of tour.stops)
        for (const s of segments(stop.text))
          if ("term" in s) expect(glossaryEntry(s.term), `${tour.id}: [[${s.term}]]`).toBeDefined();
  });

  it("each glossary term a tour uses is linked on its first use in that tour", () => {
    for (const tour of TOURS) {
      const seen = new Set<string>();
      for (const stop of tour.stops) {
        for (const s of segments(stop.text)) {
          if ("term" in s) {
            seen.add(s.term);
            continue;
          }
          for (const g of GLOSSARY) {
            if (seen.has(g.term)) continue;
            const used = new RegExp(`(^|[^A-Za-z_])${g.term}([^A-Za-z_]|$)`).test(s.text);
            expect(used, `${tour.id}, "${stop.title}": "${g.term}" used before it is linked`).toBe(false);
          }
        }
      }
    }
  });

  it("segments splits links and plain text", () => {
    expect(segments("a [[EPC]] and [[EPCM|the map]].")).toEqual([
      { text: "a " },
      { text: "EPC", term: "EPC" },
      { text: " and " },
      { text: "the map", term: "EPCM" },
      { text: "." },
    ]);
  });
});
