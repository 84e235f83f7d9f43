// The lock boundaries where the kernel model's code yields inside a `race` step
// (docs/scenario-format.md, Races: explicit interleavings). Each is a place where the driver takes
// or drops encl->lock, named after the code it models. A yield that names a lock being taken sits
// just before mutex_lock(); one that names an unlock sits just after mutex_unlock(): no
// participant ever holds encl->lock across a yield, so whatever runs between two yields is
// atomic, as the lock makes it.

/** sgx_vma_fault(): xa_load() found no page, so the fault goes on to EAUG (kernel/fault.ts). */
export const EAUG_LOCK =
  "encl.c: sgx_encl_eaug_page(): mutex_lock(&encl->lock) after xa_load() in sgx_vma_fault() found no page";
export const EAUG_UNLOCK = "encl.c: sgx_encl_eaug_page(): mutex_unlock(&encl->lock) before returning";

/** sgx_vma_fault(): xa_load() found a page; the locked part loads it (ELDU if evicted) and maps it. */
export const FAULT_LOCK = "encl.c: sgx_vma_fault(): mutex_lock(&encl->lock) after xa_load() found the page";
export const FAULT_UNLOCK = "encl.c: sgx_vma_fault(): mutex_unlock(&encl->lock) after vmf_insert_pfn()";
/** The page is busy (being reclaimed or removed): VM_FAULT_NOPAGE without a PTE; the access is retried. */
export const FAULT_UNLOCK_BUSY =
  "encl.c: sgx_vma_fault(): mutex_unlock(&encl->lock), the page is busy: VM_FAULT_NOPAGE, the access is retried";
/** The fault refused the page after taking the lock (gone, or vm_max_prot_bits): VM_FAULT_SIGBUS. */
export const FAULT_UNLOCK_SIGBUS = "encl.c: sgx_vma_fault(): mutex_unlock(&encl->lock), VM_FAULT_SIGBUS";

/** The per-page loops of the SGX2 ioctls: lock before a page, unlock after it (or on the error path). */
export const RESTRICT_LOCK =
  "ioctl.c: sgx_enclave_restrict_permissions(): mutex_lock(&encl->lock) for a page";
export const RESTRICT_UNLOCK = "ioctl.c: sgx_enclave_restrict_permissions(): mutex_unlock(&encl->lock)";
export const MODIFY_LOCK = "ioctl.c: sgx_enclave_modify_types(): mutex_lock(&encl->lock) for a page";
export const MODIFY_UNLOCK = "ioctl.c: sgx_enclave_modify_types(): mutex_unlock(&encl->lock)";
/** REG→TCS: the lock is dropped for sgx_zap_enclave_ptes(), which takes mmap_lock. */
export const MODIFY_ZAP_UNLOCK = "ioctl.c: sgx_enclave_modify_types(): unlock before sgx_zap_enclave_ptes()";
export const MODIFY_ZAP_RELOCK =
  "ioctl.c: sgx_enclave_modify_types(): mutex_lock(&encl->lock) after sgx_zap_enclave_ptes()";
export const REMOVE_LOCK = "ioctl.c: sgx_encl_remove_pages(): mutex_lock(&encl->lock) for a page";
export const REMOVE_ZAP_UNLOCK = "ioctl.c: sgx_encl_remove_pages(): unlock before sgx_zap_enclave_ptes()";
export const REMOVE_ZAP_RELOCK =
  "ioctl.c: sgx_encl_remove_pages(): mutex_lock(&encl->lock) after sgx_zap_enclave_ptes()";
export const REMOVE_UNLOCK = "ioctl.c: sgx_encl_remove_pages(): mutex_unlock(&encl->lock)";

/** Where a fault yields before its locked part (kernel/fault.ts: FaultPending). */
export function faultLockBoundary(eaug: boolean): string {
  return eaug ? EAUG_LOCK : FAULT_LOCK;
}

/** Where a fault yields after its locked part, by what the locked part decided. */
export function faultUnlockBoundary(eaug: boolean, result: string): string {
  if (eaug) return EAUG_UNLOCK;
  return result === "WAIT" ? FAULT_UNLOCK_BUSY : result === "SIGBUS" ? FAULT_UNLOCK_SIGBUS : FAULT_UNLOCK;
}

/** Every boundary, in the order the contract's table lists them (a test keeps the two in step). */
export const LOCK_BOUNDARIES = [
  EAUG_LOCK,
  EAUG_UNLOCK,
  FAULT_LOCK,
  FAULT_UNLOCK,
  FAULT_UNLOCK_BUSY,
  FAULT_UNLOCK_SIGBUS,
  RESTRICT_LOCK,
  RESTRICT_UNLOCK,
  MODIFY_LOCK,
  MODIFY_ZAP_UNLOCK,
  MODIFY_ZAP_RELOCK,
  MODIFY_UNLOCK,
  REMOVE_LOCK,
  REMOVE_ZAP_UNLOCK,
  REMOVE_ZAP_RELOCK,
  REMOVE_UNLOCK,
] as const;

/**
 * Boundaries after which the step can only retry what another step must finish first (a fault
 * spinning on a busy page). The runner lets the other steps go first (scenario/race.ts).
 */
export const WAIT_BOUNDARIES: ReadonlySet<string> = new Set([FAULT_UNLOCK_BUSY]);

/** Drain a generator that yields at lock boundaries: outside a race nothing interleaves. */
export function drain<T>(g: Generator<string, T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Code with no boundary inside, as a generator: in a race it runs in one turn. */
// biome-ignore lint/correctness/useYield: by design, nothing to yield at
export function* settled<T>(run: () => T): Generator<string, T> {
  return run();
}
