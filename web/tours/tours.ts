// Guided tours: a first one for a reader new to SGX, then one per EDMM flow of the SGX2 series,
// each a few stops anchored at steps of a built-in flow. `expect` names the op the stop is about
// (checked against the flow by tours.test.ts, so a flow edit cannot silently move a tour off its
// step), and `claims` what the grids and the EPCM table show there (checked against the engine's
// state at that step, so a stop's text cannot contradict the screen). In the text, [[Term]] or
// [[Term|words]] links a glossary entry; each term is linked on its first use in a tour.
// Each stop carries the basis of what it says (docs/scenario-format.md, Provenance of events): a
// stop is as strong as its least-supported claim, so "model" marks any stop that states an inference.

import type { Basis } from "../engine/client.ts";
import type { StopClaims } from "./claims.ts";

export interface TourStop {
  /** Steps completed when the stop is shown (the stop explains step `step`; 0: before any). */
  step: number;
  /** The op of step `step`, as opSignature() writes it ("" for step 0). */
  expect: string;
  title: string;
  text: string;
  /** What the stop's text rests on: its least-supported claim decides. */
  basis: Basis;
  /** For "model": the engine/MODEL.md entry; for "hardware": the selftest that asserts it. */
  basis_ref?: string;
  /** What the screen shows at this stop, as the text says it. */
  claims: StopClaims;
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
  text: "Steps 1–6 build the selftests' [[enclave]] (the first tour shows them one by one): [[ECREATE]] creates it, [[EADD]] copies its 12 pages in, and [[EINIT]] ends the build. Two counts to tell apart: the enclave view counts the enclave's 12 pages in the [[EPC]], while the EPC view counts 14 used pages, because the enclave's control page ([[SECS]]) and one page the driver keeps for eviction bookkeeping are in the EPC too.",
  basis: "kernel",
  claims: { epcUsed: 14, inEpc: 12, pages: { "0x0": "TCS ---", "0x2000": "REG R-X", "0x4000": "REG RW-" } },
};

/** The first tour: what an enclave and the EPC are, from nothing. */
const BASICS: Tour = {
  id: "basics",
  title: "What is an enclave, and what is the EPC?",
  summary: "Start here if SGX is new: build a small enclave from nothing, see its pages, run code inside it.",
  flow: "epcm-permissions",
  stops: [
    {
      step: 0,
      expect: "",
      title: "Nothing yet",
      text: "A program sometimes has code and data that even the operating system must not read. Intel's [[SGX]] lets it keep them in an [[enclave]]: a part of the program's memory whose pages live in a protected region of RAM, the [[EPC]], which only code running inside that enclave can read. Nothing exists yet: the EPC view below shows only free pages, and the enclave view is empty. Step forward (→) or press Next to build one.",
      basis: "sdm",
      claims: { epcUsed: 0 },
    },
    {
      step: 1,
      expect: "ioctl SGX_IOC_ENCLAVE_CREATE",
      title: "Create the enclave: ECREATE",
      text: "The program asks the Linux driver to create an enclave (the ioctl SGX_IOC_ENCLAVE_CREATE on /dev/sgx_enclave). The kernel runs [[ECREATE]], one of the CPU's SGX instructions: it turns a free EPC page into the enclave's control page, the [[SECS]], which records the enclave's address range, its [[ELRANGE]]. The EPC view now counts 2 used pages: the SECS, and a page the driver keeps for later bookkeeping. The enclave has no pages of its own yet.",
      basis: "kernel",
      claims: { epcUsed: 2, inEpc: 0 },
    },
    {
      step: 2,
      expect: "ioctl SGX_IOC_ENCLAVE_ADD_PAGES 0x0",
      title: "Add pages: EADD",
      text: "Now the kernel copies the enclave's first two pages into the EPC with [[EADD]]. For every EPC page the CPU keeps a record that no software can write: its [[EPCM]] entry, saying which enclave owns the page, at which address, with which type and permissions. These two pages have the type [[TCS]]: each is a door through which one thread can enter the enclave. The EPCM table under the grids shows them at offsets 0x0 and 0x1000.",
      basis: "sdm",
      claims: { epcUsed: 4, inEpc: 2, pages: { "0x0": "TCS ---", "0x1000": "TCS ---" } },
    },
    {
      step: 6,
      expect: "ioctl SGX_IOC_ENCLAVE_INIT",
      title: "Finish the build: EINIT",
      text: "Steps 3–5 added the code (regular pages, REG, readable and executable: R-X) and the data (REG, RW-), 12 pages in all. [[EINIT]] closes the build: from now on no page can be added with EADD, and threads may enter. Two counts to tell apart: the enclave view counts the enclave's 12 pages in the EPC, while the EPC view counts 14 used pages, because the SECS and the driver's bookkeeping page are in the EPC too.",
      basis: "kernel",
      claims: {
        epcUsed: 14,
        inEpc: 12,
        pages: { "0x2000": "REG R-X", "0x4000": "REG RW-", "0xb000": "REG RW-" },
      },
    },
    {
      step: 12,
      expect: "EENTER write 0x5000",
      title: "Run code inside: EENTER and EEXIT",
      text: "Steps 7–10 map the pages into the program's address space and check that the kernel supports SGX2. Now a thread runs code inside the enclave: a small helper the kernel provides, in the [[vDSO]], runs [[EENTER]] through the first TCS; the enclave writes a value (MAGIC) to its page at 0x5000 and leaves with [[EEXIT]]. The events list also shows a few faults on the way in: the page tables were still empty, and the kernel filled them in.",
      basis: "kernel",
      claims: { pages: { "0x5000": "REG RW-" }, outcome: "EEXIT" },
    },
    {
      step: 13,
      expect: "EENTER read 0x5000",
      title: "What the program gets back",
      text: "The next call reads 0x5000 and gets MAGIC back: the enclave's memory kept it between two entries. The vDSO reports each call in the [[run struct]]: run.function names the last SGX instruction of the call, here EEXIT, a normal exit; after a fault it would carry the exception's number, error code and address instead. The other tours start from this same enclave: “Adding a page on a fault” is a good next one.",
      basis: "hardware",
      basis_ref:
        "selftests/sgx/main.c: EXPECT_EEXIT() after each ENCL_CALL: run.function == EEXIT, the call returns 0",
      claims: { pages: { "0x5000": "REG RW-" }, outcome: "EEXIT · value 0x1122334455667788" },
    },
  ],
};

export const TOURS: Tour[] = [
  BASICS,
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
        text: "User space maps one more page of [[ELRANGE]] at 0xc000. Nothing is in the EPC there yet: the mapping only says the address may be used. The driver allows up to RWX here, because no page exists whose permissions could be exceeded.",
        basis: "kernel",
        claims: { pages: { "0xc000": "none" }, epcUsed: 14 },
      },
      {
        step: 12,
        expect: "EENTER write 0xc000",
        title: "A write to nowhere: EAUG",
        text: "The enclave writes to 0xc000. There is no [[PTE]], so the CPU raises a #PF and leaves the enclave with an [[AEX]]. The driver's fault handler sees an address in ELRANGE with no page and runs [[EAUG]]: a new EPC page, type REG, RW, marked [[PENDING]]. It maps the page and the write runs again, but a PENDING page may not be touched until the enclave accepts it: the [[EPCM]] refuses with #PF error code 0x8007 (the 0x8000 bit says the EPCM, not the page tables, refused). The [[vDSO]] reports that exception to the caller.",
        basis: "kernel",
        claims: { pages: { "0xc000": "REG RW- PENDING" }, outcome: "ERESUME #PF 0x8007" },
      },
      {
        step: 13,
        expect: "EENTER EACCEPT 0xc000",
        title: "The enclave agrees: EACCEPT",
        text: "Thread 1 is parked in its AEX, so the second [[TCS]] runs [[EACCEPT]] with [[SECINFO]] R|W|REG|PENDING. It matches the EPCM entry, so PENDING clears: the page now belongs to the enclave for real. The kernel could add the page but could not make the enclave use it; only the enclave can accept.",
        basis: "sdm",
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 14,
        expect: "ERESUME",
        title: "Resume the write",
        text: "[[ERESUME]] takes thread 1 back to the faulting write, which now succeeds.",
        basis: "sdm",
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT" },
      },
      {
        step: 15,
        expect: "EENTER read 0xc000",
        title: "The page holds the value",
        text: "Reading 0xc000 returns MAGIC. The EPC page stays until the enclave is torn down or the page is trimmed and removed.",
        basis: "kernel",
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT · value 0x1122334455667788" },
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
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 13,
        expect: "EENTER write 0xc000",
        title: "An ordinary page",
        text: "The accepted page is an ordinary REG page, RW in the [[EPCM]]: the write succeeds at once.",
        basis: "sdm",
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT" },
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
        text: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS asks for R only on 0x5000. The driver runs [[EMODPR]]: the [[EPCM]] loses W at once and gets [[PR]] set. Then [[ETRACK]] and IPIs make sure no thread still runs with the old permissions. The [[PTE]] and the [[VMA]] stay RW: in mainline the page tables do not follow the EPCM.",
        basis: "kernel",
        claims: { pages: { "0x5000": "REG R-- PR" } },
      },
      {
        step: 15,
        expect: "EENTER EACCEPT 0x5000",
        title: "The enclave accepts",
        text: "The enclave runs [[EACCEPT]] with R|REG|PR, matching the new entry, and PR clears. It succeeds because the ETRACK cycle has completed; before that, EACCEPT returns SGX_NOT_TRACKED.",
        basis: "sdm",
        claims: { pages: { "0x5000": "REG R--" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 16,
        expect: "EENTER write 0x5000",
        title: "A write the EPCM refuses",
        text: "A write to 0x5000 passes the page tables (PTE RW) but not the EPCM: #PF with error code 0x8007, whose 0x8000 bit says the EPCM refused. Thread 1 waits in its [[AEX]].",
        basis: "hardware",
        basis_ref:
          "selftests/sgx/main.c: TEST_F(enclave, epcm_permissions) asserts function ERESUME, vector 14, exception_error_code 0x8007",
        claims: { pages: { "0x5000": "REG R--" }, outcome: "ERESUME #PF 0x8007" },
      },
      {
        step: 17,
        expect: "EENTER EMODPE 0x5000",
        title: "The enclave relaxes: EMODPE",
        text: "From the second [[TCS]] the enclave runs [[EMODPE]] with R|W: W is back in the EPCM. No ioctl, no ETRACK, no EACCEPT: EMODPE can only add permissions, so nothing needs tracking. It does not touch the page tables; an access still needs both the PTE and the EPCM to allow it.",
        basis: "sdm",
        claims: { pages: { "0x5000": "REG RW-" }, outcome: "EEXIT" },
      },
      {
        step: 18,
        expect: "ERESUME",
        title: "The write completes",
        text: "[[ERESUME]] re-runs the faulting write, and this time the EPCM allows it.",
        basis: "sdm",
        claims: { pages: { "0x5000": "REG RW-" }, outcome: "EEXIT" },
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
        text: "The enclave has accepted three new pages at 0xc000–0xe000 ([[EAUG]] on the fault, then [[EACCEPT]]): a stack, an [[SSA]], and at 0xd000 the future [[TCS]], for now an ordinary RW page.",
        basis: "kernel",
        claims: { pages: { "0xc000": "REG RW-", "0xd000": "REG RW-", "0xe000": "REG RW-" } },
      },
      {
        step: 16,
        expect: "EENTER init_tcs 0xd000",
        title: "Write the TCS image",
        text: "While 0xd000 is still writable, the enclave writes a TCS image into it: its SSA at 0xe000, one SSA frame, and [[OENTRY|the entry point]]. Once the page is a TCS, nobody can write it any more.",
        basis: "kernel",
        claims: { pages: { "0xd000": "REG RW-" }, outcome: "EEXIT" },
      },
      {
        step: 17,
        expect: "ioctl SGX_IOC_ENCLAVE_MODIFY_TYPES 0xd000",
        title: "The kernel changes the type: EMODT",
        text: "SGX_IOC_ENCLAVE_MODIFY_TYPES with page_type TCS. The driver checks the page may be mapped RW, zaps its [[PTE]], and runs [[EMODT]]: type TCS, R/W/X cleared, [[MODIFIED]] set; then [[ETRACK]]. (The Reviewer tab lists each check the driver made.)",
        basis: "kernel",
        claims: { pages: { "0xd000": "TCS --- MODIFIED" } },
      },
      {
        step: 18,
        expect: "EENTER EACCEPT 0xd000",
        title: "The enclave accepts the TCS",
        text: "[[EACCEPT]] with TCS|MODIFIED: EACCEPT checks the TCS fields the enclave wrote, and MODIFIED clears.",
        basis: "sdm",
        claims: { pages: { "0xd000": "TCS ---" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 19,
        expect: "EENTER write 0x4000",
        title: "A third thread",
        text: "[[EENTER]] through the new TCS at 0xd000 works: the enclave now has three threads, one created at run time.",
        basis: "sdm",
        claims: { pages: { "0xd000": "TCS ---" }, outcome: "EEXIT" },
      },
    ],
  },
  {
    id: "remove",
    title: "Removing pages, and adding one back",
    summary: "Trim, accept, remove with EREMOVE; then the address gets a brand-new page.",
    flow: "tcs-create",
    stops: [
      BUILD,
      {
        step: 20,
        expect: "EENTER read 0x4000",
        title: "Where we start: three pages added at run time",
        text: "Steps 7–20 are the tour “A new thread”: the enclave accepted three new pages ([[EAUG]], then [[EACCEPT]]) at 0xc000 (a stack), 0xd000 (turned into a [[TCS]], a third thread's entry) and 0xe000 (that thread's [[SSA]], where its registers are saved on an exception), and ran code through the new TCS. The [[EPCM]] table lists them: REG, TCS, REG. This tour takes the three away again.",
        basis: "kernel",
        claims: {
          epcUsed: 17,
          inEpc: 15,
          pages: { "0xc000": "REG RW-", "0xd000": "TCS ---", "0xe000": "REG RW-" },
        },
      },
      {
        step: 21,
        expect: "ioctl SGX_IOC_ENCLAVE_MODIFY_TYPES 0xc000",
        title: "Trim: EMODT to TRIM",
        text: "SGX_IOC_ENCLAVE_MODIFY_TYPES with page_type [[TRIM]] on the three pages. [[EMODT]] makes each one TRIM with [[MODIFIED]] set, and [[ETRACK]] follows. The enclave can no longer use them; the EPC pages are still allocated (the EPC view still counts 17 used).",
        basis: "kernel",
        claims: {
          epcUsed: 17,
          pages: {
            "0xc000": "TRIM --- MODIFIED",
            "0xd000": "TRIM --- MODIFIED",
            "0xe000": "TRIM --- MODIFIED",
          },
        },
      },
      {
        step: 22,
        expect: "EENTER EACCEPT 0xc000",
        title: "The enclave agrees to lose a page",
        text: "EACCEPT with TRIM|MODIFIED on 0xc000: MODIFIED clears on that page only. It takes one EACCEPT per page, so 0xd000 and 0xe000 still show MODIFIED until steps 23 and 24 accept them. Without these, the kernel would refuse to remove the pages: the enclave must agree.",
        basis: "kernel",
        claims: {
          pages: { "0xc000": "TRIM ---", "0xd000": "TRIM --- MODIFIED", "0xe000": "TRIM --- MODIFIED" },
          outcome: "EEXIT · SGX_SUCCESS",
        },
      },
      {
        step: 25,
        expect: "ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0xc000",
        title: "Remove: EREMOVE",
        text: "All three are accepted now. SGX_IOC_ENCLAVE_REMOVE_PAGES: for each page the driver checks it is TRIM, and probes with [[EMODPR]]: on an accepted trim EMODPR faults, which proves the enclave said yes. Then it zaps the [[PTE]] and runs [[EREMOVE]]: the EPC pages are free again (the EPC view is back to 14 used), and the addresses have no page.",
        basis: "kernel",
        claims: { epcUsed: 14, inEpc: 12, pages: { "0xc000": "none", "0xd000": "none", "0xe000": "none" } },
      },
      {
        step: 26,
        expect: "EENTER EACCEPT 0xd000",
        title: "The same address, a new page",
        text: "EACCEPT on 0xd000 again: there is no page, so the fault makes the kernel [[EAUG]] a brand-new regular page, [[PENDING]], which EACCEPT then accepts. Nothing of the old TCS survives: the table shows REG RW-.",
        basis: "kernel",
        claims: { pages: { "0xd000": "REG RW-" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 28,
        expect: "EENTER read 0xd000",
        title: "It works as any page",
        text: "A write and a read at the former TCS address: MAGIC comes back.",
        basis: "kernel",
        claims: { pages: { "0xd000": "REG RW-" }, outcome: "EEXIT · value 0x1122334455667788" },
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
        claims: { pages: { "0x1000": "TCS ---" }, outcome: "-1 EINVAL · result 0x0 · count 0x0" },
      },
      {
        step: 17,
        expect: "ioctl SGX_IOC_ENCLAVE_MODIFY_TYPES 0x2000",
        title: "A code page cannot become a TCS: EPERM",
        text: "MODIFY_TYPES → TCS on a page added R-X: a TCS must be mappable read/write, and this page's build-time permissions lack W. EPERM.",
        basis: "kernel",
        claims: { pages: { "0x2000": "REG R-X" }, outcome: "-1 EPERM · result 0x0 · count 0x0" },
      },
      {
        step: 19,
        expect: "ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0x5000",
        title: "Only trimmed pages go: EPERM",
        text: "REMOVE_PAGES on a regular page: only a [[TRIM]] page the enclave has accepted may be removed. EPERM.",
        basis: "kernel",
        claims: { pages: { "0x5000": "REG RW-" }, outcome: "-1 EPERM · count 0x0" },
      },
      {
        step: 21,
        expect: "EENTER EACCEPT 0x5000",
        title: "EACCEPT that does not match",
        text: "[[EACCEPT]] claims the page is [[PENDING]] but it is not: the CPU returns SGX_PAGE_ATTRIBUTES_MISMATCH (19) to the enclave, which exits normally.",
        basis: "sdm",
        claims: { pages: { "0x5000": "REG RW-" }, outcome: "EEXIT · SGX_PAGE_ATTRIBUTES_MISMATCH" },
      },
      {
        step: 23,
        expect: "EENTER write 0xc000",
        title: "A write to a PENDING page: #PF 0x8007",
        text: "The enclave writes to 0xc000, which is mapped but has no page. The fault handler adds one with [[EAUG]], but the new page is PENDING until the enclave accepts it, so the retried write faults in the EPCM: #PF with error code 0x8007 (the 0x8000 bit marks a fault from the EPCM check, not the page tables). Thread 1 leaves the enclave with an [[AEX]] and the [[vDSO]] reports the exception to the caller.",
        basis: "kernel",
        claims: { pages: { "0xc000": "REG RW- PENDING" }, outcome: "ERESUME #PF 0x8007" },
      },
      {
        step: 24,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0xc000",
        title: "A PENDING page cannot be restricted",
        text: "RESTRICT_PERMISSIONS on that page while it is still PENDING: EMODPR returns SGX_PAGE_NOT_MODIFIABLE (20). The driver puts it in result (0x14) and fails with EFAULT.",
        basis: "kernel",
        claims: { pages: { "0xc000": "REG RW- PENDING" }, outcome: "-1 EFAULT · result 0x14 · count 0x0" },
      },
      {
        step: 26,
        expect: "EENTER nop",
        title: "EENTER on a busy TCS: #GP",
        text: "Thread 1 waits in its AEX with its only [[SSA]] frame in use, so [[EENTER]] on its TCS raises #GP (vector 13); the vDSO reports it.",
        basis: "sdm",
        claims: { outcome: "EENTER #GP 0x0" },
      },
      {
        step: 29,
        expect: "mmap 0x4000",
        title: "A mapping beyond the build permissions: EACCES",
        text: "mmap with PROT_EXEC over data pages added R|W: no mapping may exceed a page's build-time permissions. EACCES.",
        basis: "kernel",
        claims: { pages: { "0x4000": "REG RW-" }, outcome: "-1 EACCES" },
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
        text: "Memory pressure: the reclaimer evicts the enclave's pages. It blocks each page ([[EBLOCK]]) and tries [[EWB]]; only when EWB answers SGX_NOT_TRACKED does the driver run [[ETRACK]] and try again (and after that, IPIs and a third try). The page goes out encrypted and its version goes into a slot of a [[VA]] page. Evicted pages are hatched in the enclave grid (the enclave view counts 12 evicted); the [[SECS]] goes last, once none of its pages is resident. Only the VA page stays, since the driver never offers VA pages to the reclaimer: the EPC view counts 1 used page.",
        basis: "kernel",
        claims: { evicted: 12, inEpc: 0, epcUsed: 1 },
      },
      {
        step: 14,
        expect: "EENTER read 0x4000",
        title: "A page nobody touched since the build",
        text: "Reading encl_buffer at 0x4000, untouched since [[EADD]]: the fault handler runs [[ELDU]], which checks the page against its VA slot and puts it back in the [[EPC]]. Its byte 0 is still 1, as the build wrote it.",
        basis: "kernel",
        claims: { pages: { "0x4000": "REG RW-" }, outcome: "EEXIT · value 0x1" },
      },
      {
        step: 15,
        expect: "EENTER read 0xb000",
        title: "The heap page comes back zero",
        text: "The heap page, never written, comes back zero-filled: eviction keeps contents exactly, whatever they are.",
        basis: "kernel",
        claims: { pages: { "0xb000": "REG RW-" }, outcome: "EEXIT · value 0x0" },
      },
    ],
  },
  {
    id: "stale-translations",
    title: "Why EACCEPT: stale translations",
    summary:
      "A thread inside on CPU 1 keeps the translation it cached; the kernel's ETRACK and IPI force it out, and EACCEPT proves it happened.",
    flow: "eaccept-from-inside",
    stops: [
      BUILD,
      {
        step: 11,
        expect: "EENTER write 0x5000",
        title: "A thread stays inside on CPU 1",
        basis: "model",
        basis_ref: "engine/MODEL.md: Many CPUs",
        claims: { pages: { "0x5000": "REG RW-" }, outcome: "stays inside on CPU 1" },
        text: "CPU 1 enters the enclave on the second [[TCS]] and writes 0x5000. The page walk passes the page tables and the [[EPCM]] (RW), and the CPU caches the translation in its [[TLB]] with those rights. The thread stays inside: the [[vDSO]] has not returned, and CPU 1's lane shows it.",
      },
      {
        step: 12,
        expect: "run write 0x5000",
        basis: "model",
        basis_ref: "engine/MODEL.md: Many CPUs",
        claims: { pages: { "0x5000": "REG RW-" }, outcome: "stays inside on CPU 1" },
        title: "A TLB hit skips the EPCM",
        text: "The thread writes again. The TLB already holds the page with W, so the CPU does not walk and does not look at the EPCM (a tlb-hit event). That is the whole problem: if the EPCM changed now, CPU 1 would go on writing with the old rights.",
      },
      {
        step: 13,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0x5000",
        basis: "kernel",
        claims: { pages: { "0x5000": "REG R-- PR" } },
        title: "The kernel restricts the page on CPU 0",
        text: "On CPU 0 the driver runs [[EMODPR]]: the EPCM drops W and sets [[PR]]. For a moment CPU 1's TLB entry is stale: RW for a page the EPCM says is R. So the driver runs [[ETRACK]], which records the threads inside, and sends an [[IPI]] to every CPU of the process. The interrupt makes CPU 1 take an [[AEX]], and the AEX flushes its TLB; the vDSO's [[ERESUME]] brings the thread back at once, unnoticed by user space.",
      },
      {
        step: 14,
        expect: "run EACCEPT 0x5000",
        basis: "sdm",
        claims: { pages: { "0x5000": "REG R--" }, outcome: "stays inside on CPU 1 · SGX_SUCCESS" },
        title: "EACCEPT: the enclave's proof",
        text: "The thread runs [[EACCEPT]] with R|REG|PR. The CPU accepts only once every thread that was inside at the ETRACK has left since; otherwise it answers SGX_NOT_TRACKED. Success is the enclave's guarantee that no CPU still holds the old RW translation. The kernel cannot give that guarantee itself: only the enclave can trust the CPU's answer.",
      },
      {
        step: 15,
        expect: "run read 0x5000",
        basis: "model",
        basis_ref: "engine/MODEL.md: Many CPUs",
        claims: { pages: { "0x5000": "REG R--" } },
        title: "New translations carry the new rights",
        text: "A read walks again and caches the page with R only: every translation filled after the change has the restricted rights.",
      },
      {
        step: 18,
        expect: "EENTER write 0x5000",
        title: "A write now faults",
        basis: "sdm",
        claims: { pages: { "0x5000": "REG R--" }, outcome: "ERESUME #PF 0x8007" },
        text: "A fresh entry on CPU 0 starts with an empty TLB; its write meets the EPCM's R and faults with #PF 0x8007, the [[SGX]] bit set.",
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
        text: "sgx_mm_alloc() with SGX_EMA_COMMIT_ON_DEMAND only reserved the range: the runtime mapped it, but nothing is in the [[EPC]] there. The first write faults; the kernel runs [[EAUG]] and maps a [[PENDING]] page, and the retried write is refused by the [[EPCM]] (#PF 0x8007). The CPU leaves the [[enclave]] with an [[AEX]] and the fault goes to the memory manager's #PF handler.",
        basis: "model",
        basis_ref: "engine/MODEL.md: An in-enclave #PF handler",
        claims: { pages: { "0xc000": "REG RW- PENDING" }, outcome: "ERESUME #PF 0x8007" },
      },
      {
        step: 13,
        expect: "EENTER EACCEPT 0xc000",
        title: "The #PF handler commits the page",
        text: "The handler finds the address in a COMMIT_ON_DEMAND range and runs [[EACCEPT]] with RW|REG|PENDING; the access then resumes as if nothing happened. In the SDK the handler runs on the faulting thread itself (on its next [[SSA]] frame); the test enclave has one SSA frame per [[TCS]], so the model runs it on the second thread and then resumes the first.",
        basis: "model",
        basis_ref: "engine/MODEL.md: An in-enclave #PF handler",
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 21,
        expect: "ioctl SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS 0xc000",
        title: "Every permission change goes through EMODPR",
        text: "sgx_mm_modify_permissions() always calls out to the kernel first, even to add W back: the kernel's [[EMODPR]] can only clear bits, so the page stays R, but [[PR]] is set and an [[ETRACK]] cycle runs.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
        claims: { pages: { "0xc000": "REG R-- PR" } },
      },
      {
        step: 23,
        expect: "EENTER EMODPE 0xc000",
        title: "The enclave extends, then accepts",
        text: "Back inside, [[EMODPE]] adds W to the EPCM entry, and EACCEPT with RW|REG|PR clears PR. The memory manager skips that EACCEPT only when the new permissions hold both W and X.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
        claims: { pages: { "0xc000": "REG RW- PR" }, outcome: "EEXIT" },
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
        claims: { pages: { "0xc000": "REG RW-" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 15,
        expect: "EENTER EACCEPT 0xd000",
        title: "EACCEPT first, EAUG on its fault",
        text: "Outside a fault, sgx_edmm_add_pages() runs EACCEPT on a page that does not exist yet. EACCEPT's own access faults, the kernel adds the page, and the EACCEPT runs again and succeeds: one [[enclave]] call commits the page.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
        claims: { pages: { "0xd000": "REG RW-" }, outcome: "EEXIT · SGX_SUCCESS" },
      },
      {
        step: 21,
        expect: "ioctl SGX_IOC_ENCLAVE_REMOVE_PAGES 0xc000",
        title: "Removal in three moves",
        text: "sgx_edmm_remove_pages(): an ocall changes the page to [[TRIM]] ([[EMODT]] sets [[MODIFIED]]), the enclave accepts with EACCEPT(TRIM|MODIFIED), and a second ocall has the kernel [[EREMOVE]] it. The EPC page is free again.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
        claims: { pages: { "0xc000": "none" }, epcUsed: 15 },
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
        text: "After the host mapped the range, the shim commits each page with [[EACCEPTCOPY]] from a page of zeros. The target has no page yet: the access faults, the kernel runs [[EAUG]], and EACCEPTCOPY runs again, copying the zeros in and setting the permissions from its [[SECINFO]] in one step. The [[EPCM]] shows both pages RW, not [[PENDING]].",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
        claims: { pages: { "0xc000": "REG RW-" } },
      },
      {
        step: 19,
        expect: "EENTER EMODPE 0xd000",
        title: "Restrict to R, accept, extend",
        text: "For mprotect the host always restricts the page to R ([[EMODPR]] sets [[PR]]), the shim accepts with [[EACCEPT]](R|REG|PR), then [[EMODPE]] extends it to R-X: the page can run code and can never be written again.",
        basis: "model",
        basis_ref: "engine/MODEL.md: What the runtime tours restate",
        claims: { pages: { "0xd000": "REG R-X" }, outcome: "EEXIT" },
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
