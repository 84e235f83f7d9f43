import { describe, expect, it } from "vitest";
import { PteTable } from "./pte-table.ts";

describe("PteTable", () => {
  it("holds PTEs like a map: set, get, has, delete, size, entries", () => {
    const t = new PteTable();
    const high = 0x7f0000000; // vpn of 0x7f0000000000, beyond small integers once shifted
    t.set(high, 8)
      .set(high + 511, 3)
      .set(high + 512, -2)
      .set(5, 0);
    expect(t.size).toBe(4);
    expect(t.get(high)).toBe(8);
    expect(t.get(high + 1)).toBeUndefined();
    expect(t.get(high + 512)).toBe(-2);
    expect(t.has(5)).toBe(true);
    t.set(high, 9);
    expect(t.size).toBe(4);
    expect([...t]).toEqual([
      [high, 9],
      [high + 511, 3],
      [high + 512, -2],
      [5, 0],
    ]);
    expect(t.delete(high + 1)).toBe(false);
    expect(t.delete(high + 512)).toBe(true);
    expect(t.delete(high + 512)).toBe(false);
    expect(t.get(high + 512)).toBeUndefined();
    expect([...t.keys()]).toEqual([high, high + 511, 5]);
    expect(t.size).toBe(3);
  });

  it("clones into an independent copy", () => {
    const t = new PteTable();
    for (let vpn = 1000; vpn < 3000; vpn++) t.set(vpn, vpn * 2);
    const c = t.clone();
    t.delete(1000);
    t.set(1001, 1);
    expect(c.size).toBe(2000);
    expect(c.get(1000)).toBe(2000);
    expect(c.get(1001)).toBe(2002);
    expect(t.size).toBe(1999);
    for (let vpn = 1000; vpn < 3000; vpn++) t.delete(vpn);
    expect(t.size).toBe(0);
    expect([...t]).toEqual([]);
    expect(c.size).toBe(2000);
  });
});
