// Steps shared by the selftests `remove_added_page_no_eaccept`,
// `remove_added_page_invalid_access` and `remove_added_page_invalid_access_after_eaccept`
// (selftests main.c: TEST_F(enclave, remove_added_page_no_eaccept), its first four steps): the MODIFY_TYPES probe, PUT and GET of MAGIC at
// data_start, then MODIFY_TYPES → TRIM on that page (ret 0, result 0, count 4096).
// EMODT → TRIM gives PT = TRIM, RWX = 0, MODIFIED = 1 (SDM: EMODT, EACCEPT, EREMOVE).

import { succeeds, withEpcm } from "./expect.ts";
import { putGet } from "./patterns.ts";
import { sgx2ProbeModifyTypes } from "./probes.ts";
import { DATA_START, MAGIC, TCS1 } from "./standard-build.ts";
import { hex, ioctl, PAGE_SIZE, type RawStep } from "./steps.ts";

/** MODIFY_TYPES {offset = data_off + 4096, length = 4096, page_type = TRIM}. */
export function trimDataStart(): RawStep {
  return ioctl(
    "SGX_IOC_ENCLAVE_MODIFY_TYPES",
    { offset: hex(DATA_START), length: hex(PAGE_SIZE), page_type: "TRIM" },
    {
      note: "MODIFY_TYPES data_start → TRIM: the kernel runs EMODT (type TRIM, permissions cleared, MODIFIED set) and ETRACK. The PTE stays in place.",
      expect: withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
        [hex(DATA_START)]: { type: "TRIM", perms: "---", modified: true, pending: false, pr: false },
      }),
    },
  );
}

export function putGetTrim(): RawStep[] {
  return [
    sgx2ProbeModifyTypes(),
    ...putGet(
      TCS1,
      DATA_START,
      MAGIC,
      "Write MAGIC to data_start, 0x5000 (PUT_TO_ADDRESS).",
      "Read it back (GET_FROM_ADDRESS).",
    ),
    trimDataStart(),
  ];
}
