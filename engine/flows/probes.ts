// The selftests' SGX2 ioctl probes (selftests main.c): issue the ioctl with an
// all-zero struct. A kernel without the ioctl answers ENOTTY and a CPU without SGX2 ENODEV
// (the test skips); otherwise the test expects ret == -1. With SGX2 the kernel refuses the
// zero length with EINVAL (sgx_validate_offset_length, ioctl.c: sgx_ioctl(), sgx_validate_offset_length(), ioctl.c: sgx_ioc_enclave_restrict_permissions(), ioctl.c: sgx_ioc_enclave_modify_types()).

import { fails } from "./expect.ts";
import { ioctl, type RawStep } from "./steps.ts";

export function sgx2ProbeRestrict(enclave?: string): RawStep {
  return ioctl(
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    { offset: "0x0", length: "0x0", permissions: "0x0" },
    {
      enclave,
      note: "SGX2 probe: RESTRICT_PERMISSIONS with an all-zero struct. EINVAL (length 0) means the kernel and the CPU support SGX2 (ENOTTY or ENODEV would skip the test).",
      expect: fails("EINVAL"),
    },
  );
}

export function sgx2ProbeModifyTypes(enclave?: string): RawStep {
  return ioctl(
    "SGX_IOC_ENCLAVE_MODIFY_TYPES",
    { offset: "0x0", length: "0x0", page_type: "0x0" },
    {
      enclave,
      note: "SGX2 probe: MODIFY_TYPES with an all-zero struct. EINVAL (length 0) means the kernel and the CPU support SGX2 (ENOTTY or ENODEV would skip the test).",
      expect: fails("EINVAL"),
    },
  );
}
