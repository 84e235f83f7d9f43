// The tours against the real flows: every stop's step still has the op the stop explains, and
// every glossary term a tour mentions is linked on its first use there and exists.
import { describe, expect, it } from "vitest";
import { findFlow, simulate } from "../../engine/index.ts";
import { GLOSSARY, glossaryEntry } from "./glossary.ts";
import { opSignature, segments, TOURS } from "./tours.ts";

describe("tours", () => {
  for (const tour of TOURS)
    it(`${tour.id}: every stop sits on the op it explains, in order`, () => {
      const flow = findFlow(tour.flow);
      expect(flow, tour.flow).toBeDefined();
      const r = simulate(flow?.scenario);
      if (!r.ok) throw new Error(r.errors.join("\n"));
      let last = 0;
      for (const stop of tour.stops) {
        expect(stop.step).toBeGreaterThan(last);
        last = stop.step;
        const step = r.trace.steps[stop.step - 1];
        expect(step, `${tour.id} stop at step ${stop.step}`).toBeDefined();
        expect(opSignature(step.op), `${tour.id} stop at step ${stop.step}`).toBe(stop.expect);
      }
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
