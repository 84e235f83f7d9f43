import { describe, expect, it } from "vitest";
import { type EnclPage, EnclPages } from "./encl-pages.ts";

const rec = (index: number, epc: number, over: Partial<EnclPage> = {}): EnclPage => ({
  index,
  type: 2,
  vmMaxProt: 7,
  epc,
  vaPage: -1,
  vaSlot: 0,
  ...over,
});
const plain = (p: EnclPage | undefined) =>
  p && {
    index: p.index,
    type: p.type,
    vmMaxProt: p.vmMaxProt,
    epc: p.epc,
    vaPage: p.vaPage,
    vaSlot: p.vaSlot,
  };

describe("EnclPages", () => {
  it("holds records like a Map, in insertion order, across chunks", () => {
    const m = new EnclPages();
    const high = 2 ** 35 - 1; // the last page of a 2^47-byte ELRANGE
    m.set(600, rec(600, 5))
      .set(3, rec(3, 1, { type: 1, vmMaxProt: 3 }))
      .set(high, rec(high, 9));
    expect(m.size).toBe(3);
    expect(plain(m.get(3))).toEqual(rec(3, 1, { type: 1, vmMaxProt: 3 }));
    expect(m.get(4)).toBeUndefined();
    expect(m.has(high)).toBe(true);
    expect([...m.keys()]).toEqual([600, 3, high]);
    // Overwriting keeps the place; delete and add again moves to the end.
    m.set(600, rec(600, 6));
    expect([...m.keys()]).toEqual([600, 3, high]);
    expect(m.delete(600)).toBe(true);
    expect(m.delete(600)).toBe(false);
    m.set(600, rec(600, 7));
    expect([...m.entries()].map(([k, p]) => [k, p.epc])).toEqual([
      [3, 1],
      [high, 9],
      [600, 7],
    ]);
    const seen: number[] = [];
    m.forEach((p, k) => {
      seen.push(k, p.epc);
    });
    expect(seen).toEqual([3, 1, high, 9, 600, 7]);
    m.clear();
    expect(m.size).toBe(0);
    expect([...m.values()]).toEqual([]);
  });

  it("writes through the records it hands out, every field at its full range", () => {
    const m = new EnclPages();
    m.set(10, rec(10, 100));
    const p = m.get(10) as EnclPage;
    p.epc = -1;
    p.vaPage = 2 ** 27 - 1;
    p.vaSlot = 511;
    p.type = 4;
    p.vmMaxProt = 5;
    expect(plain(m.get(10))).toEqual({
      index: 10,
      type: 4,
      vmMaxProt: 5,
      epc: -1,
      vaPage: 2 ** 27 - 1,
      vaSlot: 511,
    });
  });

  it("gives index-ordered runs of resident pages and copies deeply", () => {
    const m = new EnclPages();
    for (let i = 0; i < 1030; i++) m.set(i, rec(i, 50 + i));
    m.set(2000, rec(2000, -1, { vaPage: 3, vaSlot: 7 }));
    m.set(2001, rec(2001, -1, { vaPage: 3, vaSlot: 8 }));
    (m.get(700) as EnclPage).vmMaxProt = 3;
    const runs = [...m.runs(true)].map((r) => [r.index, r.epc, r.count]);
    expect(runs).toEqual([
      [0, 50, 700],
      [700, 750, 1],
      [701, 751, 329],
      [2000, -1, 1],
      [2001, -1, 1],
    ]);
    expect([...m.runs(false)]).toHaveLength(1032);
    const c = m.clone();
    (c.get(5) as EnclPage).epc = 1;
    expect(m.get(5)?.epc).toBe(55);
    expect(c.size).toBe(1032);
  });

  it("visits every record in index order with its fields, whatever order they were added in", () => {
    const m = new EnclPages();
    const high = 2 ** 35 - 1;
    m.set(high, rec(high, 9))
      .set(600, rec(600, -1, { vaPage: 4, vaSlot: 511, type: 1, vmMaxProt: 3 }))
      .set(3, rec(3, 1))
      .set(601, rec(601, 2));
    m.delete(601);
    const seen: number[][] = [];
    m.forEachInIndexOrder((index, epc, vaPage, vaSlot, type, vmMaxProt) => {
      seen.push([index, epc, vaPage, vaSlot, type, vmMaxProt]);
    });
    expect(seen).toEqual([
      [3, 1, -1, 0, 2, 7],
      [600, -1, 4, 511, 1, 3],
      [high, 9, -1, 0, 2, 7],
    ]);
    // The same records as the Map-like view, sorted by index.
    const viaMap = [...m.values()]
      .map((p) => [p.index, p.epc, p.vaPage, p.vaSlot, p.type, p.vmMaxProt])
      .sort((a, b) => a[0] - b[0]);
    expect(seen).toEqual(viaMap);
  });
});
