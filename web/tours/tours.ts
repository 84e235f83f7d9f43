// Guided tours: one per EDMM flow of the SGX2 series, each a few stops anchored at steps of a
// built-in flow. `expect` names the op the stop is about (checked against the flow by
// tours.test.ts, so a flow edit cannot silently move a tour off its step). In the text,
// [[Term]] or [[Term|words]] links a glossary entry; each term is linked on its first use in a tour.
// Each stop carries the basis of what it says (docs/scenario-format.md, Provenance of events): a
// stop is as strong as its least-supported claim, so "model" marks any stop that states an inference.

import type { Basis } from "../engine/client.ts";

export interface TourStop {
  /** Steps completed when the stop is shown (the stop explains step `step`). */
  step: number;
  /** The op of step `step`, as opSignature() writes it. */
  expect: string;
  title: string;
  text: string;
  /** What the stop's text rests on: its least-supported claim decides. */
  basis: Basis;
  /** For "model": the engine/MODEL.md entry; for "hardware": the selftest that asserts it. */
  basis_ref?: string;
}

export interface Tour {
  id: string;
  title: string;
  summary: string;
  flow: string;
  stops: TourStop[];
}

/** "ioctl SGX_IOC_ENCLAVE_INIT", "EENTER write 0xc000", "mmap 0xc000", "ERESUME", "reclaim". */
export function opSignature(op: Record<string, unknown>): string {
  const arg = op.arg as Record<string, unknown> | undefined;
  const parts = [op.op, op.cmd ?? op.call, op.addr ?? arg?.offset ?? op.offset];
  return parts.filter((p) => typeof p === "string" && p !== "").join(" ");
}

/** The build every flow starts with, told once per tour. */
const BUILD: TourStop = {
  step: 6,
  expect: "ioctl SGX_IOC_ENCLAVE_INIT",
  title: "An enclave, built the SGX1 way",
  text: "Steps 1–6 build the selftests' enclave. ECREATE makes its [[SECS]] and fixes its [[ELRANGE]]; [[EADD]] copies each page into the [[EPC]] with the type and permissions from its [[SECINFO]], and the CPU records them in the [[EPCM]]: two [[TCS]] pages (one per thread), code R-X, data RW-. [[EINIT]] closes the build. The EPC now holds 14 pages: the SECS, the 12 pages added, and one page the driver keeps for eviction bookkeeping.",
  basis: "kernel",
};

export const TOURS: Tour[] = [
  {
    id: "add-on-fault",
    title: "Adding a page on a fault (EAUG)",
    summary: "The enclave writes where it has no page; the kernel adds one, the enclave accepts it.",
    flow: "augment",
    stops: [
      BUILD,
      {
        step: 11,
        expect: "mmap 0xc000",
        title: "Room to grow",
        text: "User space maps one more page of ELRANGE at 0xc000. Nothing is in the EPC there yet: the mapping only says the address may be used. The driver allows up to RWX here, because no page exists whose permissions could be exceeded.",
        basis: "kernel",
      },
      {
        step: 12,
        expect: "EENTER write 0xc000",
        title: "A write to nowhere: EAUG",
        text: "The enclave writes to 0xc000. There is no PTE, so the CPU raises a #PF and leaves the enclave with an [[AEX]]. The driver's fault handler sees an address in ELRANGE with no page and runs [[EAUG]]: a new EPC page, type REG, RW, marked [[PENDING]]. It maps the page and the write runs again, but a PENDING page may not be touched until the enclave accepts it: the EPCM refuses with #PF error code 0x8007 (the 0x8000 bit says the EPCM, not the page tables, refused). The vDSO reports that exception to the caller.",
        basis: "kernel",
      },
      {
        step: 13,
        expect: "EENTER EACCEPT 0xc000",
        title: "The enclave agrees: EACCEPT",
        text: "Thread 1 is parked in its AEX, so the second TCS runs [[EACCEPT]] with SECINFO R|W|REG|PENDING. It matches the EPCM entry, so PENDING clears: the page now belongs to the enclave for real. The kernel could add the page but could not make the enclave use it; only the enclave can accept.",
        basis: "sdm",
      },
      {
        step: 14,
        expect: "ERESUME",
        title: "Resume the write",
        text: "ERESUME takes thread 1 back to the faulting write, which now succeeds.",
        basis: "sdm",
      },
      {
        step: 15,
        expect: "EENTER read 0xc000",
        title: "The page holds the value",
        text: "Reading 0xc000 returns MAGIC. The EPC page stays until the enclave is torn down or the page is trimmed and removed.",
        basis: "kernel",
      },
    ],
  },
  {
    id: "add-with-eaccept",
    title: "Adding a page with EACCEPT first",
    summary: "The enclave accepts a page that does not exist yet; the fault adds it behind the scenes.",
    flow: "augment-via-eaccept",
    stops: [
      BUILD,
      {
        step: 12,
        expect: "EENTER EACCEPT 0xc000",
        title: "Accept before anything exists",
        text: "The enclave runs [[EACCEPT]] on 0xc000, where there is no page. Its access faults, the driver runs [[EAUG]] and maps a [[PENDING]] page, and EACCEPT runs again and accepts it. The caller sees a clean exit: this is how an enclave runtime grows its heap without a visible fault.",
        basis: "kernel",
      },
      {
        step: 13,
        expect: "EENTER write 0xc000",
        title: "An ordinary page",
        text: "The accepted page is an ordinary REG page, RW in the [[EPCM]]: the write succeeds at once.",
        basis: "sdm",
      },
    ],
  },
  {
    id: "permissions",
    title: "Restricting and relaxing permissions",
    summary:
      "The kernel takes W away with EMODPR; the enclave accepts, faults, and gives W back with EMODPE.",
    flow: "epcm-permissions",
    stops: [
      BUILD,
      {
        step: 14,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0x5000",
        title: "The kernel restricts: EMODPR",
        text: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS asks for R only on 0x5000. The driver runs [[EMODPR]]: the [[EPCM]] loses W at once and gets [[PR]] set. Then [[ETRACK]] and IPIs make sure no thread still runs with the old permissions. The PTE and the VMA stay RW: in mainline the page tables do not follow the EPCM.",
        basis: "kernel",
      },
      {
        step: 15,
        expect: "EENTER EACCEPT 0x5000",
        title: "The enclave accepts",
        text: "The enclave runs [[EACCEPT]] with R|REG|PR, matching the new entry, and PR clears. It succeeds because the ETRACK cycle has completed; before that, EACCEPT returns SGX_NOT_TRACKED.",
        basis: "sdm",
      },
      {
        step: 16,
        expect: "EENTER write 0x5000",
        title: "A write the EPCM refuses",
        text: "A write to 0x5000 passes the page tables (PTE RW) but not the EPCM: #PF with error code 0x8007, the SGX bit set. Thread 1 waits in its [[AEX]].",
        basis: "hardware",
        basis_ref:
          "selftests/sgx/main.c: TEST_F(enclave, epcm_permissions) asserts function ERESUME, vector 14, exception_error_code 0x8007",
      },
      {
        step: 17,
        expect: "EENTER EMODPE 0x5000",
        title: "The enclave relaxes: EMODPE",
        text: "From the second TCS the enclave runs [[EMODPE]] with R|W: W is back in the EPCM. No ioctl, no ETRACK, no EACCEPT: EMODPE can only add permissions, so nothing needs tracking. It does not touch the page tables; an access still needs both the PTE and the EPCM to allow it.",
        basis: "sdm",
      },
      {
        step: 18,
        expect: "ERESUME",
        title: "The write completes",
        text: "ERESUME re-runs the faulting write, and this time the EPCM allows it.",
        basis: "sdm",
      },
    ],
  },
  {
    id: "new-thread",
    title: "A new thread: a REG page becomes a TCS",
    summary:
      "Three EAUG'd pages become a stack, an SSA and a TCS; EMODT turns one into a TCS; a third thread enters.",
    flow: "tcs-create",
    stops: [
      BUILD,
      {
        step: 15,
        expect: "EENTER EACCEPT 0xd000",
        title: "Three new pages",
        text: "The enclave has accepted three new pages at 0xc000–0xe000 ([[EAUG]] on the fault, then [[EACCEPT]]): a stack, an SSA, and at 0xd000 the future [[TCS]], for now an ordinary RW page.",
        basis: "kernel",
      },
      {
        step: 16,
        expect: "EENTER init_tcs 0xd000",
        title: "Write the TCS image",
        text: "While 0xd000 is still writable, the enclave writes a TCS image into it: its SSA at 0xe000, one SSA frame, and the entry point. Once the page is a TCS, nobody can write it any more.",
        basis: "kernel",
      },
      {
        step: 17,
        expect: "ioctl SGX_IOC_ENCLAVE_MODIFY_TYPES 0xd000",
        title: "The kernel changes the type: EMODT",
        text: "SGX_IOC_ENCLAVE_MODIFY_TYPES with page_type TCS. The driver checks the page may be mapped RW, zaps its PTE, and runs [[EMODT]]: type TCS, R/W/X cleared, [[MODIFIED]] set; then [[ETRACK]]. (The Reviewer tab lists each check the driver made.)",
        basis: "kernel",
      },
      {
        step: 18,
        expect: "EENTER EACCEPT 0xd000",
        title: "The enclave accepts the TCS",
        text: "[[EACCEPT]] with TCS|MODIFIED: EACCEPT checks the TCS fields the enclave wrote, and MODIFIED clears.",
        basis: "sdm",
      },
      {
        step: 19,
        expect: "EENTER write 0x4000",
        title: "A third thread",
        text: "EENTER through the new TCS at 0xd000 works: the enclave now has three threads, one created at run time.",
        basis: "sdm",
      },
    ],
  },
  {
    id: "remove",
    title: "Removing pages, and adding one back",
    summary: "Trim, accept, remove with EREMOVE; then the address gets a brand-new page.",
    flow: "tcs-create",
    stops: [
      {
        step: 21,
        expect: "ioctl SGX_IOC_ENCLAVE_MODIFY_TYPES 0xc000",
        title: "Trim: EMODT to TRIM",
        text: "SGX_IOC_ENCLAVE_MODIFY_TYPES with page_type [[TRIM]] on the three run-time pages (the new thread's stack, [[TCS]] and SSA). [[EMODT]] makes each one TRIM with [[MODIFIED]] set, and [[ETRACK]] follows. The enclave can no longer use them; the [[EPC]] pages are still allocated.",
        basis: "kernel",
      },
      {
        step: 22,
        expect: "EENTER EACCEPT 0xc000",
        title: "The enclave agrees to lose each page",
        text: "[[EACCEPT]] with TRIM|MODIFIED, once per page. Without this, the kernel would refuse to remove the pages: the enclave must agree.",
        basis: "kernel",
      },
      {
        step: 25,
        expect: "ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0xc000",
        title: "Remove: EREMOVE",
        text: "SGX_IOC_ENCLAVE_REMOVE_PAGES. For each page the driver checks it is TRIM, and probes with [[EMODPR]]: on an accepted trim EMODPR faults, which proves the enclave said yes. Then it zaps the PTE and runs [[EREMOVE]]: the EPC pages are free again, and the addresses have no page.",
        basis: "kernel",
      },
      {
        step: 26,
        expect: "EENTER EACCEPT 0xd000",
        title: "The same address, a new page",
        text: "EACCEPT on 0xd000 again: there is no page, so the fault makes the kernel [[EAUG]] a brand-new regular page, [[PENDING]], which EACCEPT then accepts. Nothing of the old TCS survives.",
        basis: "kernel",
      },
      {
        step: 28,
        expect: "EENTER read 0xd000",
        title: "It works as any page",
        text: "A write and a read at the former TCS address: MAGIC comes back.",
        basis: "kernel",
      },
    ],
  },
  {
    id: "refusals",
    title: "What the kernel and the CPU refuse",
    summary: "Calls a misbehaving enclave or process makes, and the errno, SGX code or fault each one gets.",
    flow: "refusals",
    stops: [
      BUILD,
      {
        step: 15,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0x1000",
        title: "Permissions of a TCS: EINVAL",
        text: "RESTRICT_PERMISSIONS on a [[TCS]]: [[EMODPR]] only works on regular pages, so the driver refuses with EINVAL before touching the [[EPCM]].",
        basis: "kernel",
      },
      {
        step: 17,
        expect: "ioctl SGX_IOC_ENCLAVE_MODIFY_TYPES 0x2000",
        title: "A code page cannot become a TCS: EPERM",
        text: "MODIFY_TYPES → TCS on a page added R-X: a TCS must be mappable read/write, and this page's build-time permissions lack W. EPERM.",
        basis: "kernel",
      },
      {
        step: 19,
        expect: "ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0x5000",
        title: "Only trimmed pages go: EPERM",
        text: "REMOVE_PAGES on a regular page: only a [[TRIM]] page the enclave has accepted may be removed. EPERM.",
        basis: "kernel",
      },
      {
        step: 21,
        expect: "EENTER EACCEPT 0x5000",
        title: "EACCEPT that does not match",
        text: "[[EACCEPT]] claims the page is [[PENDING]] but it is not: the CPU returns SGX_PAGE_ATTRIBUTES_MISMATCH (19) to the enclave, which exits normally.",
        basis: "sdm",
      },
      {
        step: 23,
        expect: "EENTER write 0xc000",
        title: "A write to a PENDING page: #PF 0x8007",
        text: "The enclave writes to 0xc000, which is mapped but has no page. The fault handler adds one with [[EAUG]], but the new page is PENDING until the enclave accepts it, so the retried write faults in the EPCM: #PF with error code 0x8007 (the 0x8000 bit marks a fault from the EPCM check, not the page tables). Thread 1 leaves the enclave with an [[AEX]] and the vDSO reports the exception to the caller.",
        basis: "kernel",
      },
      {
        step: 24,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0xc000",
        title: "A PENDING page cannot be restricted",
        text: "RESTRICT_PERMISSIONS on that page while it is still PENDING: EMODPR returns SGX_PAGE_NOT_MODIFIABLE (20). The driver puts it in result (0x14) and fails with EFAULT.",
        basis: "kernel",
      },
      {
        step: 26,
        expect: "EENTER nop",
        title: "EENTER on a busy TCS: #GP",
        text: "Thread 1 waits in its AEX with its only SSA frame in use, so EENTER on its TCS raises #GP (vector 13); the vDSO reports it.",
        basis: "sdm",
      },
      {
        step: 29,
        expect: "mmap 0x4000",
        title: "A mapping beyond the build permissions: EACCES",
        text: "mmap with PROT_EXEC over data pages added R|W: no mapping may exceed a page's build-time permissions. EACCES.",
        basis: "kernel",
      },
    ],
  },
  {
    id: "reclaim",
    title: "Reclaim of an untouched page",
    summary:
      "Memory pressure evicts every page with EWB; reading one back brings it in with ELDU, contents intact.",
    flow: "reclaim-reload",
    stops: [
      BUILD,
      {
        step: 12,
        expect: "reclaim",
        title: "Evict everything: EWB",
        text: "Memory pressure: the reclaimer evicts the enclave's pages. It blocks each page (EBLOCK) and tries [[EWB]]; only when EWB answers SGX_NOT_TRACKED does the driver run [[ETRACK]] and try again (and after that, IPIs and a third try). The page goes out encrypted and its version goes into a slot of a [[VA]] page. Evicted pages are hatched in the enclave grid; the [[SECS]] goes last, once none of its pages is resident.",
        basis: "kernel",
      },
      {
        step: 14,
        expect: "EENTER read 0x4000",
        title: "A page nobody touched since the build",
        text: "Reading encl_buffer at 0x4000, untouched since [[EADD]]: the fault handler runs [[ELDU]], which checks the page against its VA slot and puts it back in the [[EPC]]. Its byte 0 is still 1, as the build wrote it.",
        basis: "kernel",
      },
      {
        step: 15,
        expect: "EENTER read 0xb000",
        title: "The heap page comes back zero",
        text: "The heap page, never written, comes back zero-filled: eviction keeps contents exactly, whatever they are.",
        basis: "kernel",
      },
    ],
  },
  {
    id: "runtime-sgx-emm",
    title: "Runtimes: Intel's enclave memory manager",
    summary: "How the SGX SDK's memory manager commits a page on demand and changes its permissions.",
    flow: "sgx-emm-commit-on-demand",
    stops: [
      {
        step: 12,
        expect: "EENTER write 0xc000",
        title: "Reserved, not committed",
        text: "sgx_mm_alloc() with SGX_EMA_COMMIT_ON_DEMAND only reserved the range: the runtime mapped it, but nothing is in the [[EPC]] there. The first write faults; the kernel runs [[EAUG]] and maps a [[PENDING]] page, and the retried write is refused by the [[EPCM]] (#PF 0x8007). The CPU leaves the enclave with an [[AEX]] and the fault goes to the memory manager's #PF handler.",
        basis: "model",
        basis_ref: "engine/MODEL.md: An in-enclave #PF handler",
      },
      {
        step: 13,
        expect: "EENTER EACCEPT 0xc000",
        title: "The #PF handler commits the page",
        text: "The handler finds the address in a COMMIT_ON_DEMAND range and runs [[EACCEPT]] with RW|REG|PENDING; the access then resumes as if nothing happened. In the SDK the handler runs on the faulting thread itself (on its next SSA frame); the test enclave has one SSA frame per [[TCS]], so the model runs it on the second thread and then resumes the first.",
        basis: "model",
        basis_ref: "engine/MODEL.md: An in-enclave #PF handler",
      },
      {
        step: 21,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0xc000",
        title: "Every permission change goes through EMODPR",
        text: "sgx_mm_modify_permissions() always calls out to the kernel first, even to add W back: the kernel's [[EMODPR]] can only clear bits, so the page stays R, but [[PR]] is set and an [[ETRACK]] cycle runs.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
      },
      {
        step: 23,
        expect: "EENTER EMODPE 0xc000",
        title: "The enclave extends, then accepts",
        text: "Back inside, [[EMODPE]] adds W to the EPCM entry, and EACCEPT with RW|REG|PR clears PR. The memory manager skips that EACCEPT only when the new permissions hold both W and X.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
      },
    ],
  },
  {
    id: "runtime-gramine",
    title: "Runtimes: Gramine with EDMM",
    summary: "How Gramine allocates lazily, restricts and removes enclave pages.",
    flow: "gramine-lazy-alloc",
    stops: [
      {
        step: 13,
        expect: "EENTER EACCEPT 0xc000",
        title: "Lazy allocation: commit in the handler",
        text: "The write to a lazily allocated page made the kernel [[EAUG]] a [[PENDING]] page into the [[EPC]]; the [[EPCM]] refused the retried write and the fault came back to Gramine. Its memfault handler commits the page with [[EACCEPT]] (REG|R|W|PENDING) and the write is resumed.",
        basis: "model",
        basis_ref: "engine/MODEL.md: An in-enclave #PF handler",
      },
      {
        step: 15,
        expect: "EENTER EACCEPT 0xd000",
        title: "EACCEPT first, EAUG on its fault",
        text: "Outside a fault, sgx_edmm_add_pages() runs EACCEPT on a page that does not exist yet. EACCEPT's own access faults, the kernel adds the page, and the EACCEPT runs again and succeeds: one enclave call commits the page.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
      },
      {
        step: 21,
        expect: "ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0xc000",
        title: "Removal in three moves",
        text: "sgx_edmm_remove_pages(): an ocall changes the page to [[TRIM]] ([[EMODT]] sets [[MODIFIED]]), the enclave accepts with EACCEPT(TRIM|MODIFIED), and a second ocall has the kernel [[EREMOVE]] it. The EPC page is free again.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
      },
    ],
  },
  {
    id: "runtime-enarx",
    title: "Runtimes: Enarx's zero-page accept",
    summary: "How Enarx's SGX shim maps guest memory with EACCEPTCOPY and makes a page executable.",
    flow: "enarx-zero-page-accept",
    stops: [
      {
        step: 12,
        expect: "EENTER EACCEPTCOPY 0xc000",
        title: "Guest memory from a zero page",
        text: "After the host mapped the range, the shim commits each page with EACCEPTCOPY from a page of zeros. The target has no page yet: the access faults, the kernel runs [[EAUG]], and EACCEPTCOPY runs again, copying the zeros in and setting the permissions from its [[SECINFO]] in one step. The [[EPCM]] shows both pages RW, not [[PENDING]].",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
      },
      {
        step: 19,
        expect: "EENTER EMODPE 0xd000",
        title: "Restrict to R, accept, extend",
        text: "For mprotect the host always restricts the page to R ([[EMODPR]] sets [[PR]]), the shim accepts with [[EACCEPT]](R|REG|PR), then [[EMODPE]] extends it to R-X: the page can run code and can never be written again.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
      },
    ],
  },
];

export function findTour(id: string): Tour | undefined {
  return TOURS.find((t) => t.id === id);
}

/** A stop's text as plain text and glossary links. */
export type Segment = { text: string } | { text: string; term: string };

export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index) });
    out.push({ text: m[2] ?? m[1], term: m[1] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
