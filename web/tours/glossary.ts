// The glossary the tours link to. Each entry says what the term means in the explorer, in the
// words of the SDM (Vol. 3D, SGX chapters) or the Linux driver, names that source, and carries
// the basis of what it says (docs/scenario-format.md, Provenance of events): "sdm" when an SDM
// page states it all, "kernel" when the driver's code is needed for part of it, "model" when a
// part is the model's inference (with `basis_ref`, the engine/MODEL.md entry).

import type { Basis } from "../engine/client.ts";

export interface GlossaryEntry {
  term: string;
  /** One sentence. */
  short: string;
  /** A few sentences more. */
  long: string;
  source: string;
  /** What the entry rests on: its least-supported statement decides. */
  basis: Basis;
  /** For "model": the engine/MODEL.md entry; for "hardware": the selftest. */
  basis_ref?: string;
}

export const GLOSSARY: GlossaryEntry[] = [
  {
    term: "SGX",
    short: "Software Guard Extensions: the Intel CPU feature that builds enclaves and runs code inside them.",
    long: "SGX1 builds an enclave before it runs (ECREATE, EADD, EINIT) and enters it (EENTER). SGX2, also called EDMM (Enclave Dynamic Memory Management), lets a running enclave gain pages and change their permissions and types; the Linux driver supports it since v6.0.",
    source: "SDM Vol. 3D, Introduction to Intel SGX; Enclave Dynamic Memory Management (SGX2)",
    basis: "sdm",
  },
  {
    term: "enclave",
    short:
      "A protected part of a program: code and data in EPC pages that only code running inside the enclave can read or write.",
    long: "The enclave occupies a range of the program's addresses (ELRANGE). Its pages sit in the EPC; the operating system maps them and manages them but cannot read them. A thread runs enclave code by entering through a TCS.",
    source: "SDM Vol. 3D, Introduction to Intel SGX; Enclave Creation and Loading",
    basis: "sdm",
  },
  {
    term: "ENCLS",
    short:
      "The instruction for the kernel's SGX leaves (ECREATE, EADD, EAUG, EMODPR, EMODT, EREMOVE, EWB, ...).",
    long: "ENCLS runs only in ring 0; EAX selects the leaf. The Linux driver wraps each leaf (encls.h: __ecreate(), __eadd(), ...).",
    source: "SDM Vol. 3D, ENCLS; encls.h",
    basis: "kernel",
  },
  {
    term: "ENCLU",
    short: "The user-mode instruction for SGX leaves (EENTER, ERESUME, EEXIT, EACCEPT, EMODPE, ...).",
    long: "EENTER and ERESUME are run from outside the enclave (here by the vDSO); EEXIT, EACCEPT and EMODPE by code inside it.",
    source: "SDM Vol. 3D, ENCLU",
    basis: "sdm",
  },
  {
    term: "ECREATE",
    short: "ENCLS leaf that starts an enclave: it turns a free EPC page into the enclave's SECS.",
    long: "The SECS records ELRANGE (base and size), the attributes and the SSA frame size. The enclave then exists but is not initialized: pages can be added with EADD until EINIT.",
    source: "SDM Vol. 3D, ECREATE; ioctl.c: sgx_encl_create()",
    basis: "kernel",
  },
  {
    term: "EEXTEND",
    short: "ENCLS leaf that adds 256 bytes of a page to the enclave's measurement (MRENCLAVE).",
    long: "SGX_IOC_ENCLAVE_ADD_PAGES with SGX_PAGE_MEASURE measures each page after EADD (a whole page takes 16 EEXTENDs; the explorer shows them as one event). EINIT checks the measurement against the enclave's signature (SIGSTRUCT).",
    source: "SDM Vol. 3D, EEXTEND; ioctl.c: __sgx_encl_extend()",
    basis: "kernel",
  },
  {
    term: "EENTER",
    short: "ENCLU leaf that enters the enclave through a TCS and runs from the TCS's entry point.",
    long: "EENTER needs a TCS that is not in use and a free SSA frame; otherwise it fails with #GP. On Linux the vDSO's __vdso_sgx_enter_enclave() runs it.",
    source: "SDM Vol. 3D, EENTER; vsgx.S: __vdso_sgx_enter_enclave()",
    basis: "kernel",
  },
  {
    term: "EEXIT",
    short: "ENCLU leaf the enclave runs to leave normally, to an address outside the enclave.",
    long: "After EEXIT the TCS is free for the next EENTER. The vDSO reports it in run.function = EEXIT.",
    source: "SDM Vol. 3D, EEXIT; vsgx.S: __vdso_sgx_enter_enclave()",
    basis: "kernel",
  },
  {
    term: "ERESUME",
    short:
      "ENCLU leaf that takes a thread back into the enclave after an AEX, from the state saved in its SSA frame.",
    long: "The interrupted instruction runs again. An AEX leaves the thread ready to resume (EAX holds the ERESUME leaf), so once the kernel has handled the fault, the vDSO's ENCLU at the exit point runs ERESUME. That is also why a fault report says run.function = ERESUME.",
    source: "SDM Vol. 3D, ERESUME; Asynchronous Enclave Exit (AEX); vsgx.S: __vdso_sgx_enter_enclave()",
    basis: "kernel",
  },
  {
    term: "SSA",
    short:
      "State Save Area: frames in the enclave's own pages where the CPU saves a thread's registers on an AEX.",
    long: "The TCS names the SSA (OSSA) and how many frames it has (NSSA); CSSA counts the frames in use. With one frame, a thread waiting after an AEX cannot be entered again with EENTER until it is resumed.",
    source: "SDM Vol. 3D, State Save Area (SSA) Frame; Thread Control Structure (TCS)",
    basis: "sdm",
  },
  {
    term: "OENTRY",
    short: "The TCS field that says where EENTER starts running enclave code (an offset in the enclave).",
    long: "Every entry through a TCS starts at the same place; the enclave's code decides there what the caller asked for.",
    source: "SDM Vol. 3D, Thread Control Structure (TCS)",
    basis: "sdm",
  },
  {
    term: "AEP",
    short: "Asynchronous Exit Pointer: where a thread continues outside the enclave after an AEX.",
    long: "The caller of EENTER names it; on Linux it is an ENCLU instruction inside the vDSO, so after the kernel has handled the fault the thread runs ERESUME there.",
    source: "SDM Vol. 3D, EENTER; Asynchronous Enclave Exit (AEX); vsgx.S: __vdso_sgx_enter_enclave()",
    basis: "kernel",
  },
  {
    term: "vDSO",
    short:
      "Code the kernel maps into every process; its __vdso_sgx_enter_enclave() enters enclaves and reports their exits.",
    long: "It runs EENTER (and ERESUME after an AEX), and when the enclave faults in a way the kernel cannot fix, it fills the run struct with the exception instead of sending a signal.",
    source: "vsgx.S: __vdso_sgx_enter_enclave(); uapi asm/sgx.h",
    basis: "kernel",
  },
  {
    term: "run struct",
    short:
      "struct sgx_enclave_run: what the program gives the vDSO (the TCS) and gets back (how the call ended).",
    long: "run.function is the last ENCLU leaf seen: EENTER, ERESUME or EEXIT. After an exception it also holds exception_vector (14 for #PF, 13 for #GP), exception_error_code and exception_addr.",
    source: "uapi asm/sgx.h: struct sgx_enclave_run",
    basis: "kernel",
  },
  {
    term: "PTE",
    short: "Page-table entry: the operating system's mapping of one virtual page, with its own permissions.",
    long: "For an enclave access the CPU checks the page tables first and the EPCM after them; both must allow it. The driver installs enclave PTEs on the first access (sgx_vma_fault()).",
    source: "SDM Vol. 3A, Paging; SDM Vol. 3D, Access-control Requirements; encl.c: sgx_vma_fault()",
    basis: "kernel",
  },
  {
    term: "VMA",
    short: "A range of a process's address space made by mmap(), with its own permissions (PROT_READ, ...).",
    long: "For an enclave, mmap() and mprotect() may not allow more than each page's build-time permissions (vm_max_prot_bits). In mainline the VMA and the PTEs do not follow EMODPR or EMODPE.",
    source: "encl.c: sgx_encl_may_map()",
    basis: "kernel",
  },
  {
    term: "IPI",
    short:
      "Inter-processor interrupt: the kernel interrupts the CPUs that may run the enclave, so they leave it.",
    long: "After ETRACK the driver sends IPIs to the enclave's CPUs; each thread inside takes an AEX, which completes the tracking.",
    source: "ioctl.c: sgx_enclave_etrack(); encl.c: sgx_encl_cpumask()",
    basis: "kernel",
  },
  {
    term: "EBLOCK",
    short: "ENCLS leaf that marks an EPC page BLOCKED, the first step of evicting it: no new TLB mappings.",
    long: "The reclaimer blocks a page, runs ETRACK and then writes the page out with EWB.",
    source: "SDM Vol. 3D, EBLOCK; main.c: sgx_reclaimer_block()",
    basis: "kernel",
  },
  {
    term: "EPA",
    short: "ENCLS leaf that turns a free EPC page into a VA page.",
    long: "The driver adds a VA page to an enclave for every 512 of its pages, the first one at ECREATE.",
    source: "SDM Vol. 3D, EPA; encl.c: sgx_alloc_va_page()",
    basis: "kernel",
  },
  {
    term: "EPC",
    short: "Enclave Page Cache: the protected memory where enclave pages live, in 4 KiB pages.",
    long: "The EPC is memory the CPU encrypts and guards; only the enclave that owns a page can read it. It is small, so the kernel evicts pages (EWB) and loads them back (ELDU). The right-hand grid shows every EPC page.",
    source: "SDM Vol. 3D, Enclave Page Cache (EPC)",
    basis: "sdm",
  },
  {
    term: "EPCM",
    short:
      "Enclave Page Cache Map: the CPU's record of each EPC page (owner, address, type, R/W/X, PENDING, MODIFIED, PR).",
    long: "Software cannot read or write the EPCM; only the SGX instructions change it: the kernel's (the ENCLS leaves, such as EADD or EAUG) and the enclave's own (the ENCLU leaves, such as EACCEPT). On every enclave access the CPU checks the EPCM after the page tables, and a refusal is a #PF with the SGX bit (0x8000) in the error code. The table under the grids is the EPCM.",
    source: "SDM Vol. 3D, Enclave Page Cache Map (EPCM)",
    basis: "sdm",
  },
  {
    term: "ELRANGE",
    short: "The enclave's linear address range: base and size fixed by ECREATE.",
    long: "Enclave pages can only sit inside ELRANGE. The left-hand grid shows it page by page; pages with no EPC page yet are empty cells.",
    source: "SDM Vol. 3D, ECREATE / SECS",
    basis: "sdm",
  },
  {
    term: "SECS",
    short: "SGX Enclave Control Structure: the enclave's own EPC page, created by ECREATE.",
    long: "It holds ELRANGE, attributes and the measurement. Every other page of the enclave names it as its parent; it is evicted only when none of its pages are resident.",
    source: "SDM Vol. 3D, SGX Enclave Control Structure (SECS)",
    basis: "sdm",
  },
  {
    term: "TCS",
    short:
      "Thread Control Structure: the page a thread enters the enclave through (EENTER takes its address).",
    long: "A TCS has no R/W/X in the EPCM: enclave code can never read or write it. It names the SSA frames and the entry point. One thread at a time can be inside through a given TCS.",
    source: "SDM Vol. 3D, Thread Control Structure (TCS)",
    basis: "sdm",
  },
  {
    term: "SECINFO",
    short:
      "The 64-byte structure an ENCLS/ENCLU leaf takes for a page's type and R/W/X (and, for EACCEPT, the state expected).",
    long: "EADD copies SECINFO's type and permissions into the EPCM. EACCEPT compares the page's address, PENDING, MODIFIED, R/W/X and type with its SECINFO and refuses on a difference (SGX_PAGE_ATTRIBUTES_MISMATCH); PR is not compared. Mainline's SGX2 ioctls take plain permissions or page_type instead.",
    source: "SDM Vol. 3D, Security Information (SECINFO)",
    basis: "kernel",
  },
  {
    term: "EADD",
    short: "ENCLS leaf that copies a page into the EPC of an enclave that is not initialized yet.",
    long: "Used by SGX_IOC_ENCLAVE_ADD_PAGES while the enclave is built; EEXTEND measures the page. After EINIT, new pages can only come from EAUG.",
    source: "SDM Vol. 3D, EADD; ioctl.c: sgx_ioc_enclave_add_pages()",
    basis: "kernel",
  },
  {
    term: "EINIT",
    short: "ENCLS leaf that ends the build: the enclave is INITIALIZED and can be entered.",
    long: "It checks the SIGSTRUCT against the measurement. From then on EADD is refused and the SGX2 ioctls work.",
    source: "SDM Vol. 3D, EINIT; ioctl.c: sgx_ioc_enclave_init()",
    basis: "kernel",
  },
  {
    term: "EAUG",
    short: "ENCLS leaf (SGX2) that adds a zeroed page to an initialized enclave: REG, RW, PENDING.",
    long: "The Linux driver runs EAUG from its page-fault handler when an enclave touches an address in ELRANGE that has no page yet. The enclave must EACCEPT the page before it can use it.",
    source: "SDM Vol. 3D, EAUG; encl.c: sgx_encl_eaug_page()",
    basis: "kernel",
  },
  {
    term: "PENDING",
    short: "EPCM bit: the page was added by EAUG and the enclave has not accepted it yet.",
    long: "Any enclave access to a PENDING page faults (#PF with the SGX bit) until EACCEPT, or EACCEPTCOPY (which also fills the page), clears the bit.",
    source: "SDM Vol. 3D, EPCM; EAUG; EACCEPT; EACCEPTCOPY",
    basis: "sdm",
  },
  {
    term: "EACCEPT",
    short:
      "ENCLU leaf the enclave runs to agree to a change the kernel made: a new page (PENDING), a restriction (PR) or a type change (MODIFIED).",
    long: "EACCEPT compares its SECINFO with the EPCM entry; when they match it clears PENDING, PR or MODIFIED. For PR and MODIFIED it also requires the change to be tracked (ETRACK and every thread out since), else SGX_NOT_TRACKED.",
    source: "SDM Vol. 3D, EACCEPT",
    basis: "sdm",
  },
  {
    term: "EACCEPTCOPY",
    short:
      "ENCLU leaf that fills a PENDING page from another page of the enclave and accepts it in one step.",
    long: "EACCEPTCOPY copies the contents of a source page that the enclave can read into a PENDING page (added by EAUG), sets the page's permissions from its SECINFO and clears PENDING. It is how an enclave commits a page with chosen contents, such as zeros or code.",
    source: "SDM Vol. 3D, EACCEPTCOPY",
    basis: "sdm",
  },
  {
    term: "AEX",
    short:
      "Asynchronous Enclave Exit: how a thread leaves the enclave on a fault or interrupt, saving its state in an SSA frame.",
    long: "After an AEX the thread can be resumed with ERESUME. While its only SSA frame is in use, EENTER on the same TCS fails (#GP), so another TCS is needed to run code in the meantime.",
    source: "SDM Vol. 3D, Asynchronous Enclave Exit (AEX)",
    basis: "sdm",
  },
  {
    term: "EMODPR",
    short: "ENCLS leaf (SGX2) that restricts a page's EPCM permissions and sets PR.",
    long: "Run by SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS on regular pages only. The new permissions are a mask: they can only remove R, W or X.",
    source: "SDM Vol. 3D, EMODPR; ioctl.c: sgx_enclave_restrict_permissions()",
    basis: "kernel",
  },
  {
    term: "PR",
    short:
      "EPCM bit (Permission Restriction): EMODPR restricted the page and the enclave has not accepted it yet.",
    long: "The EPCM entry is restricted at once, but a translation a CPU has cached may still allow the old access until ETRACK and the IPIs have made every thread leave the enclave: that is why the driver runs sgx_enclave_etrack() after EMODPR. PR records that the enclave still has to EACCEPT the restriction. EMODPE neither checks nor changes PR.",
    source: "SDM Vol. 3D, EPCM; EMODPR; ETRACK; ioctl.c: sgx_enclave_restrict_permissions()",
    basis: "kernel",
  },
  {
    term: "ETRACK",
    short:
      "ENCLS leaf that starts a tracking cycle, so the kernel can prove no thread still runs with an old TLB view of a changed page.",
    long: "After EMODPR or EMODT the driver runs ETRACK and sends IPIs to kick threads out of the enclave; EACCEPT succeeds only once the change is tracked.",
    source: "SDM Vol. 3D, ETRACK; ioctl.c: sgx_enclave_etrack()",
    basis: "kernel",
  },
  {
    term: "TLB",
    short:
      "The CPU's cache of translations: a thread inside an enclave keeps using the rights a page had when its translation was cached.",
    long: "The EPCM is checked when a page walk fills a translation; a later access that hits the cached translation is not checked again. EENTER starts with an empty TLB and every exit (EEXIT or AEX) flushes it, so a change to the EPCM reaches a thread only after it has left once. The TLB panel and table show what each CPU caches; stale entries (more rights than the EPCM now allows) are marked.",
    source: "SDM Vol. 3D, EENTER (Flush_linear_context), AEX; encl.c: sgx_encl_cpumask()",
    basis: "model",
    basis_ref: "engine/MODEL.md: Many CPUs",
  },
  {
    term: "EMODPE",
    short: "ENCLU leaf (SGX2) the enclave runs to extend its own page's EPCM permissions.",
    long: "It only adds R, W or X; no kernel call, no ETRACK, no EACCEPT. The page tables and the VMA must still allow the access.",
    source: "SDM Vol. 3D, EMODPE",
    basis: "kernel",
  },
  {
    term: "EMODT",
    short:
      "ENCLS leaf (SGX2) that changes a page's type: REG to TCS, or REG/TCS to TRIM; it clears R/W/X and sets MODIFIED.",
    long: "Run by SGX_IOC_ENCLAVE_MODIFY_TYPES. The page cannot be used until the enclave EACCEPTs the new type.",
    source: "SDM Vol. 3D, EMODT; ioctl.c: sgx_enclave_modify_types()",
    basis: "kernel",
  },
  {
    term: "MODIFIED",
    short: "EPCM bit: EMODT changed the page's type and the enclave has not accepted it yet.",
    long: "A MODIFIED page cannot be accessed; EACCEPT with the new type clears the bit (for TRIM the page stays unusable).",
    source: "SDM Vol. 3D, EPCM; EMODT",
    basis: "sdm",
  },
  {
    term: "TRIM",
    short:
      "The page type of a page on its way out: after EMODT to TRIM and the enclave's EACCEPT, the kernel may EREMOVE it.",
    long: "SGX_IOC_ENCLAVE_REMOVE_PAGES only removes TRIM pages, and probes with EMODPR that the enclave accepted the trim first.",
    source: "SDM Vol. 3D, EMODT; ioctl.c: sgx_encl_remove_pages()",
    basis: "kernel",
  },
  {
    term: "EREMOVE",
    short: "ENCLS leaf that frees an EPC page (its EPCM entry becomes invalid).",
    long: "The driver uses it to remove trimmed pages and to tear enclaves down. The address can later get a new page by EAUG.",
    source: "SDM Vol. 3D, EREMOVE",
    basis: "kernel",
  },
  {
    term: "EWB",
    short: "ENCLS leaf that evicts an EPC page: encrypted to normal memory, its version kept in a VA slot.",
    long: "The reclaimer picks old pages and blocks them (EBLOCK). sgx_encl_ewb() then tries EWB; only when EWB returns SGX_NOT_TRACKED does it run ETRACK and try again, and if that too is not tracked it sends IPIs to the enclave's CPUs and tries a third time. The page is then shown hatched in the enclave grid.",
    source: "SDM Vol. 3D, EWB; main.c: sgx_reclaim_pages(), sgx_encl_ewb()",
    basis: "kernel",
  },
  {
    term: "ELDU",
    short: "ENCLS leaf that loads an evicted page back into the EPC, checking it against its VA slot.",
    long: "The fault handler (or an ioctl) runs ELDU when an evicted page is needed again; the contents come back exactly as they were.",
    source: "SDM Vol. 3D, ELDU; encl.c: sgx_encl_load_page()",
    basis: "kernel",
  },
  {
    term: "VA",
    short: "Version Array page: an EPC page of 512 slots, each holding the version of one evicted page.",
    long: "EPA creates a VA page, with no parent SECS. The driver keeps each enclave's VA pages on a list of its own and never offers them to the reclaimer.",
    source: "SDM Vol. 3D, Version Array (VA); encl.c: sgx_alloc_va_page()",
    basis: "kernel",
  },
];

export function glossaryEntry(term: string): GlossaryEntry | undefined {
  return GLOSSARY.find((g) => g.term === term);
}
