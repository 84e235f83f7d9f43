// Selftest `remove_added_page_invalid_access` (selftests main.c: TEST_F(enclave, remove_added_page_invalid_access)): after MODIFY_TYPES →
// TRIM (not yet accepted) the page is still mapped, but the EPCM forbids any enclave access
// to a TRIM page: a read faults with the SGX bit, error code 0x8005 (SDM: access-control requirements,
// the code the selftests observe; ioctl.c: sgx_encl_remove_pages()).

import { read } from "./calls.ts";
import { faulted } from "./expect.ts";
import { DATA_START, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow } from "./steps.ts";
import { putGetTrim } from "./trim-data-start.ts";

const description =
  "Trim a data page, then read it from the enclave: the EPCM forbids access to a TRIM page, so the read faults (0x8005).";

export const removeAddedPageInvalidAccess = flow(
  "remove-added-page-invalid-access",
  "remove_added_page_invalid_access: a trimmed page faults",
  description,
  {
    steps: [
      ...standardBuild(),
      ...putGetTrim(),
      eenter(TCS1, read(DATA_START), {
        note: "Read the trimmed page (GET_FROM_ADDRESS): the PTE is still there, but the EPCM type is TRIM, so the read faults with the SGX bit (0x8005 = SGX|user|present).",
        expect: faulted("0x8005", DATA_START),
      }),
    ],
  },
);
