// The engine's side of the comparison with the reference model: read every enclave's pages
// from a Simulation (the EPCM for resident pages, the sealed PCMD SECINFO in the backing store
// for evicted ones) and diff them against the model's prediction.

import type { Simulation } from "../scenario/run.ts";
import { E_MODIFIED, E_PENDING, E_PR, E_RWX, pageTypeName } from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import { type EnclaveState, PAGE, type PageState, type ReferenceModel, stateKey } from "./reference-model.ts";

const NONE = -1;

export interface ObservedPage {
  /** A type name; child pages are REG, TCS or TRIM (anything else is reported as is). */
  type: string;
  rwx: number;
  pending: boolean;
  modified: boolean;
  pr: boolean;
  resident: boolean;
}

export interface ObservedEnclave extends Omit<EnclaveState, "pages"> {
  pages: Map<number, ObservedPage>;
}

function fromFlags(pt: number, flags: number, resident: boolean): ObservedPage {
  return {
    type: pageTypeName(pt) ?? `PT_${pt}`,
    rwx: flags & E_RWX,
    pending: (flags & E_PENDING) !== 0,
    modified: (flags & E_MODIFIED) !== 0,
    pr: (flags & E_PR) !== 0,
    resident,
  };
}

/** Every enclave's pages as the engine holds them now. */
export function observe(sim: Simulation): Map<string, ObservedEnclave> {
  const k = sim.kernel;
  const epc = k.cpu.epc;
  const out = new Map<string, ObservedEnclave>();
  for (const encl of k.enclaves) {
    const pages = new Map<number, ObservedPage>();
    for (const p of encl.pages.values()) {
      if (p.epc !== NONE) pages.set(p.index * PAGE, fromFlags(epc.pt[p.epc], epc.flags[p.epc], true));
      else {
        const sealed = encl.backing.get(p.index);
        if (sealed) pages.set(p.index * PAGE, fromFlags(sealed.secinfo >> 8, sealed.secinfo & 0xff, false));
        // No sealed copy: invariant [2] reports it; the comparison below then reports a missing page.
      }
    }
    out.set(encl.name, {
      name: encl.name,
      base: encl.base,
      size: encl.size,
      created: encl.created,
      initialized: encl.initialized,
      released: encl.released,
      pages,
    });
  }
  return out;
}

export function observedKey(p: ObservedPage): string {
  return stateKey(p as unknown as PageState);
}

/** Differences between the model's prediction and the engine's state (empty when they agree). */
export function compare(model: ReferenceModel, engine: Map<string, ObservedEnclave>): string[] {
  const out: string[] = [];
  const names = new Set([...model.enclaves.keys(), ...engine.keys()]);
  for (const name of [...names].sort()) {
    const m: EnclaveState | undefined = model.enclaves.get(name);
    const g = engine.get(name);
    const mPages = m && !m.released ? m.pages : new Map<number, PageState>();
    const gPages = g ? g.pages : new Map<number, ObservedPage>();
    if (m && g) {
      if (m.created !== g.created || m.initialized !== g.initialized || m.released !== g.released)
        out.push(
          `${name}: model created/initialized/released ${+m.created}${+m.initialized}${+m.released}, engine ${+g.created}${+g.initialized}${+g.released}`,
        );
      if (g.created && m.base !== g.base)
        out.push(`${name}: model base ${hex(m.base)}, engine ${hex(g.base)}`);
      if (g.created && m.size !== g.size)
        out.push(`${name}: model size ${hex(m.size)}, engine ${hex(g.size)}`);
    }
    const offsets = [...new Set([...mPages.keys(), ...gPages.keys()])].sort((a, b) => a - b);
    for (const off of offsets) {
      const a = mPages.get(off);
      const b = gPages.get(off);
      const ka = a ? stateKey(a) : "no page";
      const kb = b ? `${observedKey(b)}${b.resident ? "" : " (evicted)"}` : "no page";
      if (!a || !b || stateKey(a) !== observedKey(b))
        out.push(`${name}+${hex(off)}: model ${ka}, engine ${kb}`);
    }
  }
  return out;
}
