// REMOVE_PAGES racing a fault on the page being removed, and two ioctls racing on one enclave
// (docs/scenario-format.md, Races: explicit interleavings).
//
// sgx_encl_remove_pages() drops encl->lock to zap the page's PTEs ("Do not keep encl->lock
// because of dependency on mmap_lock acquired in sgx_zap_enclave_ptes()"), then relocks and
// EREMOVEs the page. A fault in that window (after the zap, before the relock) still finds the
// page in encl->page_array and maps it again; the page is then freed, and the PTE is left
// mapping a freed EPC page: no access faults into the driver again, so the address is
// permanently inaccessible to the enclave. The series "x86/sgx: Fix two data races in
// EAUG/EREMOVE flows" (v6.6+edmm-races here) marks the page busy before the unlock: the fault
// backs off (VM_FAULT_NOPAGE) and, once the page is gone, takes the ordinary EAUG path.
//
// ioctl.c: sgx_ioctl(): test_and_set_bit(SGX_ENCL_IOCTL) lets one ioctl per enclave run; a
// second one gets EBUSY. The what-if "no-ioctl-busy" removes that bit, and two REMOVE_PAGES on
// one page then free it twice.

import { eaccept } from "./calls.ts";
import { OK_LEAF, succeeds, withEpcm } from "./expect.ts";
import { sgx2ProbeModifyTypes } from "./probes.ts";
import { DATA_START, standardBuild, TCS1 } from "./standard-build.ts";
import { type BuiltInFlow, eenter, flow, hex, ioctl, PAGE_SIZE, type RawStep } from "./steps.ts";
import { trimDataStart } from "./trim-data-start.ts";

const ALL_ONES = "0xffffffffffffffff";

/** The removal protocol up to REMOVE_PAGES: trim data_start and accept the trim. */
function trimmedAndAccepted(): RawStep[] {
  return [
    ...standardBuild(),
    sgx2ProbeModifyTypes(),
    trimDataStart(),
    eenter(TCS1, eaccept(DATA_START, "TRIM|MODIFIED"), {
      note: "EACCEPT(TRIM|MODIFIED) on data_start: EACCEPT's access faults the page in (a PTE now maps it), then the trim is accepted.",
      expect: withEpcm(OK_LEAF, {
        [hex(DATA_START)]: { type: "TRIM", perms: "---", modified: false, pending: false },
      }),
    }),
  ];
}

function removeDataStart(cpu: number, note: string, expect?: Record<string, unknown>): RawStep {
  const step = ioctl(
    "SGX_IOC_ENCLAVE_REMOVE_PAGES",
    { offset: hex(DATA_START), length: hex(PAGE_SIZE) },
    { note, ...(expect ? { expect } : {}) },
  );
  return { ...step, cpu };
}

/**
 * REMOVE_PAGES passes its lock, its unlock before the zap and the zap (three turns); then the
 * load faults and maps the page (two turns); then REMOVE_PAGES relocks and EREMOVEs.
 */
const FAULT_IN_THE_WINDOW = [0, 0, 0, 1, 1];

function removeFaultRace(kernel: "v6.6" | "v6.6+edmm-races"): BuiltInFlow {
  const fixed = kernel === "v6.6+edmm-races";
  return flow(
    fixed ? "remove-fault-race-fixed" : "remove-fault-race",
    fixed
      ? "REMOVE_PAGES vs. a fault on the page, v6.6+edmm-races: the fault backs off"
      : "REMOVE_PAGES vs. a fault on the page, v6.6: a PTE to a freed page",
    fixed
      ? 'The same race with the series "x86/sgx: Fix two data races in EAUG/EREMOVE flows": REMOVE_PAGES marks the page busy before dropping encl->lock, the fault backs off and retries, and once the page is gone it takes the ordinary EAUG path: the enclave can accept a fresh page there.'
      : 'REMOVE_PAGES drops encl->lock to zap the page\'s PTEs; a load from user space faults in that window, finds the page still in the enclave and maps it again; REMOVE_PAGES then frees the page. The PTE is left mapping a freed EPC page, and the enclave can never use that address again (v6.0 to v6.6; the series "x86/sgx: Fix two data races in EAUG/EREMOVE flows" fixes it).',
    {
      machine: { kernel },
      steps: [
        ...trimmedAndAccepted(),
        {
          op: "race",
          order: FAULT_IN_THE_WINDOW,
          note: "REMOVE_PAGES on CPU 0 and a load of the same page from user space on CPU 1. Order [0, 0, 0, 1, 1]: REMOVE_PAGES takes encl->lock, checks the page, drops the lock and zaps the PTE; then the load faults, and its fault takes encl->lock; then REMOVE_PAGES relocks and EREMOVEs.",
          steps: [
            removeDataStart(
              0,
              "REMOVE_PAGES data_start: the page is TRIM and accepted (the EMODPR probe faults); the kernel zaps its PTE with encl->lock dropped, then EREMOVEs it.",
              succeeds({ count: hex(PAGE_SIZE) }),
            ),
            {
              op: "access",
              offset: hex(DATA_START),
              kind: "read",
              cpu: 1,
              note: fixed
                ? "The load faults after the zap; the page is marked busy, so the fault backs off (VM_FAULT_NOPAGE) and the load is retried until the page is gone; then the fault EAUGs a fresh PENDING page and the load reads the abort page."
                : "The load faults after the zap; sgx_vma_fault() still finds the page and maps it again; the load reads the abort page (all ones).",
              expect: { value: ALL_ONES },
            },
          ],
        },
        eenter(TCS1, eaccept(DATA_START, "R|W|REG|PENDING"), {
          note: fixed
            ? "The enclave accepts a page at data_start again (the one the fault EAUGed): it can use the address."
            : "The enclave tries to accept a page at data_start: the PTE still maps the freed EPC page, so EACCEPT finds an invalid EPCM entry (#PF with the SGX bit), and the kernel cannot repair it. Nothing will ever fault into the driver at this address again.",
          expect: fixed
            ? withEpcm(OK_LEAF, { [hex(DATA_START)]: { type: "REG", perms: "RW-", pending: false } })
            : { ret: 0, run: { function: "ERESUME", exception_vector: 14, exception_error_code: "0x8005" } },
        }),
      ],
    },
  );
}

/** Both REMOVE_PAGES take their first two turns; the second would then run to its end. */
const SECOND_IN_THE_WINDOW = [0, 0, 1, 1, 1, 1, 1];

const ioctlBusyRace = flow(
  "remove-pages-ioctl-busy",
  "Two REMOVE_PAGES on one enclave: the second gets EBUSY",
  "Two threads remove the same trimmed page at once. sgx_ioctl() lets one ioctl per enclave run (the SGX_ENCL_IOCTL bit): the second REMOVE_PAGES gets EBUSY while the first has dropped encl->lock to zap PTEs. Under the what-if no-ioctl-busy both go ahead and the page is freed twice (the kernel oopses).",
  {
    steps: [
      ...trimmedAndAccepted(),
      {
        op: "race",
        order: SECOND_IN_THE_WINDOW,
        note: "REMOVE_PAGES on CPU 0 drops encl->lock to zap the PTE (two turns); then REMOVE_PAGES on CPU 1 starts.",
        steps: [
          removeDataStart(
            0,
            "The first REMOVE_PAGES removes the page.",
            withEpcm(succeeds({ count: hex(PAGE_SIZE) }), { [hex(DATA_START)]: { valid: false } }),
          ),
          removeDataStart(
            1,
            "The second finds the SGX_ENCL_IOCTL bit set: EBUSY, before it looks at anything.",
            { ret: -1, errno: "EBUSY" },
          ),
        ],
      },
    ],
  },
);

export const removeFaultRaceFlows: BuiltInFlow[] = [
  removeFaultRace("v6.6"),
  removeFaultRace("v6.6+edmm-races"),
  ioctlBusyRace,
];
