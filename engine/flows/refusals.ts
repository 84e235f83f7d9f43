// Refusals (not a selftest): requests that the real kernel or CPU turns down, each with the
// errno or SGX code it gives. Sources, per step: ioctl.c (ioctls), encl.c: sgx_encl_may_map(), sgx_vma_mprotect()
// (mmap), vsgx.S: __vdso_sgx_enter_enclave (vDSO reports); SDM: EMODPR, EMODT, EENTER/ERESUME, EACCEPT (leaves).

import { eaccept, nop, write } from "./calls.ts";
import { EEXIT_Z, fails, faulted, OK_EEXIT, OK_LEAF, withEpcm } from "./expect.ts";
import {
  DATA_OFF,
  DATA_START,
  enclaveSize,
  HEAP,
  standardBuild,
  TCS1,
  TCS2,
  TEXT,
  TOTAL_SIZE,
} from "./standard-build.ts";
import { eenter, eresume, flow, hex, ioctl, mmap, PAGE_SIZE } from "./steps.ts";

const description =
  "A catalogue of real refusals: ioctls the kernel rejects (EINVAL, EPERM, EFAULT, ENOTTY), mappings it denies (EACCES), leaves that fail.";

const SIZE = enclaveSize();
const pendingPage = { valid: true, type: "REG", perms: "RW-", pending: true, modified: false, pr: false };

export const refusals = flow("refusals", "Refusals: what the kernel and the CPU turn down", description, {
  steps: [
    ...standardBuild(),
    // Enclave life cycle: CREATE once, ADD_PAGES only before INIT, INIT once (ioctl.c: sgx_ioc_enclave_create(), _add_pages(), _init()).
    ioctl(
      "SGX_IOC_ENCLAVE_CREATE",
      { size: hex(SIZE), ssa_frame_size: 1, attributes: "MODE64BIT", xfrm: 3 },
      {
        note: "CREATE a second time on the same fd: the enclave already exists → EINVAL.",
        expect: fails("EINVAL"),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_ADD_PAGES",
      { offset: hex(TOTAL_SIZE), length: hex(PAGE_SIZE), secinfo: "R|W|REG", flags: 0 },
      {
        note: "ADD_PAGES after INIT: EADD only works on an enclave that is not initialized yet (later pages come from EAUG) → EINVAL.",
        expect: fails("EINVAL"),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_INIT",
      {},
      {
        note: "INIT a second time → EINVAL.",
        expect: fails("EINVAL"),
      },
    ),
    ioctl(
      "SGX_IOC_VEPC_REMOVE_ALL",
      {},
      {
        note: "SGX_IOC_VEPC_REMOVE_ALL exists only on /dev/sgx_vepc (for virtual machines); /dev/sgx_enclave does not know it → ENOTTY.",
        expect: fails("ENOTTY"),
      },
    ),
    // SGX2 ioctls (ioctl.c: sgx_ioc_enclave_restrict_permissions(), _modify_types(), _remove_pages()).
    ioctl(
      "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      { offset: hex(TCS2), length: hex(PAGE_SIZE), permissions: "R" },
      {
        note: "RESTRICT_PERMISSIONS on TCS#2: only regular pages have permissions to restrict → EINVAL, nothing done (as in the tcs_permissions selftest).",
        expect: withEpcm(fails("EINVAL", { result: "0x0", count: "0x0" }), {
          [hex(TCS2)]: { type: "TCS", perms: "---", pr: false },
        }),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      { offset: hex(DATA_START), length: hex(PAGE_SIZE), permissions: "W" },
      {
        note: "RESTRICT_PERMISSIONS to W without R: a writable page must be readable → EINVAL before any page is touched.",
        expect: fails("EINVAL"),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: hex(TEXT), length: hex(PAGE_SIZE), page_type: "TCS" },
      {
        note: "MODIFY_TYPES of a code page → TCS: a TCS must be mappable read/write, but this page was added R-X (its vm_max_prot lacks W) → EPERM.",
        expect: withEpcm(fails("EPERM", { result: "0x0", count: "0x0" }), {
          [hex(TEXT)]: { type: "REG", perms: "R-X", modified: false },
        }),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: hex(DATA_START), length: hex(PAGE_SIZE), page_type: "REG" },
      {
        note: "MODIFY_TYPES → REG: EMODT can only make TCS or TRIM pages → EINVAL.",
        expect: fails("EINVAL"),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      { offset: hex(DATA_START), length: hex(PAGE_SIZE) },
      {
        note: "REMOVE_PAGES on a regular page: only pages trimmed (MODIFY_TYPES → TRIM) and accepted by the enclave can be removed → EPERM.",
        expect: withEpcm(fails("EPERM", { count: "0x0" }), {
          [hex(DATA_START)]: { valid: true, type: "REG", perms: "RW-" },
        }),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_REMOVE_PAGES",
      { offset: hex(TOTAL_SIZE), length: hex(PAGE_SIZE) },
      {
        note: "REMOVE_PAGES where the enclave has no page (0xc000): the kernel cannot load it → EFAULT.",
        expect: fails("EFAULT", { count: "0x0" }),
      },
    ),
    // ENCLU leaves.
    eenter(TCS1, eaccept(DATA_START, "R|W|REG|PENDING"), {
      note: "EACCEPT(R|W|REG|PENDING) on data_start, which is not pending: the flags do not match the EPCM → SGX_PAGE_ATTRIBUTES_MISMATCH (19) in RAX; the enclave exits normally.",
      expect: { ret: 0, run: EEXIT_Z, call: { ret: 19, ret_name: "SGX_PAGE_ATTRIBUTES_MISMATCH" } },
    }),
    // A PENDING page cannot be restricted or retyped (EMODPR/EMODT → 20).
    mmap(TOTAL_SIZE, PAGE_SIZE, "PROT_READ|PROT_WRITE|PROT_EXEC", {
      note: "Map one page past the heap (0xc000) read/write/execute for a dynamic page.",
    }),
    eenter(TCS1, write(TOTAL_SIZE, "0x1"), {
      note: "Write to 0xc000: the kernel EAUGs a PENDING page and the retried write faults (0x8007). TCS#1 waits in its AEX.",
      expect: withEpcm(faulted("0x8007", TOTAL_SIZE), { [hex(TOTAL_SIZE)]: pendingPage }),
    }),
    ioctl(
      "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
      { offset: hex(TOTAL_SIZE), length: hex(PAGE_SIZE), permissions: "R" },
      {
        note: "RESTRICT_PERMISSIONS on the PENDING page: EMODPR returns SGX_PAGE_NOT_MODIFIABLE (20); the kernel reports it in result and fails with EFAULT.",
        expect: withEpcm(fails("EFAULT", { result: "0x14", count: "0x0" }), {
          [hex(TOTAL_SIZE)]: pendingPage,
        }),
      },
    ),
    ioctl(
      "SGX_IOC_ENCLAVE_MODIFY_TYPES",
      { offset: hex(TOTAL_SIZE), length: hex(PAGE_SIZE), page_type: "TRIM" },
      {
        note: "MODIFY_TYPES → TRIM on the PENDING page: EMODT returns SGX_PAGE_NOT_MODIFIABLE (20) → result 0x14, EFAULT.",
        expect: withEpcm(fails("EFAULT", { result: "0x14", count: "0x0" }), {
          [hex(TOTAL_SIZE)]: pendingPage,
        }),
      },
    ),
    eenter(TCS1, nop(), {
      note: "EENTER on TCS#1 while its thread waits in an AEX: its only SSA frame is in use (CSSA = NSSA = 1), so EENTER itself raises #GP(0); the vDSO reports function EENTER, vector 13.",
      expect: {
        ret: 0,
        run: {
          function: "EENTER",
          exception_vector: 13,
          exception_error_code: "0x0",
          exception_addr: "0x0",
        },
      },
    }),
    eenter(TCS2, eaccept(TOTAL_SIZE, "R|W|REG|PENDING"), {
      note: "Clean up from TCS#2: EACCEPT the pending page ...",
      expect: OK_LEAF,
    }),
    eresume(TCS1, {
      note: "... and ERESUME TCS#1: its write completes.",
      expect: OK_EEXIT,
    }),
    // mmap/mprotect (encl.c: sgx_encl_may_map(), sgx_vma_mprotect()). Last, because a refused MAP_FIXED mmap may already have removed
    // the old mapping of that range.
    mmap(DATA_OFF, 7 * PAGE_SIZE, "PROT_READ|PROT_WRITE|PROT_EXEC", {
      note: "mmap the data pages with PROT_EXEC: they were added R|W, and no mapping may exceed a page's build-time permissions (vm_max_prot) → EACCES.",
      expect: fails("EACCES"),
    }),
    mmap(HEAP, PAGE_SIZE, "PROT_READ|PROT_WRITE", {
      flags: "MAP_PRIVATE|MAP_FIXED",
      note: "mmap with MAP_PRIVATE: enclave memory can only be mapped shared → EINVAL.",
      expect: fails("EINVAL"),
    }),
    mmap(SIZE, PAGE_SIZE, "PROT_READ|PROT_WRITE", {
      note: `mmap just past the end of ELRANGE (${hex(SIZE)}): after INIT only the enclave's own range can be mapped → EACCES.`,
      expect: fails("EACCES"),
    }),
  ],
});
