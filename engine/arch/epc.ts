// The Enclave Page Cache and its map (EPCM), stored as typed arrays so that millions of pages
// stay cheap (one EPCM entry costs 31 bytes here). SDM Vol. 3D "Enclave Page Cache Map (EPCM)":
// one entry per 4 KiB EPC page with VALID, R/W/X, PT, ENCLAVESECS, ENCLAVEADDRESS, BLOCKED,
// PENDING, MODIFIED and PR.

import { E_VALID, pageTypeName, permsText } from "../vocabulary/epcm.ts";
import { VA_SLOT_COUNT } from "./constants.ts";

// Bit layout of `flags`: the E_* bits of ../vocabulary/epcm.ts.

/** No owner / no epoch. */
export const NONE = -1;

/** Control state of an enclave, held in its SECS page (SDM "SGX Enclave Control Structure"). */
export interface SecsState {
  /** Enclave identifier assigned by ECREATE (used in PCMD.ENCLAVEID and the eviction MAC). */
  eid: number;
  baseaddr: number;
  size: number;
  ssaFrameSize: number;
  attributes: number;
  xfrm: number;
  miscselect: number;
  /** ATTRIBUTES.INIT: set by EINIT. */
  initialized: boolean;
  /** Number of valid child pages (REG/TCS/TRIM) in the EPC; ERDINFO calls it CHLDCNT. */
  childCount: number;
  /** Running measurement (a digest of the ECREATE/EADD/EEXTEND records; not SHA-256). */
  measurement: number;
  /** Tracking epoch, advanced by each ETRACK (SDM: ETRACK; the tracking rule is in cpu.ts). */
  epoch: number;
  /** Logical processors that were inside the enclave at the last ETRACK and have not yet exited. */
  tracked: Set<number>;
}

/** What EWB writes to normal memory: the sealed page, its PCMD and the version in the VA slot. */
export interface SealedPage {
  /** PCMD.SECINFO flags snapshot: PT, RWX, PENDING, MODIFIED, PR (SDM EWB). */
  secinfo: number;
  /** PCMD.ENCLAVEID. */
  eid: number;
  linaddr: number;
  /** The version written to the VA slot; the MAC binds it (SDM ELDU: MAC over page, PCMD, LINADDR, version). */
  version: number;
  words: Map<number, bigint> | undefined;
  /** For a SECS: its control state. */
  secs?: SecsState;
  /** For a VA page: its slot versions (the page's contents). */
  vaSlots?: Float64Array;
  /**
   * MAC over the page contents, PCMD.SECINFO, LINADDR, the owning enclave's EID and the version
   * (SDM ELDU; SDM: ELDU): ELDU recomputes it, so a tampered PCMD fails to load.
   */
  mac: number;
}

/** A deep copy of a SECS's control state. */
export function cloneSecs(s: SecsState): SecsState {
  return { ...s, tracked: new Set(s.tracked) };
}

export class Epc {
  readonly size: number;
  readonly flags: Uint8Array;
  readonly pt: Uint8Array;
  /** EPC index of the owning SECS (ENCLAVESECS); NONE for SECS, VA and free pages. */
  readonly owner: Int32Array;
  /** ENCLAVEADDRESS: the linear address the page must be accessed at. */
  readonly linaddr: Float64Array;
  /** SECS epoch recorded by EMODPR/EMODT, checked by EACCEPT's tracking rule; NONE when none pending. */
  readonly modEpoch: Float64Array;
  /** SECS epoch recorded by EBLOCK, checked by EWB's tracking rule. */
  readonly blockEpoch: Float64Array;
  /** Non-zero 8-byte words of each page's contents, keyed by byte offset (sparse). */
  readonly words = new Map<number, Map<number, bigint>>();
  /** SECS control state, keyed by the SECS page's EPC index. */
  readonly secs = new Map<number, SecsState>();
  /** VA pages: the version stored in each of the 512 slots (0 = empty). */
  readonly vaSlots = new Map<number, Float64Array>();
  /** Called with the EPC index whenever an EPCM entry changes (the trace's per-step diff). */
  onChange: (epc: number) => void = () => {};

  constructor(size: number) {
    this.size = size;
    this.flags = new Uint8Array(size);
    this.pt = new Uint8Array(size);
    this.owner = new Int32Array(size).fill(NONE);
    this.linaddr = new Float64Array(size);
    this.modEpoch = new Float64Array(size).fill(NONE);
    this.blockEpoch = new Float64Array(size).fill(NONE);
  }

  /** A deep copy (for checkpoints); `onChange` is not copied. */
  clone(): Epc {
    const c = new Epc(this.size);
    c.flags.set(this.flags);
    c.pt.set(this.pt);
    c.owner.set(this.owner);
    c.linaddr.set(this.linaddr);
    c.modEpoch.set(this.modEpoch);
    c.blockEpoch.set(this.blockEpoch);
    for (const [k, v] of this.words) c.words.set(k, new Map(v));
    for (const [k, v] of this.secs) c.secs.set(k, cloneSecs(v));
    for (const [k, v] of this.vaSlots) c.vaSlots.set(k, v.slice());
    return c;
  }

  inEpc(epc: number): boolean {
    return Number.isInteger(epc) && epc >= 0 && epc < this.size;
  }

  isValid(epc: number): boolean {
    return (this.flags[epc] & E_VALID) !== 0;
  }

  /** Fill a whole entry (the leaves that make a page valid). */
  set(epc: number, flags: number, pt: number, owner: number, linaddr: number): void {
    this.flags[epc] = flags | E_VALID;
    this.pt[epc] = pt;
    this.owner[epc] = owner;
    this.linaddr[epc] = linaddr;
    this.modEpoch[epc] = NONE;
    this.blockEpoch[epc] = NONE;
    this.onChange(epc);
  }

  /** Clear VALID and the page's contents (EREMOVE, EWB). */
  invalidate(epc: number): void {
    this.flags[epc] = 0;
    this.pt[epc] = 0;
    this.owner[epc] = NONE;
    this.linaddr[epc] = 0;
    this.modEpoch[epc] = NONE;
    this.blockEpoch[epc] = NONE;
    this.words.delete(epc);
    this.secs.delete(epc);
    this.vaSlots.delete(epc);
    this.onChange(epc);
  }

  setFlags(epc: number, flags: number): void {
    this.flags[epc] = flags;
    this.onChange(epc);
  }

  readWord(epc: number, offset: number): bigint {
    return this.words.get(epc)?.get(offset) ?? 0n;
  }

  writeWord(epc: number, offset: number, value: bigint): void {
    let page = this.words.get(epc);
    // A word once written stays in the map even when it becomes 0 (the TCS's STATE and CSSA
    // flip on every entry and exit; readers skip zero words).
    if (page?.get(offset) === value) return;
    if (!page) {
      if (value === 0n) return;
      page = new Map();
      this.words.set(epc, page);
    }
    page.set(offset, value);
  }

  zeroPage(epc: number): void {
    this.words.delete(epc);
  }

  newVaPage(epc: number): void {
    this.vaSlots.set(epc, new Float64Array(VA_SLOT_COUNT));
  }

  typeName(epc: number): string {
    return pageTypeName(this.pt[epc]) ?? `PT_${this.pt[epc]}`;
  }

  permString(epc: number): string {
    return permsText(this.flags[epc]);
  }
}
