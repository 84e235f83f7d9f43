// Selftest `remove_untouched_page` (selftests main.c: TEST_F(enclave, remove_untouched_page)): trim, accept and remove a page
// that has not been touched since the build (no PTE yet). EACCEPT's access faults the page
// in through the ordinary fault path (the kernel maps TRIM pages like any other,
// encl.c: sgx_vma_fault()), then REMOVE_PAGES succeeds (ioctl.c: sgx_ioc_enclave_remove_pages(), ioctl.c: sgx_encl_remove_pages()).

import { eaccept } from "./calls.ts";
import { OK_LEAF, succeeds, withEpcm } from "./expect.ts";
import { sgx2ProbeModifyTypes } from "./probes.ts";
import { DATA_START, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";
import { trimDataStart } from "./trim-data-start.ts";

const description =
  "Trim, accept and remove a data page that was never touched since the build: the whole removal protocol succeeds.";

export const removeUntouchedPage = flow(
  "remove-untouched-page",
  "remove_untouched_page: trim, accept, remove",
  description,
  {
    steps: [
      ...standardBuild(),
      sgx2ProbeModifyTypes(),
      trimDataStart(),
      eenter(TCS1, eaccept(DATA_START, "TRIM|MODIFIED"), {
        note: "EACCEPT(TRIM|MODIFIED) on data_start: the page has no PTE yet, so EACCEPT's access first faults and the kernel maps it; then the trim is accepted.",
        expect: withEpcm(OK_LEAF, {
          [hex(DATA_START)]: { type: "TRIM", perms: "---", modified: false, pending: false, pr: false },
        }),
      }),
      ioctl(
        "SGX_IOC_ENCLAVE_REMOVE_PAGES",
        { offset: hex(DATA_START), length: hex(PAGE_SIZE) },
        {
          note: "REMOVE_PAGES: the page is TRIM and accepted (the kernel's EMODPR probe faults), so the kernel unmaps it and EREMOVEs it.",
          // EREMOVE frees the EPC page: VALID = 0 (SDM: EREMOVE).
          expect: withEpcm(succeeds({ count: hex(PAGE_SIZE) }), { [hex(DATA_START)]: { valid: false } }),
        },
      ),
    ],
  },
);
