// Hand-built StateViews for the grid and table tests (shaped like the engine's session output).
import type { EnclaveColumns, StateView } from "../../engine/session/session.ts";

export interface EpcEntry {
  epc: number;
  encl: number;
  /** Offset in the enclave; -1 for SECS and VA pages. */
  offset: number;
  pt: number;
  flags: number;
}

export interface KernelPage {
  offset: number;
  type: number;
  epc: number;
  vmMaxProt?: number;
  pte?: number;
  vmaProt?: number;
}

export function enclave(
  name: string,
  size: number,
  pages: KernelPage[],
  extra: Partial<EnclaveColumns> = {},
): EnclaveColumns {
  const sorted = [...pages].sort((a, b) => a.offset - b.offset);
  return {
    name,
    base: 0x7f0000000000,
    size,
    created: true,
    released: false,
    offset: Float64Array.from(sorted.map((p) => p.offset)),
    type: Uint8Array.from(sorted.map((p) => p.type)),
    vmMaxProt: Uint8Array.from(sorted.map((p) => p.vmMaxProt ?? 7)),
    epc: Int32Array.from(sorted.map((p) => p.epc)),
    vaPage: Int32Array.from(sorted.map((p) => (p.epc < 0 ? 0 : -1))),
    vaSlot: Int32Array.from(sorted.map((p, i) => (p.epc < 0 ? i : -1))),
    pte: Uint8Array.from(sorted.map((p) => p.pte ?? 0)),
    vmaProt: Int8Array.from(sorted.map((p) => p.vmaProt ?? -1)),
    vmas: [],
    secsEpc: -1,
    ...extra,
  };
}

export function makeView(opts: {
  epcPages: number;
  entries: EpcEntry[];
  enclaves: EnclaveColumns[];
  changed?: number[];
  step?: number;
  event?: number | null;
  freeCount?: number;
}): StateView {
  const n = opts.epcPages;
  const flags = new Uint8Array(n);
  const pt = new Uint8Array(n);
  const encl = new Int16Array(n).fill(-1);
  const offset = new Float64Array(n).fill(-1);
  for (const e of opts.entries) {
    flags[e.epc] = e.flags;
    pt[e.epc] = e.pt;
    encl[e.epc] = e.encl;
    offset[e.epc] = e.offset;
  }
  const used = opts.entries.filter((e) => e.flags & 128).length;
  return {
    step: opts.step ?? 1,
    event: opts.event ?? null,
    epc: { flags, pt, encl, offset },
    changed: Int32Array.from(opts.changed ?? []),
    enclaves: opts.enclaves,
    freeCount: opts.freeCount ?? n - used,
    activeCount: used,
  };
}

/** Flag bytes used in the tests. */
export const V = 128;
export const R = 1;
export const W = 2;
export const X = 4;
export const PENDING = 8;
export const MODIFIED = 16;
export const PR = 32;
export const BLOCKED = 64;

/**
 * The augment flow right after its fault step, by hand: VA at EPC 0, SECS at 1, TCS at 2-3,
 * code at 4-5, data at 6-13, and the EAUGed page at 0xc000 in EPC 14, PENDING.
 */
export function augmentAfterFault(): StateView {
  const entries: EpcEntry[] = [
    { epc: 0, encl: 0, offset: -1, pt: 3, flags: V },
    { epc: 1, encl: 0, offset: -1, pt: 0, flags: V },
    { epc: 2, encl: 0, offset: 0x0, pt: 1, flags: V },
    { epc: 3, encl: 0, offset: 0x1000, pt: 1, flags: V },
    { epc: 4, encl: 0, offset: 0x2000, pt: 2, flags: V | R | X },
    { epc: 5, encl: 0, offset: 0x3000, pt: 2, flags: V | R | X },
  ];
  for (let k = 0; k < 8; k++)
    entries.push({ epc: 6 + k, encl: 0, offset: 0x4000 + k * 0x1000, pt: 2, flags: V | R | W });
  entries.push({ epc: 14, encl: 0, offset: 0xc000, pt: 2, flags: V | R | W | PENDING });
  const pages: KernelPage[] = entries
    .filter((e) => e.offset >= 0)
    .map((e) => ({ offset: e.offset, type: e.pt, epc: e.epc, vmaProt: 3, pte: e.offset === 0 ? 3 : 0 }));
  return makeView({
    epcPages: 128,
    entries,
    enclaves: [
      enclave("e0", 0x10000, pages, {
        vmas: [
          { start: 0, end: 0xc000, prot: 3 },
          { start: 0xc000, end: 0xd000, prot: 7 },
        ],
      }),
    ],
    changed: [14],
    step: 12,
  });
}
