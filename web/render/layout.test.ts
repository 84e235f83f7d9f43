import { describe, expect, it } from "vitest";
import { cellAt, cellOrigin, cellRect, chooseLayout, maxZoom, rowTicks, visibleRange } from "./layout.ts";

const opts = { left: 60, top: 18, maxHeight: 440, maxCell: 84 };

describe("chooseLayout", () => {
  it("gives a small enclave big square cells on power-of-two rows", () => {
    const l = chooseLayout(16, 510, opts);
    expect(l.cols).toBe(4);
    expect(l.rows).toBe(4);
    expect(l.cell).toBe(84);
    expect(l.height).toBeGreaterThanOrEqual(18 + 4 * 84);
  });

  it("fits 65,536 EPC pages in the box at zoom 1", () => {
    const l = chooseLayout(65536, 510, { left: 50, top: 18, maxHeight: 440, maxCell: 56, maxCols: 1024 });
    expect(l.cols & (l.cols - 1)).toBe(0);
    expect(l.cols * l.rows).toBeGreaterThanOrEqual(65536);
    expect(l.left + l.cols * l.cell).toBeLessThanOrEqual(510);
    expect(l.top + l.rows * l.cell).toBeLessThanOrEqual(440);
  });

  it("keeps 2M pages (8 GiB of ELRANGE) within the column limit", () => {
    const l = chooseLayout(2 ** 21, 510, { ...opts, maxCols: 2048 });
    expect(l.cols).toBeLessThanOrEqual(2048);
    expect(l.rows).toBe(2 ** 21 / l.cols);
  });

  it("has no rows for an empty grid", () => {
    const l = chooseLayout(0, 400, { ...opts, minHeight: 56 });
    expect(l.rows).toBe(0);
    expect(l.height).toBe(56);
  });
});

describe("cells under points and on screen", () => {
  const l = chooseLayout(16, 510, opts); // 4 x 4, 84 px, grid at (60, 18)

  it("finds the cell under a point at zoom 1", () => {
    expect(cellAt(l, { k: 1, x: 0, y: 0 }, 61, 19)).toBe(0);
    expect(cellAt(l, { k: 1, x: 0, y: 0 }, 60 + 84 * 3 + 5, 18 + 84 * 3 + 5)).toBe(15);
    expect(cellAt(l, { k: 1, x: 0, y: 0 }, 30, 30)).toBe(-1); // the axis
    expect(cellAt(l, { k: 1, x: 0, y: 0 }, 60 + 84 * 4 + 5, 30)).toBe(-1); // right of the grid
  });

  it("follows the zoom transform", () => {
    const t = { k: 2, x: -60, y: -18 }; // zoom 2 about the grid's origin
    expect(cellAt(l, t, 61, 19)).toBe(0);
    expect(cellAt(l, t, 60 + 170, 19)).toBe(1);
    const [x, y, s] = cellRect(l, t, 5);
    expect([x, y, s]).toEqual([60 + 168, 18 + 168, 168]);
    expect(cellOrigin(l, 5)).toEqual([60 + 84, 18 + 84]);
  });

  it("lists only the visible rows and columns", () => {
    expect(visibleRange(l, { k: 1, x: 0, y: 0 })).toEqual({ c0: 0, c1: 3, r0: 0, r1: 3 });
    const big = chooseLayout(65536, 510, { left: 50, top: 18, maxHeight: 440, maxCell: 56, maxCols: 1024 });
    const k = 40;
    const t = { k, x: -50 * k + 50 - 100 * big.cell * k, y: -18 * k + 18 - 10 * big.cell * k };
    const r = visibleRange(big, t);
    expect(r.c0).toBe(100);
    expect(r.r0).toBe(10);
    expect((r.c1 - r.c0 + 1) * (r.r1 - r.r0 + 1)).toBeLessThan(600);
  });

  it("allows zooming until a cell is about 120 px, and big cells at least fourfold", () => {
    expect(maxZoom({ ...l, cell: 2 })).toBe(60);
    expect(maxZoom({ ...l, cell: 84 })).toBe(4);
    expect(maxZoom(l)).toBeGreaterThanOrEqual(4);
  });
});

describe("axis", () => {
  it("ticks every 2^j rows so labels do not collide", () => {
    expect(rowTicks(0, 7, 40)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rowTicks(0, 15, 5)).toEqual([0, 4, 8, 12]);
    expect(rowTicks(3, 9, 10)).toEqual([4, 6, 8]);
  });
});
