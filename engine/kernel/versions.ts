// Kernel versions and what-if mutations (docs/scenario-format.md, Kernel versions and what-ifs).
// Each later version includes the earlier changes; a mutation removes one thing the driver does.

/** The releases the model knows, oldest first. */
export const KERNEL_VERSIONS = ["v6.0", "v6.1", "v6.6", "v6.6+edmm-races"] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];
export const DEFAULT_KERNEL: KernelVersion = "v6.0";

/** What each version adds, for messages and the docs. */
export const VERSION_CHANGES: Record<KernelVersion, string> = {
  "v6.0": "the driver as released in v6.0",
  "v6.1":
    'adds the overflow check in sgx_validate_offset_length() ("x86/sgx: Add overflow check in sgx_validate_offset_length()")',
  "v6.6":
    'adds sgx_encl_load_secs() before EAUG ("x86/sgx: Resolves SECS reclaim vs. page fault for EAUG race")',
  "v6.6+edmm-races": 'v6.6 plus the proposed series "x86/sgx: Fix two data races in EAUG/EREMOVE flows"',
};

/** The what-if mutations, with what each removes. */
export const MUTATIONS = {
  "no-ipi": "sgx_enclave_etrack() runs ETRACK but sends no IPI, and the reclaimer's EWB ladder skips its IPI",
  "no-etrack": "the SGX2 ioctls skip sgx_enclave_etrack() altogether",
  "no-accept-probe":
    "REMOVE_PAGES skips the EMODPR probe that refuses a TRIM page the enclave has not accepted",
  "no-type-check": "RESTRICT_PERMISSIONS and MODIFY_TYPES skip their page-type checks and let the CPU refuse",
  "no-ioctl-busy": "two ioctls on one enclave may interleave inside a race",
} as const;
export type Mutation = keyof typeof MUTATIONS;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as Mutation[];

export function isKernelVersion(v: unknown): v is KernelVersion {
  return typeof v === "string" && (KERNEL_VERSIONS as readonly string[]).includes(v);
}

export function isMutation(v: unknown): v is Mutation {
  return typeof v === "string" && Object.hasOwn(MUTATIONS, v);
}

/** True when `version` includes the change first released in `since`. */
export function atLeast(version: KernelVersion, since: KernelVersion): boolean {
  return KERNEL_VERSIONS.indexOf(version) >= KERNEL_VERSIONS.indexOf(since);
}

/** The kernel's version and mutations, as one object the ioctls consult. */
export class KernelConfig {
  readonly version: KernelVersion;
  /** ioctl.c: sgx_validate_offset_length(): `offset + length < offset` → EINVAL (v6.1). */
  readonly overflowCheck: boolean;
  /** encl.c: sgx_encl_eaug_page(): sgx_encl_load_secs() before EAUG (v6.6); before it, an evicted SECS is a NULL dereference. */
  readonly loadSecsBeforeEaug: boolean;
  /**
   * encl.c: sgx_encl_eaug_page(): a fault that loses the EAUG race (xa_insert() -EBUSY) returns
   * VM_FAULT_NOPAGE instead of SIGBUS ("x86/sgx: Fix two data races in EAUG/EREMOVE flows").
   */
  readonly eaugLoserNoPage: boolean;
  /**
   * ioctl.c: sgx_encl_remove_pages() and the REG→TCS path of sgx_enclave_modify_types() mark the
   * page busy before dropping encl->lock for sgx_zap_enclave_ptes(); a fault on it backs off
   * ("x86/sgx: Fix two data races in EAUG/EREMOVE flows").
   */
  readonly busyBeforeUnlock: boolean;
  readonly noIpi: boolean;
  readonly noEtrack: boolean;
  readonly noAcceptProbe: boolean;
  readonly noTypeCheck: boolean;
  readonly noIoctlBusy: boolean;
  constructor(version: KernelVersion = DEFAULT_KERNEL, mutate: readonly Mutation[] = []) {
    this.version = version;
    this.overflowCheck = atLeast(version, "v6.1");
    this.loadSecsBeforeEaug = atLeast(version, "v6.6");
    this.eaugLoserNoPage = atLeast(version, "v6.6+edmm-races");
    this.busyBeforeUnlock = atLeast(version, "v6.6+edmm-races");
    this.noIpi = mutate.includes("no-ipi");
    this.noEtrack = mutate.includes("no-etrack");
    this.noAcceptProbe = mutate.includes("no-accept-probe");
    this.noTypeCheck = mutate.includes("no-type-check");
    this.noIoctlBusy = mutate.includes("no-ioctl-busy");
  }
}
