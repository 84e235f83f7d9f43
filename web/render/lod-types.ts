// What a grid hands the level-of-detail renderer (render/lod.ts, loaded on demand): the engine's
// columns for the shown position, unchanged. Types only, so the views can name them without
// pulling the renderer into the first page's JavaScript.

import type { EpcColumns } from "../../engine/vocabulary/view.ts";
import type { PageTable } from "./pages.ts";

/** Grids of at least this many cells are drawn as summary tiles where a cell is under a pixel. */
export const LOD_CELLS = 65_536;

export type LodSource =
  | {
      kind: "enclave";
      /** Identity of what is shown (the StateView and enclave): the summaries are kept per key. */
      key: object;
      count: number;
      table: PageTable;
      /** Cells (page indices) changed at this position. */
      changed: ArrayLike<number>;
    }
  | { kind: "epc"; key: object; epc: EpcColumns; changed: ArrayLike<number>; owners: number };
