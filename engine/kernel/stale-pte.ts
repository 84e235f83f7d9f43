// A PTE left mapping an EPC page that is no longer the enclave's page at that address: the
// REMOVE_PAGES race of "x86/sgx: Fix two data races in EAUG/EREMOVE flows". REMOVE_PAGES drops
// encl->lock to zap the page's PTEs; a fault in that window finds the page still in
// encl->page_array and maps it again; REMOVE_PAGES then EREMOVEs and frees the page. The kernel
// never notices: with the PTE present no access faults into the driver again, so the address
// stays mapped to a freed EPC page. The model records such a PTE where it arises (a race step,
// docs/scenario-format.md, Races: explicit interleavings) so the trace can say so.

import { NONE } from "../arch/epc.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Encl } from "./encl.ts";
import type { Kernel } from "./kernel.ts";

/** A bug message's first clause ("BUG: the PTE of e0+0x5000 still maps EPC page 7"), for summaries. */
export function bugHeadline(text: string): string {
  return text.split(", but")[0];
}

/** Look at the PTEs of `addrs` (page addresses in `encl`); return one message per stale PTE. */
export function checkStalePtes(k: Kernel, encl: Encl, addrs: Iterable<number>): string[] {
  const found: string[] = [];
  for (const addr of addrs) {
    const vpn = Math.floor(addr / 4096);
    const pte = k.mm.ptes.get(vpn);
    if (pte === undefined || k.stalePtes.has(vpn)) continue;
    const epc = (pte - (pte & 1)) / 2;
    const page = encl.pageAt(addr);
    if (page && page.epc === epc) continue;
    k.stalePtes.add(vpn);
    const what = page
      ? `the page there is now at EPC ${page.epc === NONE ? "nowhere (evicted)" : page.epc}`
      : "the enclave has no page there any more";
    const text = `BUG: the PTE of ${encl.name}+${hex(addr - encl.base)} still maps EPC page ${epc}, but ${what}: a fault mapped the page again while sgx_encl_remove_pages() had dropped encl->lock to zap it, and the page was then EREMOVEd and freed. With the PTE present no access faults into the driver again: the address stays mapped to a freed EPC page, permanently inaccessible to the enclave.`;
    k.ev(
      "kernel",
      text,
      "ioctl.c: sgx_encl_remove_pages() (x86/sgx: Fix two data races in EAUG/EREMOVE flows)",
      {
        basis: "kernel",
      },
    );
    found.push(text);
  }
  return found;
}
