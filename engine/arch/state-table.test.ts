// A per-page state table built from the SDM leaf pages (SDM: EPCM), row by row: for each EPCM
// state of a page, the outcome of an enclave read, EMODPR, EMODT, EMODPE, EACCEPT and EREMOVE.
// Every cell runs on a freshly built enclave, so the cells are independent.

import { describe, expect, it } from "vitest";
import { PT_REG, PT_TCS, PT_TRIM } from "../vocabulary/epcm.ts";
import { enclaveAccess } from "./access.ts";
import { SGX_ENCLAVE_ACT, SGX_PAGE_ATTRIBUTES_MISMATCH, SGX_PAGE_NOT_MODIFIABLE } from "./constants.ts";
import { isFault, type Outcome } from "./cpu.ts";
import { EACCEPT, EMODPE } from "./leaves/enclu.ts";
import { EBLOCK, EREMOVE, ETRACK } from "./leaves/paging.ts";
import { EMODPR, EMODT } from "./leaves/sgx2.ts";
import {
  type Enclave,
  Fixture,
  MODIFIED,
  must,
  PENDING,
  PR,
  R,
  si,
  snapshot,
  tcsWords,
  unchanged,
  W,
  X,
} from "./test-helpers.ts";

type Cell = "ok" | "#PF" | "#GP" | number;

interface Built {
  fx: Fixture;
  e: Enclave;
  page: number;
  lin: number;
}

/** Two TCSs (base, base+0x2000), a REG RWX page at +0x4000, nothing yet at +0x5000. */
function base(): { fx: Fixture; e: Enclave; reg: number; regLin: number } {
  const fx = new Fixture();
  const e = fx.enclave({ threads: 2, pages: [{ offset: 0x4000, secinfo: si(PT_REG, R | W | X) }] });
  return { fx, e, reg: fx.epcAt(e.base + 0x4000), regLin: e.base + 0x4000 };
}

const STATES: Record<string, () => Built> = {
  "free (VALID=0)": () => {
    const { fx, e } = base();
    const page = fx.alloc();
    fx.mmu.map(e.base + 0x5000, page);
    return { fx, e, page, lin: e.base + 0x5000 };
  },
  "REG PENDING (EAUG'd)": () => {
    const { fx, e } = base();
    return { fx, e, page: fx.eaug(e, e.base + 0x5000), lin: e.base + 0x5000 };
  },
  "REG normal": () => {
    const { fx, e, reg, regLin } = base();
    return { fx, e, page: reg, lin: regLin };
  },
  "REG restricted, unaccepted (PR)": () => {
    const { fx, e, reg, regLin } = base();
    must(EMODPR(fx.cpu, si(0, R), reg));
    return { fx, e, page: reg, lin: regLin };
  },
  "TCS MODIFIED (EMODT'd)": () => {
    const { fx, e, reg, regLin } = base();
    for (const [off, v] of tcsWords(0x1000, 1)) fx.cpu.epc.writeWord(reg, off, v);
    must(EMODT(fx.cpu, si(PT_TCS), reg));
    return { fx, e, page: reg, lin: regLin };
  },
  "TCS accepted": () => {
    const { fx, e } = base();
    return { fx, e, page: e.threads[1].tcs, lin: e.threads[1].tcsLin };
  },
  "TRIM MODIFIED": () => {
    const { fx, e, reg, regLin } = base();
    must(EMODT(fx.cpu, si(PT_TRIM), reg));
    return { fx, e, page: reg, lin: regLin };
  },
  "TRIM accepted": () => {
    const { fx, e, reg, regLin } = base();
    must(EMODT(fx.cpu, si(PT_TRIM), reg));
    must(fx.accept(e, si(PT_TRIM, MODIFIED), regLin));
    return { fx, e, page: reg, lin: regLin };
  },
  "REG BLOCKED": () => {
    const { fx, e, reg, regLin } = base();
    must(EBLOCK(fx.cpu, reg));
    return { fx, e, page: reg, lin: regLin };
  },
};

// [read, EMODPR(R), EMODT(TRIM), EMODT(TCS), EMODPE(RWX), EREMOVE nobody inside, EREMOVE thread inside]
const P = "#PF";
const N = SGX_PAGE_NOT_MODIFIABLE;
const A = SGX_ENCLAVE_ACT;
const TABLE: Record<string, Cell[]> = {
  "free (VALID=0)": [P, P, P, P, P, 0, 0],
  "REG PENDING (EAUG'd)": [P, N, N, N, P, 0, A],
  "REG normal": ["ok", 0, 0, 0, 0, 0, A],
  "REG restricted, unaccepted (PR)": ["ok", 0, 0, 0, 0, 0, A],
  "TCS MODIFIED (EMODT'd)": [P, N, N, P, P, 0, A],
  "TCS accepted": [P, P, 0, P, P, 0, A],
  "TRIM MODIFIED": [P, N, P, P, P, 0, A],
  "TRIM accepted": [P, P, P, P, P, 0, 0],
  "REG BLOCKED": [P, 0, 0, 0, P, 0, A],
};

// EACCEPT: the SECINFO the table lists for the state, and the outcome (after ETRACK and a fresh entry).
const ACCEPT: Record<string, [number, Cell]> = {
  "free (VALID=0)": [si(PT_REG, R | W | PENDING), P],
  "REG PENDING (EAUG'd)": [si(PT_REG, R | W | PENDING), 0],
  // MODEL.md, Architecture: a page that never had EMODPR/EMODT needs no tracking in the model.
  "REG normal": [si(PT_REG, R | W | X | PR), 0],
  "REG restricted, unaccepted (PR)": [si(PT_REG, R | PR), 0],
  "TCS MODIFIED (EMODT'd)": [si(PT_TCS, MODIFIED), 0],
  "TCS accepted": [si(PT_TCS, MODIFIED), SGX_PAGE_ATTRIBUTES_MISMATCH],
  "TRIM MODIFIED": [si(PT_TRIM, MODIFIED), 0],
  "TRIM accepted": [si(PT_TRIM, MODIFIED), SGX_PAGE_ATTRIBUTES_MISMATCH],
  "REG BLOCKED": [si(PT_REG, R | W | X | PR), P],
};

function cell(out: Outcome): Cell {
  if (isFault(out)) return out.vector === 14 ? "#PF" : "#GP";
  return out;
}

/** Run `fn`; a failing outcome must leave the whole state untouched. */
function run(b: Built, fn: () => Outcome): Cell {
  const before = snapshot(b.fx.cpu);
  const out = fn();
  if (out !== 0) expect(snapshot(b.fx.cpu)).toEqual(before);
  return cell(out);
}

describe("per-page state table (SDM: EPCM)", () => {
  for (const [state, build] of Object.entries(STATES)) {
    const want = TABLE[state];
    describe(state, () => {
      it(`enclave read → ${want[0]}`, () => {
        const b = build();
        b.fx.enter(b.e);
        const out = unchanged(b.fx.cpu, () => enclaveAccess(b.fx.cpu, b.fx.lp, b.lin, "read", b.fx.mmu));
        expect(typeof out === "number" ? "ok" : cell(out)).toBe(want[0]);
        if (typeof out !== "number") expect(out.code).toBe(0x8005);
      });
      it(`EMODPR → ${want[1]}`, () => {
        const b = build();
        expect(run(b, () => EMODPR(b.fx.cpu, si(0, R), b.page))).toBe(want[1]);
      });
      it(`EMODT(TRIM) → ${want[2]}`, () => {
        const b = build();
        expect(run(b, () => EMODT(b.fx.cpu, si(PT_TRIM), b.page))).toBe(want[2]);
      });
      it(`EMODT(TCS) → ${want[3]}`, () => {
        const b = build();
        expect(run(b, () => EMODT(b.fx.cpu, si(PT_TCS), b.page))).toBe(want[3]);
      });
      it(`EMODPE → ${want[4]}`, () => {
        const b = build();
        b.fx.enter(b.e);
        expect(run(b, () => EMODPE(b.fx.cpu, b.fx.lp, si(0, R | W | X), b.lin, b.fx.mmu))).toBe(want[4]);
      });
      it(`EACCEPT(${ACCEPT[state][0].toString(16)}) → ${ACCEPT[state][1]}`, () => {
        const b = build();
        must(ETRACK(b.fx.cpu, b.e.secs));
        b.fx.enter(b.e);
        expect(run(b, () => EACCEPT(b.fx.cpu, b.fx.lp, ACCEPT[state][0], b.lin, b.fx.mmu))).toBe(
          ACCEPT[state][1],
        );
      });
      it(`EREMOVE with nobody inside → ${want[5]}; with a thread inside → ${want[6]}`, () => {
        const a = build();
        expect(run(a, () => EREMOVE(a.fx.cpu, a.page))).toBe(want[5]);
        expect(a.fx.cpu.epc.isValid(a.page)).toBe(false);
        const b = build();
        b.fx.enter(b.e);
        expect(run(b, () => EREMOVE(b.fx.cpu, b.page))).toBe(want[6]);
        expect(b.fx.cpu.epc.isValid(b.page)).toBe(want[6] !== 0);
      });
    });
  }
});
