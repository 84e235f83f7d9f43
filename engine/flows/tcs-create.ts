// Selftest `tcs_create` (selftests main.c: TEST_F(enclave, tcs_create)): build a new thread at run time. Three
// pages past the heap are EAUGed through EACCEPT (stack, TCS, SSA); the enclave writes a TCS
// image into the middle one while it is still a regular page, the kernel converts it with
// EMODT (MODIFY_TYPES → TCS), the enclave accepts the change, and the new TCS is entered.
// Then all three pages are trimmed, accepted, removed, and the old TCS address is re-added
// as an ordinary page.
// EPCM states: EMODT → TCS/TRIM gives RWX = 0, MODIFIED = 1, PR = 0 (SDM: EMODT);
// EACCEPT(TCS|MODIFIED / TRIM|MODIFIED) clears MODIFIED (SDM: EACCEPT); SDM: EMODT, EACCEPT, EREMOVE.

import { eaccept, initTcs } from "./calls.ts";
import { OK_EEXIT, OK_LEAF, REG_RW, succeeds, withEpcm } from "./expect.ts";
import { putGet } from "./patterns.ts";
import { sgx2ProbeModifyTypes } from "./probes.ts";
import { ENCL_BUFFER, ENCL_DYN_ENTRY, MAGIC, standardBuild, TCS1, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, flow, hex, ioctl, mmap, munmap, PAGE_SIZE } from "./steps.ts";

const description =
  "Create a thread at run time: EAUG three pages, write a TCS into one, convert it with EMODT, enter it, then trim and remove all three.";

/** stack_end = base + total_size: the page below the new TCS is its stack (encl_dyn_entry). */
const STACK_END = TOTAL_SIZE;
/** tcs = base + total_size + 0x1000. */
const NEW_TCS = TOTAL_SIZE + PAGE_SIZE;
/** ssa = base + total_size + 0x2000. */
const NEW_SSA = TOTAL_SIZE + 2 * PAGE_SIZE;

const trimmed = { type: "TRIM", perms: "---", modified: true, pending: false, pr: false };
const trimAccepted = { type: "TRIM", perms: "---", modified: false, pending: false, pr: false };

export const tcsCreate = flow("tcs-create", "tcs_create: a new TCS at run time", description, {
  steps: [
    ...standardBuild(),
    sgx2ProbeModifyTypes(),
    mmap(STACK_END, 3 * PAGE_SIZE, "PROT_READ|PROT_WRITE", {
      note: "Map three pages past the heap (0xc000 stack, 0xd000 TCS, 0xe000 SSA) read/write, not executable: a TCS page may not be mapped executable.",
    }),
    // Phase 1: add the three pages and turn the middle one into a TCS.
    eenter(TCS1, eaccept(STACK_END, "R|W|REG|PENDING"), {
      note: "EACCEPT on 0xc000 (the new thread's stack): the fault makes the kernel EAUG it, then EACCEPT accepts it.",
      expect: OK_LEAF,
    }),
    eenter(TCS1, eaccept(NEW_SSA, "R|W|REG|PENDING"), {
      note: "EACCEPT on 0xe000 (the new thread's SSA): EAUG + accept.",
      expect: OK_LEAF,
    }),
    eenter(TCS1, eaccept(NEW_TCS, "R|W|REG|PENDING"), {
      note: "EACCEPT on 0xd000 (the future TCS): EAUG + accept. For now it is an ordinary RW page.",
      expect: withEpcm(OK_LEAF, { [hex(NEW_TCS)]: { type: "REG", perms: "RW-", pending: false } }),
    }),
    eenter(TCS1, initTcs(NEW_TCS, NEW_SSA, ENCL_DYN_ENTRY), {
      note: "The enclave writes a TCS image into 0xd000 (INIT_TCS_PAGE; OSSA = 0xe000, NSSA = 1, OENTRY = encl_dyn_entry) while it is still writable.",
      expect: OK_EEXIT,
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: hex(NEW_TCS), length: hex(PAGE_SIZE), page_type: "TCS" },
      {
        note: "MODIFY_TYPES 0xd000 → TCS: the kernel makes vm_max_prot_bits RW, zaps the page's PTE, then runs EMODT (type TCS, permissions cleared, MODIFIED set) and ETRACK.",
        expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
          [hex(NEW_TCS)]: { type: "TCS", perms: "---", modified: true, pending: false, pr: false },
        }),
      },
    ),
    eenter(TCS1, eaccept(NEW_TCS, "TCS|MODIFIED"), {
      note: "EACCEPT(TCS|MODIFIED): the enclave checks the TCS fields and accepts the new type; MODIFIED clears.",
      expect: withEpcm(OK_LEAF, { [hex(NEW_TCS)]: { type: "TCS", perms: "---", modified: false } }),
    }),
    ...putGet(
      NEW_TCS,
      ENCL_BUFFER,
      MAGIC,
      "Write MAGIC into encl_buffer through the new TCS (PUT_TO_BUFFER, run.tcs = 0xd000): a third thread, with its stack below the TCS and its SSA at 0xe000.",
      "Read it back through the new TCS (GET_FROM_BUFFER): MAGIC.",
    ),
    // Phase 2: trim all three pages, remove them, re-add a regular page where the TCS was.
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: hex(STACK_END), length: hex(3 * PAGE_SIZE), page_type: "TRIM" },
      {
        note: "MODIFY_TYPES the three pages → TRIM: EMODT on each (REG→TRIM, TCS→TRIM) plus ETRACK. The enclave can no longer touch them.",
        expect: withEpcm(succeeds({ result: "0x0", count: hex(3 * PAGE_SIZE) }), {
          [hex(STACK_END)]: trimmed,
          [hex(NEW_TCS)]: trimmed,
          [hex(NEW_SSA)]: trimmed,
        }),
      },
    ),
    eenter(TCS1, eaccept(STACK_END, "TRIM|MODIFIED"), {
      note: "EACCEPT(TRIM|MODIFIED) on 0xc000 via TCS#1: the enclave agrees to lose the page.",
      expect: withEpcm(OK_LEAF, { [hex(STACK_END)]: trimAccepted }),
    }),
    eenter(TCS1, eaccept(NEW_TCS, "TRIM|MODIFIED"), {
      note: "EACCEPT(TRIM|MODIFIED) on 0xd000.",
      expect: withEpcm(OK_LEAF, { [hex(NEW_TCS)]: trimAccepted }),
    }),
    eenter(TCS1, eaccept(NEW_SSA, "TRIM|MODIFIED"), {
      note: "EACCEPT(TRIM|MODIFIED) on 0xe000.",
      expect: withEpcm(OK_LEAF, { [hex(NEW_SSA)]: trimAccepted }),
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      { offset: hex(STACK_END), length: hex(3 * PAGE_SIZE) },
      {
        note: "REMOVE_PAGES: each page is TRIM and accepted (the EMODPR probe faults), so the kernel unmaps it and EREMOVEs it; the EPC pages are free again.",
        // EREMOVE frees each EPC page: VALID = 0 (SDM: EREMOVE).
        expect: withEpcm(succeeds({ count: hex(3 * PAGE_SIZE) }), {
          [hex(STACK_END)]: { valid: false },
          [hex(NEW_TCS)]: { valid: false },
          [hex(NEW_SSA)]: { valid: false },
        }),
      },
    ),
    eenter(TCS1, eaccept(NEW_TCS, "R|W|REG|PENDING"), {
      note: "EACCEPT(R|W|REG|PENDING) on 0xd000 again: the address has no page any more, so the fault makes the kernel EAUG a brand-new regular page there.",
      expect: withEpcm(OK_LEAF, {
        [hex(NEW_TCS)]: REG_RW,
      }),
    }),
    ...putGet(
      TCS1,
      NEW_TCS,
      MAGIC,
      "Write MAGIC to the former TCS address (PUT_TO_ADDRESS).",
      "Read it back (GET_FROM_ADDRESS): MAGIC.",
    ),
    munmap(STACK_END, 3 * PAGE_SIZE, { note: "munmap the three pages." }),
  ],
});
