// Enarx's SGX shim (enarx crates/shim-sgx, host side src/backend/sgx), not a selftest. The order
// of operations follows the shim's handler:
//  - mmap: the shim asks the host to map the range from the enclave's fd, read/write
//    (MmapHost: MAP_SHARED|MAP_FIXED), then mmap_guest() accepts every page with EACCEPTCOPY
//    from a zero page, with the mapping's permissions. The target has no EPC page yet:
//    EACCEPTCOPY's own access faults and the kernel EAUGs on that fault (fault.c:
//    sgx_vma_fault() → sgx_encl_eaug_page()), then EACCEPTCOPY runs again (SDM: EACCEPTCOPY).
//  - mprotect of a mapped range: the host mprotects it and restricts the EPCM to R
//    (MprotectHost: SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS with PROT_READ), then the shim
//    EACCEPTs every page with R|PR and EMODPEs it up to the new permissions.
//  - munmap: SGX_IOC_ENCLAVE_MODIFY_TYPES → TRIM, EACCEPT(TRIM|MODIFIED) per page, then the
//    host munmaps and calls SGX_IOC_ENCLAVE_REMOVE_PAGES.
// Simplified: the selftest enclave stands in for the shim, and its heap page (0xb000, zero since
// the build) for the shim's static zero page; Enarx's retries of ioctls on EINTR/EAGAIN/EBUSY
// never happen here (one ioctl at a time).

import { DEFAULT_BASE } from "../scenario/run.ts";
import { eaccept, eacceptcopy, emodpe, exec, read, write } from "./calls.ts";
import { OK_EEXIT, OK_LEAF, okValue, succeeds, withEpcm } from "./expect.ts";
import { acceptRestrictionToR, restrictPageToR, runtimeMaps } from "./patterns.ts";
import { HEAP, MAGIC, standardBuild, TCS1, TOTAL_SIZE } from "./standard-build.ts";
import { eenter, flow, hex, ioctl, mprotect, munmap, PAGE_SIZE } from "./steps.ts";

const title = "Enarx: guest memory accepted by EACCEPTCOPY from a zero page";
const description =
  "Mirrors Enarx's SGX shim (crates/shim-sgx): guest mmap has the host map the range, then EACCEPTCOPY from a zero page commits each page (the kernel EAUGs on the fault); mprotect restricts to R, accepts with PR and extends with EMODPE; munmap trims, accepts and removes. Simplified: the test enclave's zero heap page stands in for the shim's zero page.";

/** The guest mapping: two pages past the heap. */
const ADDR = TOTAL_SIZE;
const CODE = TOTAL_SIZE + PAGE_SIZE;
const ZERO_PAGE = HEAP;
const first = hex(ADDR);
const code = hex(CODE);

export const enarxZeroPageAccept = flow("enarx-zero-page-accept", title, description, {
  steps: [
    ...standardBuild(),
    runtimeMaps(
      ADDR,
      2,
      DEFAULT_BASE,
      "The guest asks for two pages. The shim first has the host map them from the enclave's fd (MmapHost), read/write. Nothing is in the EPC there yet.",
    ),
    eenter(TCS1, eacceptcopy(ADDR, ZERO_PAGE, "R|W|REG"), {
      pages: 2,
      note: "mmap_guest(): EACCEPTCOPY(R|W|REG) of each page from the zero page. Each target has no PTE: the access faults, the kernel EAUGs a PENDING page and maps it, and EACCEPTCOPY runs again (the zero page's own PTE is faulted in on the way): it copies the zero page in and sets the permissions. Repeated on both pages.",
      expect: withEpcm(
        { ...OK_LEAF, repeated: 2 },
        {
          [first]: { valid: true, type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
          [code]: { valid: true, type: "REG", perms: "RW-", pending: false, modified: false, pr: false },
        },
      ),
    }),
    eenter(TCS1, read(ADDR), {
      note: "The new guest memory reads as zero: it holds a copy of the zero page.",
      expect: okValue("0x0"),
    }),
    eenter(TCS1, write(ADDR, MAGIC), {
      note: "The guest writes to it…",
      expect: OK_EEXIT,
    }),
    eenter(TCS1, read(ADDR), {
      note: "…and reads MAGIC back.",
      expect: okValue(MAGIC),
    }),
    mprotect(CODE, PAGE_SIZE, "PROT_READ|PROT_EXEC", {
      note: "The guest mprotects the second page read/execute (a loader finishing a code page). MprotectHost: the host mprotects it first…",
      expect: { ret: 0 },
    }),
    restrictPageToR(
      CODE,
      "…then restricts the EPCM to R, whatever the new protection (Enarx always restricts to PROT_READ). EMODPR clears W and sets PR; ETRACK follows.",
    ),
    acceptRestrictionToR(TCS1, CODE, "The shim EACCEPTs the restriction with R|PR; PR clears."),
    eenter(TCS1, emodpe(CODE, "R|X"), {
      note: "…and EMODPEs the page up to the new permissions, R|X: the EPCM now allows execution, and never allows writing again.",
      expect: withEpcm(OK_EEXIT, { [code]: { type: "REG", perms: "R-X", pr: false } }),
    }),
    eenter(TCS1, exec(CODE), {
      note: "An instruction fetch from the page works (EPCM R-X, mapping R-X).",
      expect: OK_EEXIT,
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: first, length: hex(PAGE_SIZE), page_type: "TRIM" },
      {
        note: "The guest munmaps the first page: the shim asks the host to change its type to TRIM. EMODT clears its permissions and sets MODIFIED; ETRACK follows.",
        expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
          [first]: { type: "TRIM", perms: "---", modified: true },
        }),
      },
    ),
    eenter(TCS1, eaccept(ADDR, "TRIM|MODIFIED"), {
      note: "The shim EACCEPTs the trim (TRIM|MODIFIED).",
      expect: withEpcm(OK_LEAF, { [first]: { type: "TRIM", perms: "---", modified: false } }),
    }),
    munmap(ADDR, PAGE_SIZE, {
      note: "MunmapHost: the host unmaps the page…",
      expect: { ret: 0 },
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      { offset: first, length: hex(PAGE_SIZE) },
      {
        note: "…and removes it: the accepted TRIM page is EREMOVEd and its EPC page is free again.",
        expect: withEpcm(succeeds({ count: hex(PAGE_SIZE) }), { [first]: { valid: false } }),
      },
    ),
  ],
});
