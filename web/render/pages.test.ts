import { describe, expect, it } from "vitest";
import {
  buildPageRows,
  changedPages,
  epcCounts,
  flagsText,
  indexOfEpc,
  isPrevious,
  NO_PAGES,
  PageSet,
  pageTable,
  pteInfo,
  rowAt,
  vmaProtAt,
} from "./pages.ts";
import { augmentAfterFault, enclave, MODIFIED, makeView, PENDING, PR, R, V, W, X } from "./test-views.ts";

describe("names", () => {
  it("lists the set flags among PENDING MODIFIED PR BLOCKED, space separated", () => {
    expect(flagsText(V | R | W)).toBe("");
    expect(flagsText(V | PENDING)).toBe("PENDING");
    expect(flagsText(V | PENDING | MODIFIED | PR | 64)).toBe("PENDING MODIFIED PR BLOCKED");
    expect(flagsText(V | PR)).toBe("PR");
  });
});

describe("page rows", () => {
  it("has one row per kernel record, with the EPCM's type and flags", () => {
    const rows = buildPageRows(augmentAfterFault(), 0);
    expect(rows.map((r) => r.offset)).toEqual([
      0x0, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000, 0x8000, 0x9000, 0xa000, 0xb000, 0xc000,
    ]);
    const c000 = rows[12];
    expect(c000).toMatchObject({ index: 12, epc: 14, evicted: false, type: 2, kernel: 12 });
    expect(flagsText(c000.flags)).toBe("PENDING");
    expect(c000.flags & (R | W | X)).toBe(R | W);
    expect(rows[0].type).toBe(1);
  });

  it("shows evicted pages with the kernel's type and no EPCM flags", () => {
    const view = makeView({
      epcPages: 8,
      entries: [{ epc: 2, encl: 0, offset: 0x1000, pt: 2, flags: V | R }],
      enclaves: [
        enclave("e0", 0x4000, [
          { offset: 0x0, type: 1, epc: -1 },
          { offset: 0x1000, type: 2, epc: 2 },
        ]),
      ],
    });
    const rows = buildPageRows(view, 0);
    expect(rows[0]).toMatchObject({ offset: 0, evicted: true, epc: -1, type: 1, flags: 0 });
    expect(rows[1]).toMatchObject({ offset: 0x1000, evicted: false, epc: 2, type: 2 });
  });

  it("adds EPC pages the kernel has no record of yet (inside a step), in offset order", () => {
    const view = makeView({
      epcPages: 8,
      entries: [
        { epc: 1, encl: 0, offset: 0x3000, pt: 2, flags: V | R | W | PENDING },
        { epc: 2, encl: 0, offset: 0x0, pt: 1, flags: V },
        { epc: 3, encl: 1, offset: 0x1000, pt: 2, flags: V | R },
        { epc: 4, encl: 0, offset: -1, pt: 0, flags: V },
      ],
      enclaves: [enclave("e0", 0x4000, [{ offset: 0x0, type: 1, epc: 2 }]), enclave("e1", 0x4000, [])],
      event: 3,
    });
    const rows = buildPageRows(view, 0);
    expect(rows.map((r) => [r.offset, r.epc, r.kernel])).toEqual([
      [0x0, 2, 0],
      [0x3000, 1, -1],
    ]);
    expect(flagsText(rows[1].flags)).toBe("PENDING");
    const t = pageTable(view, 0);
    expect(rowAt(t, 3)?.epc).toBe(1);
    expect(rowAt(t, 1)).toBeUndefined();
    expect(indexOfEpc(t, 1)).toBe(3);
    expect(indexOfEpc(t, 3)).toBe(-1);
    expect(buildPageRows(view, 1).map((r) => r.offset)).toEqual([0x1000]);
  });

  it("is empty for an enclave the view does not have", () => {
    expect(buildPageRows(augmentAfterFault(), 3)).toEqual([]);
  });

  it("is cached per view and enclave", () => {
    const view = augmentAfterFault();
    expect(pageTable(view, 0)).toBe(pageTable(view, 0));
  });
});

describe("VMA and PTE", () => {
  it("reads the kernel's columns for pages and the VMA list for holes", () => {
    const view = augmentAfterFault();
    const cols = view.enclaves[0];
    const t = pageTable(view, 0);
    expect(pteInfo(cols, rowAt(t, 0), 0)).toEqual({ vmaProt: 3, pte: 3 });
    expect(pteInfo(cols, undefined, 0xc000)).toEqual({ vmaProt: 7, pte: 0 });
    expect(vmaProtAt(cols, 0xd000)).toBe(-1);
  });
});

describe("changed pages", () => {
  it("maps changed EPC pages to the enclave's page indices", () => {
    expect([...changedPages(augmentAfterFault(), 0, null)]).toEqual([12]);
  });

  it("finds pages that left the EPC through the previous view", () => {
    const before = makeView({
      epcPages: 4,
      entries: [{ epc: 2, encl: 0, offset: 0x3000, pt: 2, flags: V | R }],
      enclaves: [enclave("e0", 0x4000, [{ offset: 0x3000, type: 2, epc: 2 }])],
      step: 4,
    });
    const after = makeView({
      epcPages: 4,
      entries: [],
      enclaves: [enclave("e0", 0x4000, [{ offset: 0x3000, type: 2, epc: -1 }])],
      changed: [2],
      step: 5,
    });
    expect([...changedPages(after, 0, null)]).toEqual([]);
    expect([...changedPages(after, 0, before)]).toEqual([3]);
    expect(isPrevious(before, after)).toBe(true);
  });

  it("knows which view comes right before another", () => {
    const at = (step: number, event: number | null) => ({ ...augmentAfterFault(), step, event });
    expect(isPrevious(at(3, null), at(4, null))).toBe(true);
    expect(isPrevious(at(2, null), at(4, null))).toBe(false);
    expect(isPrevious(at(3, null), at(4, 0))).toBe(true);
    expect(isPrevious(at(4, 0), at(4, 1))).toBe(true);
    expect(isPrevious(at(4, 2), at(4, null))).toBe(true);
    expect(isPrevious(null, at(4, null))).toBe(false);
    // Shift+→ from the last event of step 3 lands on event 0 of step 4: one event on.
    expect(isPrevious(at(3, 7), at(4, 0))).toBe(true);
    // A jump inside a step, a step back and a jump into a later step's event are not.
    expect(isPrevious(at(4, 0), at(4, 3))).toBe(false);
    expect(isPrevious(at(4, 3), at(4, 2))).toBe(false);
    expect(isPrevious(at(2, null), at(4, 0))).toBe(false);
  });
});

describe("EPC counts", () => {
  it("counts used, SECS and VA pages and reports the kernel's free count", () => {
    expect(epcCounts(augmentAfterFault())).toEqual({ total: 128, used: 15, secs: 1, va: 1, free: 113 });
  });
});

describe("PageSet", () => {
  it("holds each index once, in the order found, and answers has() for any index", () => {
    const s = new PageSet([5, 3, 5, 100_000, -1, 3, 0, 2 ** 24 - 1]);
    expect([...s]).toEqual([5, 3, 100_000, 0, 2 ** 24 - 1]);
    expect(s.size).toBe(5);
    for (const i of [0, 3, 5, 100_000, 2 ** 24 - 1]) expect(s.has(i)).toBe(true);
    for (const i of [-1, 1, 4, 31, 32, 99_999, 2 ** 24, 2 ** 30]) expect(s.has(i)).toBe(false);
    expect(NO_PAGES.size).toBe(0);
    expect(NO_PAGES.has(0)).toBe(false);
  });

  it("given the maximum (as changedPages() finds it on the way), is the same set", () => {
    const xs = [5, 3, 5, 100_000, 3, 0, 2 ** 24 - 1];
    const a = new PageSet(xs);
    const b = new PageSet(xs, 2 ** 24 - 1);
    expect([...b]).toEqual([...a]);
    for (const i of [0, 3, 5, 100_000, 2 ** 24 - 1, 2 ** 24, 1]) expect(b.has(i)).toBe(a.has(i));
  });
});
