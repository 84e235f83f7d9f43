import { describe, expect, it } from "vitest";
import { flowSession } from "../fixtures.ts";
import { entryText, pageChanges } from "./changes.ts";

describe("EPCM changes in words", () => {
  const session = flowSession("augment");
  const { steps, enclaveNames } = session.info;

  it("lists the EAUGed page as free → REG RW- PENDING, then PENDING clearing on EACCEPT", () => {
    expect(pageChanges(session.changes(12), enclaveNames)).toEqual([
      { epc: 14, where: "e0+0xc000", before: "free", after: "REG RW- PENDING" },
    ]);
    expect(pageChanges(session.changes(13), enclaveNames)).toEqual([
      { epc: 14, where: "e0+0xc000", before: "REG RW- PENDING", after: "REG RW-" },
    ]);
  });

  it("shows the change of one event when stepped into", () => {
    const eaug = steps[11].events.findIndex((e) => e.leaf === "EAUG");
    expect(pageChanges(session.changes(12, eaug, "event"), enclaveNames)).toEqual([
      { epc: 14, where: "e0+0xc000", before: "free", after: "REG RW- PENDING" },
    ]);
    expect(pageChanges(session.changes(12, eaug - 1, "event"), enclaveNames)).toEqual([]);
  });

  it("names SECS and VA pages", () => {
    expect(
      pageChanges(session.changes(1), enclaveNames).map((c) => `${c.where}: ${c.before} → ${c.after}`),
    ).toEqual(["e0 VA page: free → VA", "e0 SECS: free → SECS"]);
  });

  it("names a page that became free by where it was", () => {
    const remove = flowSession("remove-untouched-page");
    const names = remove.info.enclaveNames;
    const freed = remove.info.steps.findIndex((s) => s.events.some((e) => e.leaf === "EREMOVE")) + 1;
    const rows = pageChanges(remove.changes(freed), names).filter((c) => c.after === "free");
    expect(rows.length).toBeGreaterThan(0);
    for (const c of rows) {
      expect(c.where).toMatch(/^e0\+0x[0-9a-f]+$/);
      expect(c.before).toMatch(/^TRIM/);
    }
  });

  it("spells entries", () => {
    const rows = (flags: number, pt: number) => ({
      flags: Uint8Array.of(flags),
      pt: Uint8Array.of(pt),
      encl: Int16Array.of(0),
      offset: Float64Array.of(0),
    });
    expect(entryText(rows(0, 0), 0)).toBe("free");
    expect(entryText(rows(0x80, 1), 0)).toBe("TCS");
    expect(entryText(rows(0x80 | 0x10, 4), 0)).toBe("TRIM --- MODIFIED");
    expect(entryText(rows(0x80 | 0x1 | 0x20, 2), 0)).toBe("REG R-- PR");
  });
});
