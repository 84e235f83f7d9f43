// The sparse EPC (epc.ts): only reached 4096-entry chunks are initialized, so a 512 GiB EPC costs
// what its pages in use cost, and reads never tell a pristine entry from an initialized free one.

import { describe, expect, it } from "vitest";
import { augmentViaEacceptLong } from "../flows/augment-via-eaccept-long.ts";
import { Kernel } from "../kernel/kernel.ts";
import { checkInvariants } from "../scenario/invariants.ts";
import { parseScenario } from "../scenario/parse.ts";
import { Simulation } from "../scenario/run.ts";
import { E_R, E_W, PT_REG } from "../vocabulary/epcm.ts";
import { Epc, NONE } from "./epc.ts";

describe("sparse EPC", () => {
  it("initializes only the chunks of the pages it reaches, clones them, and reads them as NONE", () => {
    const e = new Epc(2 ** 27);
    expect(e.reachedEnd).toBe(0);
    expect(e.inEpc(2 ** 27 - 1)).toBe(true);
    expect(e.owner[2 ** 27 - 1]).toBe(NONE);
    expect(e.modEpoch[2 ** 27 - 1]).toBe(NONE);
    e.set(5, E_R | E_W, PT_REG, 0, 0x1000);
    expect(e.owner[6]).toBe(NONE);
    expect(e.blockEpoch[5]).toBe(NONE);
    expect(e.reachedEnd).toBe(2 ** 27);
    const c = e.clone();
    expect(c.owner[5]).toBe(0);
    expect(c.linaddr[5]).toBe(0x1000);
    expect(c.owner[4]).toBe(NONE);
    expect(c.isValid(5)).toBe(true);
    expect(c.isValid(2 ** 26)).toBe(false);
  });

  it("hands out EPC pages in boot order and refills the ring at its tail, as before", () => {
    const k = new Kernel(8, true);
    const got = [k.takeFree(), k.takeFree(), k.takeFree()];
    expect(got).toEqual([0, 1, 2]);
    k.freePage(1);
    expect(k.freeList()).toEqual([3, 4, 5, 6, 7, 1]);
    const copy = k.clone();
    expect([...Array(6)].map(() => copy.takeFree())).toEqual([3, 4, 5, 6, 7, 1]);
    expect(copy.takeFree()).toBe(NONE);
    expect(k.pageOf(7)).toBeUndefined();
  });

  it("runs a small enclave on a 2^27-page EPC to the same EPCM as on 128 pages", () => {
    const run = (epcPages: number) => {
      const r = parseScenario(augmentViaEacceptLong(16, epcPages));
      if (!r.ok) throw new Error(r.errors.join("; "));
      const sim = new Simulation(r.scenario);
      while (!sim.done) sim.step();
      const t = sim.trace();
      return { steps: t.steps, final: t.final, reachedEnd: sim.kernel.cpu.epc.reachedEnd };
    };
    const small = run(128);
    const big = run(2 ** 27);
    expect(big.final).toEqual(small.final);
    expect(big.steps).toEqual(small.steps);
    expect(big.reachedEnd).toBe(4096);
  });

  it("grows its columns, the reverse map and the free ring as pages are reached, and stays consistent", () => {
    const raw = augmentViaEacceptLong(6000, 12_000);
    const r = parseScenario(raw);
    if (!r.ok) throw new Error(r.errors.join("; "));
    const sim = new Simulation(r.scenario);
    expect(sim.kernel.cpu.epc.capacity).toBe(4096);
    for (let i = 0; i < 12; i++) sim.step();
    const copy = sim.clone();
    while (!sim.done) sim.step();
    while (!copy.done) copy.step();
    expect(sim.kernel.cpu.epc.capacity).toBeGreaterThan(6000);
    expect(copy.trace()).toEqual(sim.trace());
    expect(checkInvariants(sim)).toEqual([]);
    // The ring past its first 4096 slots: boot order, then freed pages at the tail.
    const k = new Kernel(10_000, true);
    const taken = [...Array(9000)].map(() => k.takeFree());
    expect(taken[8999]).toBe(8999);
    k.freePage(17);
    k.freePage(8000);
    expect(k.freeList().slice(-3)).toEqual([9999, 17, 8000]);
    expect(k.freeList()).toHaveLength(1002);
  });
});

describe("Epc.readNumber", () => {
  it("follows every way a word changes: in place, with its number, a page replaced or zeroed", () => {
    const e = new Epc(16);
    expect(e.readNumber(3, 8)).toBe(0);
    e.writeWord(3, 8, 0x1000n);
    expect(e.readNumber(3, 8)).toBe(0x1000);
    e.writeWord(3, 8, 0x2000n);
    expect(e.readNumber(3, 8)).toBe(0x2000);
    e.writeNumber(3, 8, 0x3000);
    expect([e.readNumber(3, 8), e.readWord(3, 8)]).toEqual([0x3000, 0x3000n]);
    expect(() => e.writeNumber(3, 8, 2 ** 53)).toThrow(RangeError);
    e.writeWord(3, 8, 2n ** 53n);
    expect(e.readWord(3, 8)).toBe(2n ** 53n);
    e.words.set(3, new Map([[8, 2n ** 60n + 1n]]));
    expect(e.readNumber(3, 8)).toBe(Number(2n ** 60n + 1n));
    e.zeroPage(3);
    expect(e.readNumber(3, 8)).toBe(0);
    e.writeWord(4, 0, 7n);
    expect([e.readNumber(4, 0), e.readNumber(3, 8)]).toEqual([7, 0]);
    e.invalidate(4);
    expect(e.readNumber(4, 0)).toBe(0);
  });

  it("gives whole pages out as BigInts however the words were written, and clones them apart", () => {
    const e = new Epc(16);
    e.writeNumber(5, 0, 1);
    e.writeWord(5, 8, 2n ** 63n);
    e.writeNumber(5, 16, 0);
    expect(e.words.get(5)).toEqual(
      new Map([
        [0, 1n],
        [8, 2n ** 63n],
        [16, 0n],
      ]),
    );
    expect([...e.words].map(([p, m]) => [p, [...m.values()]])).toEqual([[5, [1n, 2n ** 63n, 0n]]]);
    const c = e.clone();
    e.writeNumber(5, 0, 9);
    expect([c.readWord(5, 0), e.readWord(5, 0)]).toEqual([1n, 9n]);
    // A zero word on a page with no words stores nothing.
    e.writeNumber(6, 0, 0);
    expect(e.words.has(6)).toBe(false);
  });
});
