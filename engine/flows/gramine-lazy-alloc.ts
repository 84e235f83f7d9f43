// Gramine with EDMM (sgx.edmm_enable; gramine pal/src/host/linux-sgx), not a selftest. The order
// of operations follows Gramine's enclave_edmm.c and pal_exception.c:
//  - Lazy allocation: the first access to a lazily allocated page faults; the kernel EAUGs on
//    the not-present fault (fault.c: sgx_vma_fault() → sgx_encl_eaug_page()), the retried
//    access faults in the EPCM on the PENDING page, and Gramine's exception handler commits
//    it: commit_lazy_alloc_pages() → sgx_edmm_add_pages() → EACCEPT(REG|R|W|PENDING).
//  - sgx_edmm_add_pages() outside a fault: EACCEPT(REG|R|W|PENDING) on a page with no EPC page
//    yet, relying on the kernel to EAUG on EACCEPT's own fault (as the selftest
//    augment_via_eaccept does).
//  - sgx_edmm_set_page_permissions(): EMODPE with the new permissions, the ocall
//    edmm_restrict_pages_perm() (SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS), EACCEPT(REG|PR|prot).
//  - sgx_edmm_remove_pages(): the ocall edmm_modify_pages_type(TRIM)
//    (SGX_IOC_ENCLAVE_MODIFY_TYPES), EACCEPT(TRIM|MODIFIED), the ocall edmm_remove_pages()
//    (SGX_IOC_ENCLAVE_REMOVE_PAGES).
// Simplified: the selftest enclave stands in for Gramine's, and its exception handler runs on a
// second thread (TCS#2) after the vDSO returned the exception (Gramine handles it on the
// faulting thread); the ocalls' retries on EBUSY/EAGAIN/EINTR never happen in the model (one
// ioctl at a time).

import { DEFAULT_BASE } from "../scenario/run.ts";
import { eaccept, emodpe, read, write } from "./calls.ts";
import { faulted, OK_EEXIT, OK_LEAF, okValue, succeeds, withEpcm } from "./expect.ts";
import { acceptRestrictionToR, restrictPageToR, runtimeMaps, writeFaultsOnPending } from "./patterns.ts";
import { MAGIC, standardBuild, TCS1, TCS2, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, eresume, flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";

const title = "Gramine: lazy allocation, restriction and removal with EDMM";
const description =
  "Mirrors Gramine with EDMM (pal/src/host/linux-sgx): a lazily allocated page is committed by EACCEPT in the exception handler, another by EACCEPT(PENDING|RW) relying on the kernel's EAUG on the fault; a restriction is an ocall plus EACCEPT(PR); removal is TRIM, EACCEPT(TRIM|MODIFIED), REMOVE_PAGES. Simplified: the handler runs on a second thread.";

/** Two pages past the heap: the lazily allocated one and the eagerly added one. */
const LAZY = TOTAL_SIZE;
const EAGER = TOTAL_SIZE + PAGE_SIZE;
const lazy = hex(LAZY);
const eager = hex(EAGER);

export const gramineLazyAlloc = flow("gramine-lazy-alloc", title, description, {
  steps: [
    ...standardBuild(),
    runtimeMaps(
      LAZY,
      2,
      DEFAULT_BASE,
      "The untrusted side has the enclave range mapped from the enclave's fd, read/write (here the two pages past the heap). Nothing is in the EPC there yet.",
    ),
    writeFaultsOnPending(
      TCS1,
      LAZY,
      MAGIC,
      "The application writes to a lazily allocated page. No PTE: the kernel EAUGs a PENDING page and maps it; the retried write faults in the EPCM (0x8007) and the #PF comes back to Gramine.",
    ),
    eenter(TCS2, eaccept(LAZY, "R|W|REG|PENDING"), {
      note: "Gramine's memfault handler sees a lazily allocated page: commit_lazy_alloc_pages() → sgx_edmm_add_pages() EACCEPTs it with REG|R|W|PENDING (here on TCS#2).",
      expect: withEpcm(OK_LEAF, {
        [lazy]: { type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
      }),
    }),
    eresume(TCS1, {
      note: "Back to the application: the write runs again and succeeds.",
      expect: OK_EEXIT,
    }),
    eenter(TCS1, eaccept(EAGER, "R|W|REG|PENDING"), {
      note: "sgx_edmm_add_pages() on the next page, outside any fault: EACCEPT(REG|R|W|PENDING) first. Its access faults (no PTE), the kernel EAUGs and maps a PENDING page, and the EACCEPT runs again and succeeds.",
      expect: withEpcm(OK_LEAF, {
        [eager]: { valid: true, type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
      }),
    }),
    eenter(TCS1, emodpe(EAGER, "R"), {
      note: "sgx_edmm_set_page_permissions(page, R) starts with EMODPE(R): nothing to add to RW, the EPCM does not change.",
      expect: withEpcm(OK_EEXIT, { [eager]: { type: "REG", perms: "RW-", pr: false } }),
    }),
    restrictPageToR(
      EAGER,
      "The ocall edmm_restrict_pages_perm(): the host asks the kernel to restrict the page to R. EMODPR clears W and sets PR; ETRACK follows. The mapping stays RW.",
    ),
    acceptRestrictionToR(TCS1, EAGER, "EACCEPT(REG|PR|R): the enclave accepts the restriction; PR clears."),
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: lazy, length: hex(PAGE_SIZE), page_type: "TRIM" },
      {
        note: "sgx_edmm_remove_pages() on the lazily allocated page: the ocall edmm_modify_pages_type(TRIM). EMODT makes it TRIM with no permissions and MODIFIED; ETRACK follows.",
        expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
          [lazy]: { type: "TRIM", perms: "---", modified: true, pending: false, pr: false },
        }),
      },
    ),
    eenter(TCS1, eaccept(LAZY, "TRIM|MODIFIED"), {
      note: "EACCEPT(TRIM|MODIFIED): the enclave agrees to lose the page.",
      expect: withEpcm(OK_LEAF, {
        [lazy]: { type: "TRIM", perms: "---", modified: false, pending: false, pr: false },
      }),
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      { offset: lazy, length: hex(PAGE_SIZE) },
      {
        note: "The ocall edmm_remove_pages(): REMOVE_PAGES unmaps the accepted TRIM page and EREMOVEs it; its EPC page is free again.",
        expect: withEpcm(succeeds({ count: hex(PAGE_SIZE) }), { [lazy]: { valid: false } }),
      },
    ),
    eenter(TCS1, read(EAGER), {
      note: "The restricted page still reads (zero, as EAUG left it).",
      expect: okValue("0x0"),
    }),
    eenter(TCS1, write(EAGER, MAGIC), {
      note: "A write to it passes the page tables (the mapping is still RW) but not the EPCM, which says R: #PF with the SGX bit (0x8007). Gramine's memfault handler finds the page not writable and passes the fault on to the application as a memory fault.",
      expect: withEpcm(faulted("0x8007", EAGER), { [eager]: { type: "REG", perms: "R--" } }),
    }),
  ],
});
