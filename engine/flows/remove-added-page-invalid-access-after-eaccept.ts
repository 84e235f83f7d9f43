// Selftest `remove_added_page_invalid_access_after_eaccept` (selftests main.c: TEST_F(enclave, remove_added_page_invalid_access_after_eaccept)): a page
// trimmed and accepted (TRIM, MODIFIED = 0) but not yet removed is still inaccessible: a read
// faults with 0x8005 (SDM: EACCEPT, access-control requirements; the code the selftests observe).

import { eaccept, read } from "./calls.ts";
import { faulted, OK_LEAF, withEpcm } from "./expect.ts";
import { DATA_START, standardBuild, TCS1 } from "./standard-build.ts";
import { eenter, flow, hex } from "./steps.ts";
import { putGetTrim } from "./trim-data-start.ts";

const description =
  "Trim a data page and accept the trim, but do not remove it: the page stays in the EPC and any enclave read still faults (0x8005).";

export const removeAddedPageInvalidAccessAfterEaccept = flow(
  "remove-added-page-invalid-access-after-eaccept",
  "remove_added_page_invalid_access_after_eaccept: trimmed and accepted",
  description,
  {
    steps: [
      ...standardBuild(),
      ...putGetTrim(),
      eenter(TCS1, eaccept(DATA_START, "TRIM|MODIFIED"), {
        note: "EACCEPT(TRIM|MODIFIED): the enclave accepts the trim; MODIFIED clears, the type stays TRIM.",
        expect: withEpcm(OK_LEAF, {
          [hex(DATA_START)]: { type: "TRIM", perms: "---", modified: false, pending: false, pr: false },
        }),
      }),
      eenter(TCS1, read(DATA_START), {
        note: "Read the page (GET_FROM_ADDRESS): it was not removed yet, but a TRIM page is never accessible: the read faults (0x8005).",
        expect: faulted("0x8005", DATA_START),
      }),
    ],
  },
);
