// Selftest `tcs_permissions` (selftests main.c: TEST_F(enclave, tcs_permissions)): the kernel refuses to run EMODPR on a
// TCS page. RESTRICT_PERMISSIONS checks the page type before EMODPR and returns EINVAL with
// result 0 and count 0 (ioctl.c: sgx_ioc_enclave_restrict_permissions(); EMODPR itself would #PF on a non-REG page,
// SDM: EMODPR).

import { fails } from "./expect.ts";
import { sgx2ProbeRestrict } from "./probes.ts";
import { standardBuild, TCS1 } from "./standard-build.ts";
import { flow, hex, ioctl, PAGE_SIZE } from "./steps.ts";

const description =
  "Ask the kernel to restrict the permissions of a TCS page: it refuses (EINVAL), since EMODPR only works on regular pages.";

export const tcsPermissions = flow(
  "tcs-permissions",
  "tcs_permissions: EMODPR on a TCS is refused",
  description,
  {
    steps: [
      ...standardBuild(),
      sgx2ProbeRestrict(),
      ioctl(
        "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        { offset: hex(TCS1), length: hex(PAGE_SIZE), permissions: "R" },
        {
          note: "Restrict TCS#1 to R: the kernel sees the page is a TCS, not a regular page, and refuses before running EMODPR.",
          expect: fails("EINVAL", { result: "0x0", count: "0x0" }),
        },
      ),
    ],
  },
);
