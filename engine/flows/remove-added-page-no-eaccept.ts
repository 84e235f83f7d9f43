// Selftest `remove_added_page_no_eaccept` (selftests main.c: TEST_F(enclave, remove_added_page_no_eaccept)): REMOVE_PAGES on a page
// trimmed by the kernel but not accepted by the enclave is refused. The kernel probes with
// EMODPR: on a TRIM page with MODIFIED = 1 it returns SGX_PAGE_NOT_MODIFIABLE instead of
// faulting, so the removal was not accepted → EPERM, count 0 (ioctl.c: sgx_ioc_enclave_remove_pages();
// SDM: EMODPR).

import { fails, withEpcm } from "./expect.ts";
import { DATA_START, standardBuild } from "./standard-build.ts";
import { flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";
import { putGetTrim } from "./trim-data-start.ts";

const description =
  "Trim a data page but skip the enclave's EACCEPT: the kernel refuses to remove it (EPERM), because the enclave never agreed.";

export const removeAddedPageNoEaccept = flow(
  "remove-added-page-no-eaccept",
  "remove_added_page_no_eaccept: no removal without EACCEPT",
  description,
  {
    steps: [
      ...standardBuild(),
      ...putGetTrim(),
      ioctl(
        "SGX_IOC_ENCLAVE_REMOVE_PAGES",
        { offset: hex(DATA_START), length: hex(PAGE_SIZE) },
        {
          note: "REMOVE_PAGES without EACCEPT: the kernel's EMODPR probe returns SGX_PAGE_NOT_MODIFIABLE (the trim is still MODIFIED, i.e. not accepted), so it refuses with EPERM and removes nothing.",
          expect: withEpcm(fails("EPERM", { count: "0x0" }), {
            [hex(DATA_START)]: { valid: true, type: "TRIM", perms: "---", modified: true },
          }),
        },
      ),
    ],
  },
);
