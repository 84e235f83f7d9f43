// The property that makes EDMM safe (SDM ETRACK/EACCEPT; the v6.0 driver's
// sgx_enclave_etrack() and sgx_encl_ewb()), checked on the engine's state after every step:
//   - a CPU outside enclave mode caches no enclave translation (EEXIT and AEX flush);
//   - every cached translation reaches a valid EPC page at its own address: no CPU reaches a
//     page that was removed or written out (EREMOVE of an accepted TRIM page, EWB);
//   - a cached translation has more rights than the EPCM entry only while the change that
//     reduced them is not accepted yet (PR or MODIFIED still set): once an EACCEPT of a
//     changed page succeeded, no CPU holds a translation with more rights than its EPCM entry.
// Also: the CPUs in enclave mode are the ones the reference model counted from the trace.

import { NONE } from "../arch/epc.ts";
import type { Simulation } from "../scenario/run.ts";
import { E_MODIFIED, E_PR, E_RWX } from "../vocabulary/epcm.ts";
import type { ReferenceModel } from "./reference-model.ts";

const hex = (n: number) => `0x${n.toString(16)}`;

export function edmmSafety(sim: Simulation, model: ReferenceModel): string[] {
  const out: string[] = [];
  const { cpu } = sim.kernel;
  const epc = cpu.epc;
  for (const lp of cpu.lps) {
    const inside = lp.secs !== NONE;
    if (inside !== model.inside.has(lp.id))
      out.push(
        `CPU ${lp.id} is ${inside ? "" : "not "}in enclave mode, but the trace's events say it is ${inside ? "not" : ""}`,
      );
    if (!inside && lp.tlbN > 0)
      out.push(`CPU ${lp.id} is outside enclave mode but caches ${lp.tlbN} enclave translation(s)`);
    for (let i = 0; i < lp.tlbN; i++) {
      const lin = lp.tlbVpn[i] * 4096;
      const page = lp.tlbEpc[i];
      const rights = lp.tlbRights[i];
      const at = `CPU ${lp.id} caches ${sim.kernel.label(lin)} → EPC ${page} with rights ${rights}`;
      if (!epc.isValid(page) || epc.linaddr[page] !== lin || epc.owner[page] !== lp.secs) {
        out.push(`${at}, but that EPC page no longer holds the enclave page (removed or evicted)`);
        continue;
      }
      const f = epc.flags[page];
      const allowed = f & E_RWX;
      if (rights & ~allowed && !(f & (E_PR | E_MODIFIED)))
        out.push(`${at}, more than the EPCM's ${hex(allowed)} although the change was accepted`);
    }
  }
  return out;
}
