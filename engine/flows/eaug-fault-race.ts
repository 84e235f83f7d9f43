// Two threads fault on the same unbacked page (docs/scenario-format.md, Races: explicit
// interleavings). sgx_vma_fault() checks xa_load() without encl->lock, so both faults see no
// page and both go to sgx_encl_eaug_page(). The first to take encl->lock EAUGs the page and maps
// it; the second's xa_insert() fails with -EBUSY. Before the series "x86/sgx: Fix two data races
// in EAUG/EREMOVE flows" the loser's error path frees its own page and returns VM_FAULT_SIGBUS:
// the thread gets SIGBUS although the page exists. With the series (v6.6+edmm-races) the loser
// returns VM_FAULT_NOPAGE and its retry reads the winner's page.

import { eaccept, nop } from "./calls.ts";
import { EEXIT_Z, OK_EEXIT, OK_LEAF } from "./expect.ts";
import { mapUnbackedPage } from "./patterns.ts";
import { standardBuild, TCS1, TCS2, TOTAL_SIZE } from "./standard-build.ts";
import { type BuiltInFlow, eenter, flow, hex } from "./steps.ts";

/** A page of ELRANGE past the heap that nothing has added. */
const UNBACKED = TOTAL_SIZE;
const ALL_ONES = "0xffffffffffffffff";
/** Both faults pass xa_load(), then each runs its locked part in turn. */
const BOTH_MISS = [0, 1, 0, 1];

type Version = "v6.0" | "v6.6" | "v6.6+edmm-races";

function eaugFaultRace(kernel: Version): BuiltInFlow {
  const fixed = kernel === "v6.6+edmm-races";
  const id = {
    "v6.0": "eaug-fault-race",
    "v6.6": "eaug-fault-race-v6-6",
    "v6.6+edmm-races": "eaug-fault-race-fixed",
  }[kernel];
  const read = (cpu: number, note: string, expect: Record<string, unknown>) => ({
    op: "access",
    offset: hex(UNBACKED),
    kind: "read",
    cpu,
    note,
    expect,
  });
  return flow(
    id,
    `Two threads fault on one unbacked page, ${kernel}: ${fixed ? "the loser retries" : "the loser gets SIGBUS"}`,
    fixed
      ? 'The same race with the series "x86/sgx: Fix two data races in EAUG/EREMOVE flows": the fault that loses xa_insert() frees its own page and returns VM_FAULT_NOPAGE, so its retried load reads the page the winner added.'
      : `Two threads on CPUs 0 and 1 load from the same page that has no enclave page yet. Both faults pass xa_load() before either takes encl->lock; the second to take it finds the page already inserted (xa_insert() -EBUSY) and its error path returns VM_FAULT_SIGBUS: that thread gets SIGBUS although the page exists (${kernel}; fixed by the series "x86/sgx: Fix two data races in EAUG/EREMOVE flows").`,
    {
      machine: { kernel },
      steps: [
        ...standardBuild(),
        mapUnbackedPage(UNBACKED),
        {
          op: "race",
          order: BOTH_MISS,
          note: "Both loads fault; order [0, 1, 0, 1]: each fault finds no page with xa_load() before either takes encl->lock, then thread 0 runs its locked part first, then thread 1.",
          steps: [
            read(
              0,
              "Thread 0 wins: sgx_encl_eaug_page() EAUGs a PENDING page, maps it and unlocks; the retried load reads the abort page (all ones).",
              { value: ALL_ONES },
            ),
            read(
              1,
              fixed
                ? "Thread 1 loses: xa_insert() says -EBUSY, it frees its own EPC page without EREMOVE and returns VM_FAULT_NOPAGE; the retried load finds thread 0's PTE and reads all ones."
                : "Thread 1 loses: xa_insert() says -EBUSY, its error path EREMOVEs and frees its own unused EPC page and returns VM_FAULT_SIGBUS: SIGBUS.",
              fixed ? { value: ALL_ONES } : { signal: "SIGBUS" },
            ),
          ],
        },
        {
          op: "access",
          offset: hex(UNBACKED),
          kind: "read",
          note: "Afterwards the page is there and mapped: the winner's EPC page was not touched by the loser's error path.",
          expect: { value: ALL_ONES, epcm: { [hex(UNBACKED)]: { type: "REG", pending: true } } },
        },
      ],
    },
  );
}

export const eaugFaultRaceFlows: BuiltInFlow[] = [
  eaugFaultRace("v6.0"),
  eaugFaultRace("v6.6"),
  eaugFaultRace("v6.6+edmm-races"),
];

/**
 * The same race between two enclave threads, as a runtime that commits on demand meets it: both
 * EACCEPT the page, both EACCEPTs fault, both faults go to EAUG. Inside the vDSO's enclave entry
 * the loser's VM_FAULT_SIGBUS is not a signal: the kernel reports the #PF to the vDSO's caller
 * (fault.c: do_sigbus() → fixup_vdso_exception()), for a page that exists.
 */
function eacceptRace(kernel: "v6.0" | "v6.6+edmm-races"): BuiltInFlow {
  const fixed = kernel === "v6.6+edmm-races";
  const accept = (cpu: number, tcs: number, note: string, expect: Record<string, unknown>) => ({
    ...eenter(tcs, eaccept(UNBACKED, "R|W|REG|PENDING"), { note, expect }),
    cpu,
  });
  return flow(
    fixed ? "eaccept-fault-race-fixed" : "eaccept-fault-race",
    `Two enclave threads EACCEPT one unbacked page, ${kernel}: ${fixed ? "the loser retries" : "the loser's fault comes back"}`,
    fixed
      ? 'Two enclave threads EACCEPT the same page that has no EPC page yet, with the series "x86/sgx: Fix two data races in EAUG/EREMOVE flows": the losing fault returns VM_FAULT_NOPAGE, its EACCEPT runs again and finds the page the other thread already accepted (SGX_PAGE_ATTRIBUTES_MISMATCH, the enclave\'s own business).'
      : "Two enclave threads EACCEPT the same page that has no EPC page yet (lazy allocation in a runtime). Both EACCEPTs fault and both faults go to EAUG; the second to take encl->lock loses xa_insert() and returns VM_FAULT_SIGBUS, which the vDSO reports to that thread's caller as a #PF on a page that exists (v6.0 to v6.6).",
    {
      machine: { kernel },
      steps: [
        ...standardBuild(),
        mapUnbackedPage(UNBACKED),
        eenter(TCS1, nop(), {
          note: "Thread 1 enters once, so its TCS, SSA and code pages are mapped.",
          expect: OK_EEXIT,
        }),
        eenter(TCS2, nop(), {
          note: "Thread 2 too: in the race, only the EACCEPT target faults.",
          expect: OK_EEXIT,
        }),
        {
          op: "race",
          order: BOTH_MISS,
          note: "Both EACCEPTs fault (an AEX each) and both faults find no page with xa_load() before either takes encl->lock; then thread 1's fault runs its locked part first, then thread 2's.",
          steps: [
            accept(
              0,
              TCS1,
              "Thread 1's fault wins: EAUG, PTE; its EACCEPT runs again and accepts the page.",
              OK_LEAF,
            ),
            accept(
              1,
              TCS2,
              fixed
                ? "Thread 2's fault loses and returns VM_FAULT_NOPAGE; its EACCEPT runs again on the page thread 1 accepted: SGX_PAGE_ATTRIBUTES_MISMATCH."
                : "Thread 2's fault loses xa_insert() and returns VM_FAULT_SIGBUS: the vDSO reports the #PF to the caller (run.function ERESUME, vector 14) although the page exists.",
              fixed
                ? { ret: 0, run: EEXIT_Z, call: { ret: 19 } }
                : { ret: 0, run: { function: "ERESUME", exception_vector: 14, exception_error_code: "0x4" } },
            ),
          ],
        },
      ],
    },
  );
}

export const eacceptFaultRaceFlows: BuiltInFlow[] = [eacceptRace("v6.0"), eacceptRace("v6.6+edmm-races")];
