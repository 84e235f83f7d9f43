import { describe, expect, it } from "vitest";
import { parsePresentation, withPresentation } from "./presentation.ts";

describe("presentation mode in a link", () => {
  it("reads &present=1 and nothing else as presentation mode", () => {
    expect(parsePresentation("?flow=augment&present=1").presentation.present).toBe(true);
    expect(parsePresentation("?flow=augment&present=0").presentation.present).toBe(false);
    expect(parsePresentation("?flow=augment&step=12").presentation).toEqual({
      page: null,
      epc: null,
      pte: false,
      theme: null,
      present: false,
    });
  });

  it("writes present=1 only when on, and an old link's parameters stay as they were", () => {
    const base = "https://x.test/?flow=augment&step=12";
    const off = { page: null, epc: null, pte: false, theme: null } as const;
    expect(withPresentation(base, off)).toBe(base);
    expect(withPresentation(base, { ...off, present: false })).toBe(base);
    expect(withPresentation(base, { ...off, present: true })).toBe(`${base}&present=1`);
    expect(withPresentation(`${base}&present=1`, off)).toBe(base);
  });
});
