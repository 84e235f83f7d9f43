// Reviewer mode: each enclave ioctl's checks in the order the v6.0 driver makes them
// (arch/x86/kernel/cpu/sgx/ioctl.c), with the errno each one returns. The ioctl code
// (ioctl.ts) records every check it makes (`passCheck`) and the one that refused
// (`refuse(..., check)`); `reviewOf` turns that record into the trace step's `review`.
// Checks the driver makes that the engine cannot fail are left out: copy_from_user() and
// copy_to_user() (scenario arguments are always readable), kmalloc(), signal_pending(), and
// __sgx_encl_add_page()'s checks of the source page (OMITTED_CHECKS says why).

import type { Kernel } from "./kernel.ts";
import { atLeast, DEFAULT_KERNEL, type KernelVersion } from "./versions.ts";

export interface DriverCheck {
  id: string;
  /** What must hold, in a few words. */
  test: string;
  /** The kernel function that makes the check. */
  fn: string;
  /** What the ioctl returns when it does not hold. */
  errno: string;
  /** Made once per page, inside the ioctl's loop. */
  perPage?: boolean;
  /** The kernel version that added the check (absent: present in every version modelled). */
  since?: KernelVersion;
  /** Functions called just before the check is made (shown in the call path). */
  before?: string[];
  /** Functions this step calls once it passes (shown in the call path). */
  calls?: string[];
}

export type CheckStatus = "passed" | "failed" | "not reached" | "not applicable";

export interface IoctlReview {
  ioctl: string;
  /** The kernel functions the call went through, outermost first. */
  path: string[];
  checks: Array<{
    id: string;
    test: string;
    fn: string;
    errno: string;
    per_page: boolean;
    status: CheckStatus;
  }>;
  /** The check that refused the call, or null when every check passed. */
  decided: string | null;
  /** Checks the driver makes that no scenario can reach, with the reason (absent when none). */
  omitted?: Array<{ test: string; fn: string; errno: string; after: string; why: string }>;
}

const SGX2_READY: DriverCheck[] = [
  { id: "sgx2.cpu", test: "the CPU supports SGX2", fn: "sgx_ioc_sgx2_ready", errno: "ENODEV" },
  { id: "sgx2.initialized", test: "the enclave is initialized", fn: "sgx_ioc_sgx2_ready", errno: "EINVAL" },
];

const RANGE: DriverCheck = {
  id: "range",
  test: "offset and length are page aligned, length is not 0, the range ends inside ELRANGE",
  fn: "sgx_validate_offset_length",
  errno: "EINVAL",
};

/** ioctl.c: sgx_validate_offset_length(): the overflow check added in v6.1. */
const RANGE_OVERFLOW: DriverCheck = {
  id: "range.overflow",
  test: "offset + length does not wrap past 2^64",
  fn: "sgx_validate_offset_length",
  errno: "EINVAL",
  since: "v6.1",
};

const LOAD_PAGE: DriverCheck = {
  id: "page.load",
  test: "the enclave has a page there (ELDU loads it back if evicted; EBUSY becomes EAGAIN)",
  fn: "sgx_encl_load_page",
  errno: "EFAULT",
  perPage: true,
  before: ["sgx_reclaim_direct"],
};

const ETRACK: DriverCheck = {
  id: "etrack",
  test: "ETRACK succeeds (retried once after IPIs)",
  fn: "sgx_enclave_etrack",
  errno: "EFAULT",
  perPage: true,
  calls: ["__etrack", "on_each_cpu_mask(sgx_ipi_cb)"],
};

/**
 * Checks the driver makes that no scenario can reach, so the tables above leave them out, with
 * the reason. `after` names the listed check they follow in ioctl.c.
 */
export const OMITTED_CHECKS: Record<string, Array<DriverCheck & { after: string; why: string }>> = {
  SGX_IOC_ENCLAVE_ADD_PAGES: [
    {
      id: "add.src.vma",
      test: "find_vma() finds a mapping at src",
      fn: "__sgx_encl_add_page",
      errno: "EFAULT",
      perPage: true,
      after: "add.free",
      why: "a scenario describes no source mapping: src is only an aligned number and the page's contents come from `data`/`tcs`",
    },
    {
      id: "add.src.noexec",
      test: "the source's VMA has VM_MAYEXEC (not on a noexec mount)",
      fn: "__sgx_encl_add_page",
      errno: "EACCES",
      perPage: true,
      after: "add.free",
      why: "a scenario cannot say where the source lives, so it cannot put it on a noexec mount",
    },
    {
      id: "add.src.gup",
      test: "get_user_pages() pins the source page",
      fn: "__sgx_encl_add_page",
      errno: "EFAULT",
      perPage: true,
      after: "add.free",
      why: "without a source mapping there is nothing to fail to pin",
    },
  ],
};

/**
 * The checks of each ioctl, keyed by its command name, in the driver's order. `entry` is the
 * ioctl's handler; `loop` the function whose per-page loop makes the per-page checks.
 */
export const IOCTL_CHECKS: Record<string, { entry: string; loop?: string; checks: DriverCheck[] }> = {
  SGX_IOC_ENCLAVE_CREATE: {
    entry: "sgx_ioc_enclave_create",
    checks: [
      {
        id: "create.new",
        test: "the enclave is not created yet",
        fn: "sgx_ioc_enclave_create",
        errno: "EINVAL",
      },
      {
        id: "create.va",
        test: "an EPC page for the enclave's first VA page",
        fn: "sgx_encl_grow",
        errno: "ENOMEM",
      },
      { id: "create.secs", test: "an EPC page for the SECS", fn: "sgx_alloc_epc_page", errno: "ENOMEM" },
      { id: "create.ecreate", test: "ECREATE accepts the SECS", fn: "__ecreate", errno: "EIO" },
    ],
  },
  SGX_IOC_ENCLAVE_ADD_PAGES: {
    entry: "sgx_ioc_enclave_add_pages",
    loop: "sgx_encl_add_page",
    checks: [
      {
        id: "add.state",
        test: "the enclave is created and not yet initialized",
        fn: "sgx_ioc_enclave_add_pages",
        errno: "EINVAL",
      },
      { id: "add.src", test: "src is page aligned", fn: "sgx_ioc_enclave_add_pages", errno: "EINVAL" },
      RANGE,
      RANGE_OVERFLOW,
      {
        id: "add.secinfo.type",
        test: "SECINFO's page type is REG or TCS",
        fn: "sgx_validate_secinfo",
        errno: "EINVAL",
      },
      {
        id: "add.secinfo.wr",
        test: "SECINFO has no W without R",
        fn: "sgx_validate_secinfo",
        errno: "EINVAL",
      },
      {
        id: "add.secinfo.tcs",
        test: "a TCS's SECINFO has no permission bits",
        fn: "sgx_validate_secinfo",
        errno: "EINVAL",
      },
      {
        id: "add.secinfo.reserved",
        test: "SECINFO has no reserved bits",
        fn: "sgx_validate_secinfo",
        errno: "EINVAL",
      },
      {
        id: "add.epc",
        test: "an EPC page for the new page",
        fn: "sgx_alloc_epc_page",
        errno: "ENOMEM",
        perPage: true,
      },
      {
        id: "add.va",
        test: "a VA slot for the page's version",
        fn: "sgx_encl_grow",
        errno: "ENOMEM",
        perPage: true,
      },
      { id: "add.free", test: "no page at that offset yet", fn: "xa_insert", errno: "EBUSY", perPage: true },
      // __sgx_encl_add_page()'s checks of the source (find_vma(), VM_MAYEXEC, get_user_pages())
      // come here: see OMITTED_CHECKS.
      {
        id: "add.eadd",
        test: "EADD succeeds",
        fn: "__sgx_encl_add_page",
        errno: "EIO",
        perPage: true,
        calls: ["__eadd"],
      },
      {
        id: "add.eextend",
        test: "EEXTEND succeeds (SGX_PAGE_MEASURE)",
        fn: "__sgx_encl_extend",
        errno: "EIO",
        perPage: true,
        calls: ["__eextend"],
      },
    ],
  },
  SGX_IOC_ENCLAVE_INIT: {
    entry: "sgx_ioc_enclave_init",
    checks: [
      {
        id: "init.state",
        test: "the enclave is created and not yet initialized",
        fn: "sgx_ioc_enclave_init",
        errno: "EINVAL",
      },
      {
        id: "init.vendor",
        test: "SIGSTRUCT's vendor is 0x0000 or 0x8086",
        fn: "sgx_ioc_enclave_init",
        errno: "EINVAL",
      },
      {
        id: "init.attributes",
        test: "only allowed attributes (PROVISIONKEY needs SGX_IOC_ENCLAVE_PROVISION)",
        fn: "sgx_encl_init",
        errno: "EACCES",
      },
      {
        id: "init.reserved",
        test: "SIGSTRUCT requires no reserved ATTRIBUTES, MISCSELECT or XFRM bits",
        fn: "sgx_encl_init",
        errno: "EINVAL",
      },
      // ioctl.c: sgx_encl_init() runs __einit() itself (there is no sgx_einit()): a fault
      // (encls_faulted()) becomes EIO, an SGX error code EPERM.
      {
        id: "init.fault",
        test: "EINIT does not fault (a fault becomes EIO)",
        fn: "sgx_encl_init",
        errno: "EIO",
        before: ["__einit"],
      },
      {
        id: "init.einit",
        test: "EINIT returns 0 (an SGX error code becomes EPERM)",
        fn: "sgx_encl_init",
        errno: "EPERM",
      },
    ],
  },
  SGX_IOC_ENCLAVE_PROVISION: {
    entry: "sgx_ioc_enclave_provision",
    // The scenario's fd is always /dev/sgx_provision, so sgx_set_attribute() cannot refuse here.
    checks: [],
  },
  SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS: {
    entry: "sgx_ioc_enclave_restrict_permissions",
    loop: "sgx_enclave_restrict_permissions",
    checks: [
      ...SGX2_READY,
      RANGE,
      RANGE_OVERFLOW,
      {
        id: "rp.bits",
        test: "permissions has no bits besides R, W and X",
        fn: "sgx_ioc_enclave_restrict_permissions",
        errno: "EINVAL",
      },
      {
        id: "rp.wr",
        test: "permissions has no W without R (EMODPR would #GP)",
        fn: "sgx_ioc_enclave_restrict_permissions",
        errno: "EINVAL",
      },
      {
        id: "rp.inout",
        test: "result and count are 0 on input",
        fn: "sgx_ioc_enclave_restrict_permissions",
        errno: "EINVAL",
      },
      LOAD_PAGE,
      {
        id: "rp.reg",
        test: "the page is REG in the kernel's records",
        fn: "sgx_enclave_restrict_permissions",
        errno: "EINVAL",
        perPage: true,
      },
      {
        id: "rp.emodpr",
        test: "EMODPR succeeds (an SGX error code is written to result)",
        fn: "__emodpr",
        errno: "EFAULT",
        perPage: true,
      },
      ETRACK,
    ],
  },
  SGX_IOC_ENCLAVE_MODIFY_TYPES: {
    entry: "sgx_ioc_enclave_modify_types",
    loop: "sgx_enclave_modify_types",
    checks: [
      ...SGX2_READY,
      RANGE,
      RANGE_OVERFLOW,
      {
        id: "mt.mask",
        test: "page_type has no bits outside SGX_PAGE_TYPE_MASK",
        fn: "sgx_ioc_enclave_modify_types",
        errno: "EINVAL",
      },
      {
        id: "mt.inout",
        test: "result and count are 0 on input",
        fn: "sgx_ioc_enclave_modify_types",
        errno: "EINVAL",
      },
      {
        id: "mt.type",
        test: "the new type is SGX_PAGE_TYPE_TCS or SGX_PAGE_TYPE_TRIM",
        fn: "sgx_enclave_modify_types",
        errno: "EINVAL",
      },
      LOAD_PAGE,
      {
        id: "mt.from",
        test: "REG becomes TCS or TRIM, TCS becomes TRIM",
        fn: "sgx_enclave_modify_types",
        errno: "EINVAL",
        perPage: true,
      },
      {
        id: "mt.tcs.prot",
        test: "a new TCS: the page's vm_max_prot_bits include R and W",
        fn: "sgx_enclave_modify_types",
        errno: "EPERM",
        perPage: true,
      },
      {
        id: "mt.tcs.reclaim",
        test: "a new TCS: the page is not being reclaimed (then its PTEs are zapped)",
        fn: "sgx_unmark_page_reclaimable",
        errno: "EAGAIN",
        perPage: true,
        calls: ["sgx_zap_enclave_ptes"],
      },
      {
        id: "mt.emodt",
        test: "EMODT succeeds (an SGX error code is written to result)",
        fn: "__emodt",
        errno: "EFAULT",
        perPage: true,
      },
      ETRACK,
    ],
  },
  SGX_IOC_ENCLAVE_REMOVE_PAGES: {
    entry: "sgx_ioc_enclave_remove_pages",
    loop: "sgx_encl_remove_pages",
    checks: [
      ...SGX2_READY,
      RANGE,
      RANGE_OVERFLOW,
      { id: "rm.count", test: "count is 0 on input", fn: "sgx_ioc_enclave_remove_pages", errno: "EINVAL" },
      LOAD_PAGE,
      { id: "rm.trim", test: "the page is TRIM", fn: "sgx_encl_remove_pages", errno: "EPERM", perPage: true },
      {
        id: "rm.accepted",
        test: "EMODPR(RWX) faults with #PF: the enclave has EACCEPTed the trim",
        fn: "__emodpr",
        errno: "EPERM",
        perPage: true,
      },
      {
        id: "rm.reclaim",
        test: "the page is not being reclaimed (then PTEs zapped, EREMOVE)",
        fn: "sgx_unmark_page_reclaimable",
        errno: "EBUSY",
        perPage: true,
        calls: ["sgx_zap_enclave_ptes", "sgx_encl_free_epc_page", "__eremove"],
      },
    ],
  },
};

/** The check `id` held (the driver went on past it). */
export function passCheck(k: Kernel, id: string): void {
  if (k.review && !k.review.passed.includes(id)) k.review.passed.push(id);
}

/** The check `id` refused the call. */
export function failCheck(k: Kernel, id: string): void {
  if (k.review && k.review.decided === null) k.review.decided = id;
}

/** The review of one ioctl call from what its code recorded. */
export function reviewOf(
  cmd: string,
  passed: string[],
  decided: string | null,
  version: KernelVersion = DEFAULT_KERNEL,
): IoctlReview | undefined {
  const table = IOCTL_CHECKS[cmd];
  if (!table) return undefined;
  // The checks follow the kernel version (versions.ts): a check added later is absent before.
  const listed = table.checks.filter((c) => c.since === undefined || atLeast(version, c.since));
  const order = listed.map((c) => c.id);
  const decidedAt = decided === null ? -1 : order.indexOf(decided);
  const checks = listed.map((c, i) => {
    let status: CheckStatus;
    if (c.id === decided) status = "failed";
    else if (passed.includes(c.id)) status = "passed";
    else if (decidedAt >= 0 && i > decidedAt) status = "not reached";
    else status = "not applicable"; // a conditional check this call did not need (e.g. TRIM skips the TCS checks)
    return { id: c.id, test: c.test, fn: c.fn, errno: c.errno, per_page: c.perPage ?? false, status };
  });
  // The call path: the functions of the checks made, in the order they were made.
  const path = ["sgx_ioctl", table.entry];
  const made = [...passed, ...(decided ? [decided] : [])];
  for (const id of made) {
    const c = table.checks.find((x) => x.id === id);
    if (!c) continue;
    const fns = [
      ...(c.perPage && table.loop ? [table.loop] : []),
      ...(c.before ?? []),
      c.fn,
      // What a check leads to is called only when it passes.
      ...(c.id === decided ? [] : (c.calls ?? [])),
    ];
    for (const fn of fns) if (!path.includes(fn)) path.push(fn);
  }
  const omitted = OMITTED_CHECKS[cmd]?.map(({ test, fn, errno, after, why }) => ({
    test,
    fn,
    errno,
    after,
    why,
  }));
  return { ioctl: cmd, path, checks, decided, ...(omitted ? { omitted } : {}) };
}
