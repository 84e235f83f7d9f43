// Helpers for the architecture-layer unit tests: a map-based page table implementing Mmu, a
// fixture that builds initialized enclaves with ECREATE/EADD/EINIT, snapshots of the whole EPCM
// (to prove that a failing leaf changed nothing), and outcome matchers.

import { expect } from "vitest";
import { PT_REG, PT_TCS, SECINFO_PT_SHIFT } from "../vocabulary/epcm.ts";
import { type AccessKind, type Mmu, NON_EPC, pageFault } from "./access.ts";
import {
  ATTR_MODE64BIT,
  PAGE_SIZE,
  PF_I,
  PF_P,
  PF_U,
  PF_W,
  TCS_CSSA_NSSA,
  TCS_FSGSLIMIT,
  TCS_OENTRY,
  TCS_OSSA,
  VEC_GP,
  VEC_PF,
} from "./constants.ts";
import { Cpu, type Fault, type LogicalProcessor, type Outcome } from "./cpu.ts";
import { EADD, ECREATE, EINIT, type SecsImage, type Sigstruct } from "./leaves/build.ts";
import { EACCEPT, EEXIT, enterEnclave } from "./leaves/enclu.ts";
import { ETRACK } from "./leaves/paging.ts";
import { EAUG } from "./leaves/sgx2.ts";

export const R = 0x1;
export const W = 0x2;
export const X = 0x4;
export const PENDING = 0x8;
export const MODIFIED = 0x10;
export const PR = 0x20;

/** SECINFO.FLAGS for a page type plus flag bits. */
export function si(pt: number, flags = 0): number {
  return (pt << SECINFO_PT_SHIFT) | flags;
}

interface Pte {
  target: number;
  writable: boolean;
  executable: boolean;
}

/**
 * A page table as a map from virtual page number to PTE. translate() follows the Mmu contract:
 * a missing PTE is a not-present #PF (U, plus W for a write and I/D for a fetch); a write
 * through a read-only PTE is P|U|W; a fetch through an NX PTE is P|U|I/D.
 */
export class TestMmu implements Mmu {
  private readonly ptes = new Map<number, Pte>();
  /** The rights of the PTE the last successful walk used (the TLB caches them with the EPCM's). */
  lastProt = 7;

  /** Map the page containing `linaddr` to an EPC index, or to NON_EPC for ordinary memory. */
  map(linaddr: number, target: number, opts: { write?: boolean; exec?: boolean } = {}): void {
    this.ptes.set(Math.floor(linaddr / PAGE_SIZE), {
      target,
      writable: opts.write ?? true,
      executable: opts.exec ?? true,
    });
  }

  unmap(linaddr: number): void {
    this.ptes.delete(Math.floor(linaddr / PAGE_SIZE));
  }

  translate(linaddr: number, kind: AccessKind): number {
    const pte = this.ptes.get(Math.floor(linaddr / PAGE_SIZE));
    const bits = PF_U | (kind === "write" ? PF_W : 0) | (kind === "fetch" ? PF_I : 0);
    if (!pte) return pageFault(bits);
    if (kind === "write" && !pte.writable) return pageFault(bits | PF_P);
    if (kind === "fetch" && !pte.executable) return pageFault(bits | PF_P);
    this.lastProt = 1 | (pte.writable ? 2 : 0) | (pte.executable ? 4 : 0);
    return pte.target;
  }
}

export { NON_EPC };

/** Enclave base addresses used by the fixture (each enclave gets its own 64 KiB ELRANGE). */
export const ENCLAVE_SIZE = 0x10000;
export const FIRST_BASE = 0x10000000;

/** A SIGSTRUCT that matches whatever the enclave measured and asks for no attributes. */
export const MATCHING_SIG: Sigstruct = {
  enclavehash: "match",
  attributes: 0,
  attributesMask: 0,
  xfrm: 0,
  xfrmMask: 0,
  miscselect: 0,
  miscMask: 0,
};

export function secsImage(base: number, over: Partial<SecsImage> = {}): SecsImage {
  return {
    baseaddr: base,
    size: ENCLAVE_SIZE,
    ssaFrameSize: 1,
    attributes: ATTR_MODE64BIT,
    xfrm: 3,
    miscselect: 0,
    ...over,
  };
}

export interface Thread {
  /** The TCS page. */
  tcs: number;
  tcsLin: number;
  /** The SSA pages (one per frame; SSAFRAMESIZE is 1 page). */
  ssa: number[];
  ssaLin: number[];
}

export interface Enclave {
  secs: number;
  base: number;
  size: number;
  threads: Thread[];
  /** Linear address of the first page after the TCS/SSA pages. */
  free: number;
}

export interface EnclaveOptions {
  /** Number of TCS pages (each with its own SSA frames). Default 1. */
  threads?: number;
  /** TCS.NSSA (and the number of SSA pages per TCS). Default 1. */
  nssa?: number;
  /** REG pages to EADD after the TCS/SSA pages: offset from base and SECINFO. */
  pages?: Array<{ offset: number; secinfo: number; words?: Array<[number, bigint]> }>;
  /** Run EINIT. Default true. */
  init?: boolean;
  image?: Partial<SecsImage>;
}

/** TCS words as the kernel model writes them: OSSA, NSSA, OENTRY and 64-bit FS/GS limits. */
export function tcsWords(ossa: number, nssa: number, oentry = 0): Array<[number, bigint]> {
  return [
    [TCS_OSSA, BigInt(ossa)],
    [TCS_CSSA_NSSA, BigInt(nssa) << 32n],
    [TCS_OENTRY, BigInt(oentry)],
    [TCS_FSGSLIMIT, 0xffffffffffffffffn],
  ];
}

/** One CPU (SGX2) with one logical processor, a page table, and an EPC page allocator. */
export class Fixture {
  readonly cpu: Cpu;
  readonly mmu = new TestMmu();
  readonly lp: LogicalProcessor;
  private next = 0;
  private nextBase = FIRST_BASE;

  constructor(epcPages = 64) {
    this.cpu = new Cpu(epcPages, true);
    this.lp = this.cpu.addProcessor();
  }

  /** A fresh EPC page index that no helper has used yet. */
  alloc(): number {
    const i = this.next++;
    if (i >= this.cpu.epc.size) throw new Error("fixture EPC exhausted");
    return i;
  }

  /** ECREATE only: an uninitialized enclave with no pages. */
  create(image: Partial<SecsImage> = {}): { secs: number; base: number } {
    const img = secsImage(this.nextBase, image);
    this.nextBase += ENCLAVE_SIZE * 16;
    const secs = this.alloc();
    must(ECREATE(this.cpu, secs, img));
    return { secs, base: img.baseaddr };
  }

  /** ECREATE + EADD (TCS pages with their SSA pages, then `pages`) + EINIT; every page mapped RWX. */
  enclave(opts: EnclaveOptions = {}): Enclave {
    const nThreads = opts.threads ?? 1;
    const nssa = opts.nssa ?? 1;
    const { secs, base } = this.create(opts.image);
    const threads: Thread[] = [];
    let off = 0;
    for (let i = 0; i < nThreads; i++) {
      const tcsLin = base + off;
      const ssaOff = off + PAGE_SIZE;
      const tcs = this.alloc();
      must(EADD(this.cpu, tcs, tcsLin, secs, si(PT_TCS), tcsWords(ssaOff, nssa)));
      this.mmu.map(tcsLin, tcs);
      const ssa: number[] = [];
      const ssaLin: number[] = [];
      for (let f = 0; f < nssa; f++) {
        const lin = base + ssaOff + f * PAGE_SIZE;
        const page = this.alloc();
        must(EADD(this.cpu, page, lin, secs, si(PT_REG, R | W)));
        this.mmu.map(lin, page);
        ssa.push(page);
        ssaLin.push(lin);
      }
      threads.push({ tcs, tcsLin, ssa, ssaLin });
      off += PAGE_SIZE * (1 + nssa);
    }
    for (const p of opts.pages ?? []) {
      const page = this.alloc();
      must(EADD(this.cpu, page, base + p.offset, secs, p.secinfo, p.words ?? []));
      this.mmu.map(base + p.offset, page);
    }
    if (opts.init ?? true) must(EINIT(this.cpu, secs, MATCHING_SIG));
    return { secs, base, size: ENCLAVE_SIZE, threads, free: base + off };
  }

  /** The EPC page a linear address is mapped to (throws if unmapped). */
  epcAt(linaddr: number): number {
    const t = this.mmu.translate(linaddr, "read");
    if (t < 0) throw new Error(`no mapping for 0x${linaddr.toString(16)}`);
    return t;
  }

  /** EAUG a page at `linaddr` and map it. */
  eaug(e: Enclave, linaddr: number): number {
    const page = this.alloc();
    must(EAUG(this.cpu, page, linaddr, e.secs));
    this.mmu.map(linaddr, page);
    return page;
  }

  /** From outside: ETRACK (nobody may be inside), EENTER, EACCEPT, EEXIT. Returns EACCEPT's outcome. */
  accept(e: Enclave, secinfo: number, linaddr: number): Outcome {
    must(ETRACK(this.cpu, e.secs));
    this.enter(e);
    const out = EACCEPT(this.cpu, this.lp, secinfo, linaddr, this.mmu);
    EEXIT(this.cpu, this.lp);
    return out;
  }

  /** EENTER on thread `i` with processor `lp` (default: the fixture's first processor). */
  enter(e: Enclave, lp: LogicalProcessor = this.lp, i = 0): void {
    must(enterEnclave(this.cpu, lp, e.threads[i].tcsLin, this.mmu, false));
  }
}

/** Throw unless the leaf succeeded (setup steps). */
export function must(out: Outcome): void {
  if (out !== 0) throw new Error(`setup leaf failed: ${JSON.stringify(out)}`);
}

/** A complete copy of the architectural state a leaf may change. */
export function snapshot(cpu: Cpu): unknown {
  const { epc } = cpu;
  // Compare entries as they are, not whether their chunk was initialized yet (arch/epc.ts).
  epc.reachAll();
  return {
    flags: Array.from(epc.flags),
    pt: Array.from(epc.pt),
    owner: Array.from(epc.owner),
    linaddr: Array.from(epc.linaddr),
    modEpoch: Array.from(epc.modEpoch),
    blockEpoch: Array.from(epc.blockEpoch),
    words: [...epc.words].map(([i, m]) => [i, [...m].sort((a, b) => a[0] - b[0])]).sort(),
    secs: [...epc.secs].map(([i, s]) => [i, { ...s, tracked: [...s.tracked].sort() }]),
    vaSlots: [...epc.vaSlots].map(([i, s]) => [i, Array.from(s)]),
    // The TLB is a cache, not architectural state: an access may fill it (engine/MODEL.md, "Many CPUs").
    lps: cpu.lps.map(({ tlbN: _n, tlbVpn: _v, tlbEpc: _e, tlbRights: _r, ...lp }) => lp),
  };
}

/** Run `fn` and assert that it changed nothing at all; return its outcome. */
export function unchanged<T>(cpu: Cpu, fn: () => T): T {
  const before = snapshot(cpu);
  const out = fn();
  expect(snapshot(cpu)).toEqual(before);
  return out;
}

/** One EPCM entry as the tests compare it (flags use the E_* bit positions of epc.ts). */
export function entry(cpu: Cpu, i: number): { flags: number; pt: number; owner: number; linaddr: number } {
  const { epc } = cpu;
  return { flags: epc.flags[i], pt: epc.pt[i], owner: epc.owner[i], linaddr: epc.linaddr[i] };
}

export function childCount(cpu: Cpu, secs: number): number {
  const s = cpu.epc.secs.get(secs);
  if (!s) throw new Error(`no SECS at EPC page ${secs}`);
  return s.childCount;
}

export function expectGp(out: unknown): void {
  expect(out).toMatchObject({ vector: VEC_GP, code: 0 });
}

/** #PF with this error code at this address (EPC index for ENCLS operands, linear address otherwise). */
export function expectPf(out: unknown, code: number, addr: number): void {
  expect(out).toMatchObject({ vector: VEC_PF, code, addr });
}

export function asFault(out: Outcome | number): Fault {
  if (typeof out === "number") throw new Error(`expected a fault, got ${out}`);
  return out;
}
