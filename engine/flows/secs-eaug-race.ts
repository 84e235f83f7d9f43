// The SECS/EAUG bug, fixed in v6.6 by "x86/sgx: Resolves SECS reclaim vs. page fault for EAUG
// race" (docs/scenario-format.md, Kernel bugs that crash). Once every page of an initialized
// enclave is out, the reclaimer writes out its SECS as well (main.c: sgx_reclaimer_write()).
// A fault on an address of the enclave's mapping that has no enclave page then takes the EAUG
// path (encl.c: sgx_vma_fault() → sgx_encl_eaug_page()). Before v6.6 that path used
// encl->secs.epc_page without loading the SECS back: a NULL pointer dereference. From v6.6
// sgx_encl_load_secs() loads it first (ELDU) and EAUG proceeds.
// The commit describes the race as a thread's #PF on page B overtaken by the eviction of the
// last resident page and the SECS; here the eviction comes first, and user space touching its
// own mapping (an ordinary load, outside enclave mode) reaches the same EAUG path.

import { mapUnbackedPage } from "./patterns.ts";
import { standardBuild, TOTAL_SIZE } from "./standard-build.ts";
import { type BuiltInFlow, flow, hex, reclaim } from "./steps.ts";

/** Pages on the reclaimer's list after the standard build: 2 TCS + 2 text + 7 data + 1 heap. */
const ENCLAVE_PAGES = 12;
/** A page of ELRANGE past the heap that nothing has added. */
const UNBACKED = TOTAL_SIZE;

function secsEaugRace(kernel: "v6.0" | "v6.6"): BuiltInFlow {
  const fixed = kernel === "v6.6";
  return flow(
    fixed ? "secs-eaug-race-fixed" : "secs-eaug-race",
    fixed
      ? "SECS reclaim vs. EAUG fault, v6.6: the SECS is loaded back first"
      : "SECS reclaim vs. EAUG fault, v6.0: a kernel oops",
    fixed
      ? "The same steps on v6.6: the fault handler loads the evicted SECS back (sgx_encl_load_secs()) before EAUG, so the new page is added and the load completes (reading all ones from outside enclave mode)."
      : "Evict every page of an initialized enclave, so its SECS goes out too, then touch an address with no enclave page: v6.0's EAUG path uses the missing SECS and the kernel oopses (fixed in v6.6).",
    {
      machine: { kernel },
      steps: [
        ...standardBuild(),
        mapUnbackedPage(UNBACKED),
        reclaim(ENCLAVE_PAGES, {
          note: "Memory pressure: the reclaimer evicts all 12 enclave pages; with no resident child left, the SECS is written out too.",
        }),
        {
          op: "access",
          offset: hex(UNBACKED),
          kind: "read",
          note: fixed
            ? "User space loads from the unbacked page. The fault handler finds no enclave page and takes the EAUG path; v6.6 first loads the SECS back with ELDU, then EAUGs a PENDING page and maps it. The retried load, outside enclave mode, reads the abort page: all ones."
            : "User space loads from the unbacked page. The fault handler finds no enclave page and takes the EAUG path, which on v6.0 reads encl->secs.epc_page, now NULL: the kernel oopses and the run ends here.",
          ...(fixed ? { expect: { ret: 0, value: "0xffffffffffffffff" } } : {}),
        },
        {
          op: "access",
          offset: hex(UNBACKED),
          kind: "read",
          note: fixed
            ? "A second load finds the PTE in place: all ones again, no fault."
            : "Not run on v6.0: the kernel died on the step before.",
          ...(fixed ? { expect: { ret: 0, value: "0xffffffffffffffff" } } : {}),
        },
      ],
    },
  );
}

export const secsEaugRaceFlows: BuiltInFlow[] = [secsEaugRace("v6.0"), secsEaugRace("v6.6")];
