// The built-in flows: the kernel SGX selftests that exercise the EPCM, translated step by
// step into scenarios (raw "epcm-scenario/1" JSON, as a user would write or share them),
// plus a few flows of our own. Every expectation in them is a value the selftest asserts or
// one that follows from the SDM leaf or kernel function cited in each module.

import { augment } from "./augment.ts";
import { augmentViaEaccept } from "./augment-via-eaccept.ts";
import { augmentViaEacceptLongFlow } from "./augment-via-eaccept-long.ts";
import { clobberedVdso } from "./clobbered-vdso.ts";
import { eacceptcopyFlow } from "./eacceptcopy.ts";
import { eacceptFaultRaceFlows, eaugFaultRaceFlows } from "./eaug-fault-race.ts";
import { emodpeFlow } from "./emodpe.ts";
import { enarxZeroPageAccept } from "./enarx-zero-page-accept.ts";
import { epcmPermissions } from "./epcm-permissions.ts";
import { gramineLazyAlloc } from "./gramine-lazy-alloc.ts";
import { lazyHeapAtScale } from "./lazy-heap-at-scale.ts";
import { manyCpuFlows } from "./many-cpus.ts";
import { ptePermissions } from "./pte-permissions.ts";
import { reclaimReload } from "./reclaim-reload.ts";
import { refusals } from "./refusals.ts";
import { removeAddedPageInvalidAccess } from "./remove-added-page-invalid-access.ts";
import { removeAddedPageInvalidAccessAfterEaccept } from "./remove-added-page-invalid-access-after-eaccept.ts";
import { removeAddedPageNoEaccept } from "./remove-added-page-no-eaccept.ts";
import { removeFaultRaceFlows } from "./remove-fault-race.ts";
import { removeUntouchedPage } from "./remove-untouched-page.ts";
import { secsEaugRaceFlows } from "./secs-eaug-race.ts";
import { sgxEmmCommitOnDemand } from "./sgx-emm-commit-on-demand.ts";
import type { BuiltInFlow } from "./steps.ts";
import { tcsCreate } from "./tcs-create.ts";
import { tcsEntry } from "./tcs-entry.ts";
import { tcsPermissions } from "./tcs-permissions.ts";
import { twoEnclaves } from "./two-enclaves.ts";
import { unclobberedVdso } from "./unclobbered-vdso.ts";
import { unclobberedVdsoOversubscribed } from "./unclobbered-vdso-oversubscribed.ts";
import { unclobberedVdsoOversubscribedRemove } from "./unclobbered-vdso-oversubscribed-remove.ts";

export type { BuiltInFlow };

/** Every built-in flow; the first one (augment) is the default. */
export const flows: BuiltInFlow[] = [
  augment,
  augmentViaEaccept,
  epcmPermissions,
  tcsCreate,
  unclobberedVdso,
  clobberedVdso,
  tcsEntry,
  ptePermissions,
  tcsPermissions,
  removeAddedPageNoEaccept,
  removeAddedPageInvalidAccess,
  removeAddedPageInvalidAccessAfterEaccept,
  removeUntouchedPage,
  unclobberedVdsoOversubscribed,
  unclobberedVdsoOversubscribedRemove,
  augmentViaEacceptLongFlow,
  eacceptcopyFlow,
  emodpeFlow,
  reclaimReload,
  twoEnclaves,
  refusals,
  ...manyCpuFlows,
  sgxEmmCommitOnDemand,
  gramineLazyAlloc,
  enarxZeroPageAccept,
  ...secsEaugRaceFlows,
  ...eaugFaultRaceFlows,
  ...eacceptFaultRaceFlows,
  ...removeFaultRaceFlows,
  lazyHeapAtScale,
];

/**
 * The flows that translate a kernel selftest (tools/testing/selftests/sgx/main.c: TEST_F()), in
 * contrast to the flows of our own (runtimes, many CPUs, races). The what-if matrix names a
 * mutation no selftest catches as a finding.
 */
export const SELFTEST_FLOW_IDS: ReadonlySet<string> = new Set([
  "augment",
  "augment-via-eaccept",
  "epcm-permissions",
  "tcs-create",
  "unclobbered-vdso",
  "clobbered-vdso",
  "tcs-entry",
  "pte-permissions",
  "tcs-permissions",
  "remove-added-page-no-eaccept",
  "remove-added-page-invalid-access",
  "remove-added-page-invalid-access-after-eaccept",
  "remove-untouched-page",
  "unclobbered-vdso-oversubscribed",
  "unclobbered-vdso-oversubscribed-remove",
  "augment-via-eaccept-long",
]);

/** By id, in either spelling: "epcm-permissions" or the selftest's "epcm_permissions". */
export function findFlow(id: string): BuiltInFlow | undefined {
  const key = id.trim().toLowerCase().replace(/_/g, "-");
  return flows.find((f) => f.id === key);
}

export { augmentViaEacceptLong } from "./augment-via-eaccept-long.ts";
export { enclaveSize, standardBuild, totalSize } from "./standard-build.ts";
