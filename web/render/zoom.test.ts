import { describe, expect, it } from "vitest";
import { cellRect, chooseLayout, IDENTITY, maxZoom } from "./layout.ts";
import {
  canFill,
  cellBounds,
  constrain,
  fillWidth,
  followChanged,
  isIdentity,
  overlapsView,
  zoomTarget,
} from "./zoom.ts";

// The enclave grid of `augment` in a 649 px wide box: 16 pages, 4 columns of 84 px.
const l = chooseLayout(16, 649, { left: 57, top: 18, maxHeight: 440, maxCell: 84 });
const PENDING = 12; // 0xc000, bottom left

/** Whether cell `i` is whole inside the grid's part of the canvas under `t`. */
function whole(t: { k: number; x: number; y: number }, i: number): boolean {
  const [x, y, s] = cellRect(l, t, i);
  const e = 1e-6;
  return x >= l.left - e && y >= l.top - e && x + s <= l.width + e && y + s <= l.height + e;
}

describe("zoomTarget", () => {
  it("enlarges around the changed page and keeps it whole in view, up to the largest zoom", () => {
    expect(l.cols).toBe(4);
    expect(l.cell).toBe(84);
    let t = IDENTITY;
    for (let n = 0; n < 3; n++) {
      t = zoomTarget(l, t, 2, [PENDING]);
      expect(whole(t, PENDING)).toBe(true);
    }
    expect(t.k).toBe(maxZoom(l));
    // Shrinking all the way out comes back to the grid as laid out.
    for (let n = 0; n < 3; n++) t = zoomTarget(l, t, 0.5, [PENDING]);
    expect(isIdentity(t)).toBe(true);
  });

  it("centres a changed page when the grid allows it", () => {
    const t = zoomTarget(l, IDENTITY, 2, [6]); // 0x6000, away from the edges
    const [x, y, s] = cellRect(l, t, 6);
    expect(x + s / 2).toBeCloseTo((l.left + l.width) / 2, 6);
    expect(y + s / 2).toBeCloseTo((l.top + l.height) / 2, 6);
  });

  it("with nothing changed, keeps the middle of the view where it is", () => {
    const t1 = zoomTarget(l, IDENTITY, 2, []);
    const t2 = zoomTarget(l, t1, 1.5, []);
    const cx = (l.left + l.width) / 2;
    const cy = (l.top + l.height) / 2;
    expect((cx - t1.x) / t1.k).toBeCloseTo((cx - t2.x) / t2.k, 6);
    expect((cy - t1.y) / t1.k).toBeCloseTo((cy - t2.y) / t2.k, 6);
  });

  it("ignores changed cells outside the grid", () => {
    expect(cellBounds(l, [-1, 16, 99])).toBeNull();
    expect(cellBounds(l, [0, 15])).toEqual({ x0: 57, y0: 18, x1: 57 + 336, y1: 18 + 336 });
  });
});

describe("constrain", () => {
  it("never pans the grid away from the view's edges", () => {
    const t = constrain(l, { k: 2, x: 500, y: 500 });
    expect(whole(t, 0)).toBe(true); // pulled back so the top-left cell is at the corner
    expect(constrain(l, { k: 1, x: -40, y: 30 })).toEqual(IDENTITY);
  });
});

describe("followChanged", () => {
  it("pans to the changed cells only when zoomed in and none of them is in view", () => {
    expect(followChanged(l, IDENTITY, [PENDING])).toBe(IDENTITY);
    const onTcs = constrain(l, { k: 4, x: 0, y: 0 });
    expect(overlapsView(l, onTcs, cellBounds(l, [PENDING]) ?? { x0: 0, y0: 0, x1: 0, y1: 0 })).toBe(false);
    const moved = followChanged(l, onTcs, [PENDING]);
    expect(moved.k).toBe(4);
    expect(whole(moved, PENDING)).toBe(true);
    expect(followChanged(l, moved, [PENDING, 0])).toBe(moved); // one of them is in view
    expect(followChanged(l, onTcs, [])).toBe(onTcs);
  });
});

describe("fillWidth", () => {
  it("lets capped cells fill the width within the height allowed", () => {
    const wide = fillWidth(l, 700, 200);
    expect(wide.cols).toBe(l.cols);
    expect(wide.cell).toBeCloseTo((649 - 57 - 4) / 4, 6);
    expect(wide.height).toBeLessThanOrEqual(700);
    expect(canFill(l, wide)).toBe(true);
    const short = fillWidth(l, 400, 200);
    expect(short.top + short.rows * short.cell).toBeLessThanOrEqual(400);
  });

  it("leaves a grid that already fills the width as it is", () => {
    const epc = chooseLayout(128, 649, { left: 35, top: 18, maxHeight: 440, maxCell: 56 });
    const same = fillWidth(epc, 700, 200);
    expect(canFill(epc, same)).toBe(false);
    expect(fillWidth(chooseLayout(0, 649, { maxHeight: 440 }), 700, 200).cell).toBeGreaterThan(0);
  });
});
