// Reclaim and reload (not a selftest): memory pressure makes the kernel's reclaimer evict
// the enclave's pages (EBLOCK, then EWB to a VA slot with ETRACK on SGX_NOT_TRACKED; the SECS goes last, once it has no
// resident child), and the next enclave access faults them back in (ELDU, the SECS first),
// transparently to the enclave (encl.c: sgx_vma_fault(), main.c: sgx_reclaim_pages(); SDM: EWB,
// SDM: ELDU, EBLOCK, ETRACK, EWB). Contents, type and permissions survive eviction: EWB saves them, ELDU
// restores them (SDM: EPCM).

import { read, write } from "./calls.ts";
import { OK_EEXIT, okValue, REG_RW, withEpcm } from "./expect.ts";
import { DATA_START, ENCL_BUFFER, HEAP, MAGIC2, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow, hex, reclaim } from "./steps.ts";

/** Pages on the reclaimer's list after the standard build: 2 TCS + 2 text + 7 data + 1 heap. */
const ENCLAVE_PAGES = 12;

const description =
  "Let the reclaimer evict every page of the enclave, then read its memory again: each page comes back with ELDU, contents intact.";

export const reclaimReload = flow(
  "reclaim-reload",
  "Reclaim and reload: EWB, then ELDU on the next access",
  description,
  {
    steps: [
      ...standardBuild(),
      eenter(TCS1, write(DATA_START, MAGIC2), {
        note: "Write MAGIC2 to data_start (0x5000).",
        expect: OK_EEXIT,
      }),
      reclaim(ENCLAVE_PAGES, {
        note: "Memory pressure: the reclaimer evicts all 12 enclave pages (pages just used are young and are skipped once first). Each is blocked (EBLOCK) and written out with EWB into a VA slot; sgx_encl_ewb() runs ETRACK only when an EWB returns SGX_NOT_TRACKED. With no child left, the SECS is written out too.",
        // EWB clears VALID: the page has left the EPC (SDM: EWB).
        expect: { epcm: { [hex(DATA_START)]: { valid: false }, [hex(ENCL_BUFFER)]: { valid: false } } },
      }),
      eenter(TCS1, read(DATA_START), {
        note: "Read data_start: the SECS, the TCS, its SSA and stack and the page itself are faulted back in with ELDU; the enclave sees MAGIC2 as if nothing happened.",
        expect: withEpcm(okValue(MAGIC2), {
          [hex(DATA_START)]: REG_RW,
        }),
      }),
      eenter(TCS1, read(ENCL_BUFFER), {
        note: "Read encl_buffer (0x4000), untouched since the build: reloaded with its initial contents, byte 0 = 1.",
        expect: okValue("0x1"),
      }),
      eenter(TCS1, read(HEAP), {
        note: "Read the heap page (0xb000): zero, as the build left it.",
        expect: okValue("0x0"),
      }),
    ],
  },
);
