// The enclave grid's layout settings, in one place: the grid on screen (EnclaveGrid.tsx) and the
// image export (web/export/svg.ts) pick the same column count from them.
import { AXIS_TOP, axisWidth, enclaveRowLabel } from "./cells.ts";
import { chooseLayout, type GridLayout, wideCols } from "./layout.ts";

/** The tallest the enclave grid is drawn outside an embed (an embed fits it to its frame). */
export const ENCLAVE_MAX_HEIGHT = 440;
/** The largest enclave cell, in CSS pixels at zoom 1. */
export const ENCLAVE_MAX_CELL = 84;

/** The enclave grid's layout for `count` pages in a box `width` pixels wide. */
export function enclaveLayout(count: number, width: number, maxHeight = ENCLAVE_MAX_HEIGHT): GridLayout {
  return chooseLayout(count, width, {
    left: axisWidth(enclaveRowLabel(Math.max(0, count - 1)).length),
    top: AXIS_TOP,
    maxHeight,
    maxCell: ENCLAVE_MAX_CELL,
    maxCols: wideCols(count, 2048),
    minHeight: 56,
  });
}
