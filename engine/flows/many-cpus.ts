// Flows with several logical processors (contract: docs/scenario-format.md, "Logical processors,
// threads that stay inside, TLBs"): a thread stays inside the enclave on one CPU while the
// kernel works on another. They show why EDMM needs ETRACK, the IPI to sgx_encl_cpumask() and
// EACCEPT: a thread inside keeps the translations its TLB cached until it leaves the enclave
// (EEXIT or AEX flush them: encl.c, comment of sgx_encl_cpumask()); the driver's IPI forces that
// exit (ioctl.c: sgx_enclave_etrack(); main.c: sgx_encl_ewb()), and a successful EACCEPT is the
// enclave's proof that it happened (SDM EACCEPT: SGX_NOT_TRACKED until then).

import { faulted, succeeds, withEpcm } from "./expect.ts";
import type { BuiltInFlow } from "./index.ts";
import { DATA_START, MAGIC, MAGIC2, standardBuild, TCS1, TCS2 } from "./standard-build.ts";
import { eenter, hex, ioctl, PAGE_SIZE, type RawExpect, type RawStep, reclaim, scenario } from "./steps.ts";

const page = hex(DATA_START);

/** The thread stayed inside on `cpu`, on the second TCS. */
const inside = (cpu: number): RawExpect => ({
  thread: { enclave: "e0", tcs: hex(TCS2), cpu, state: "inside" },
});

/** EENTER the second TCS from `cpu`, run `call` and stay inside. */
function enterAndStay(cpu: number, call: Record<string, unknown>, note: string): RawStep {
  return { op: "EENTER", cpu, tcs: hex(TCS2), ...call, stay: true, note, expect: { cpu, ...inside(cpu) } };
}

function run(cpu: number, call: Record<string, unknown>, note: string, expect?: RawExpect): RawStep {
  return { op: "run", cpu, ...call, note, expect: expect ?? { cpu, ...inside(cpu) } };
}

const restrictToR = (note: string, expect: RawExpect): RawStep =>
  ioctl(
    "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
    { offset: page, length: hex(PAGE_SIZE), permissions: "R" },
    { note, expect },
  );

const restricted = withEpcm(succeeds({ result: "0x0", count: hex(PAGE_SIZE) }), {
  [page]: { perms: "R--", pr: true },
});

const d1 =
  "A thread writes data_start on CPU 1 while the kernel restricts the page to read-only on CPU 0: the IPI after ETRACK kicks the thread out (AEX), so its next write walks the page tables and the EPCM again and faults.";

export const restrictWhileInside: BuiltInFlow = {
  id: "restrict-while-inside",
  title: "Restrict a page while a thread writes it on another CPU",
  description: d1,
  scenario: scenario({
    title: "Restrict a page while a thread writes it on another CPU",
    description: d1,
    steps: [
      ...standardBuild(),
      enterAndStay(
        1,
        { call: "write", addr: page, value: MAGIC },
        "CPU 1 enters on TCS#2 and writes MAGIC to data_start. The page walk passed the page tables and the EPCM (RW-): CPU 1's TLB now caches data_start with RW. The thread stays inside.",
      ),
      run(
        1,
        { call: "write", addr: page, value: MAGIC2 },
        "The thread writes again: the TLB entry allows the write, so the EPCM is not consulted (a tlb-hit event).",
      ),
      restrictToR(
        "On CPU 0 the kernel restricts data_start to R: EMODPR, then sgx_enclave_etrack(): ETRACK records the thread inside on CPU 1, and the IPI to every CPU of the process makes CPU 1 take an AEX, which flushes its TLB; it ERESUMEs at once and user space sees nothing.",
        { cpu: 0, ...restricted },
      ),
      run(
        1,
        { call: "write", addr: page, value: "0x1" },
        "The thread writes once more. Its TLB was flushed by the AEX, so the access walks again and meets the EPCM's R--: #PF with the SGX bit (0x8007). The thread leaves by AEX and the vDSO returns the exception.",
        { cpu: 1, ...faulted("0x8007", DATA_START) },
      ),
    ],
  }),
};

const d2 =
  "After the kernel restricted a page, the thread inside accepts the restriction with EACCEPT. The EACCEPT succeeds because the IPI made every thread that was inside at the ETRACK leave once: no CPU can still hold the old RW translation.";

export const eacceptFromInside: BuiltInFlow = {
  id: "eaccept-from-inside",
  title: "EACCEPT from inside after a restriction",
  description: d2,
  scenario: scenario({
    title: "EACCEPT from inside after a restriction",
    description: d2,
    steps: [
      ...standardBuild(),
      enterAndStay(
        1,
        { call: "write", addr: page, value: MAGIC },
        "CPU 1 enters on TCS#2 and writes data_start: its TLB caches the page with RW. The thread stays inside.",
      ),
      run(
        1,
        { call: "write", addr: page, value: MAGIC },
        "The thread writes again: a TLB hit, so the EPCM is not consulted. Whatever the kernel changes in the EPCM now, this CPU would not notice until its TLB is flushed.",
      ),
      restrictToR(
        "CPU 0 restricts data_start to R: EMODPR, ETRACK (the thread on CPU 1 is recorded), IPI: CPU 1 takes an AEX (TLB flushed) and ERESUMEs.",
        { cpu: 0, ...restricted },
      ),
      run(
        1,
        { call: "EACCEPT", addr: page, secinfo: "R|REG|PR" },
        "The thread runs EACCEPT(R|REG|PR). Every thread inside at the ETRACK has left since (the IPI's AEX), so the change is tracked: SGX_SUCCESS, and PR clears. Had a thread not left, EACCEPT would answer SGX_NOT_TRACKED.",
        withEpcm(
          { cpu: 1, ...inside(1), call: { ret: 0, ret_name: "SGX_SUCCESS" } },
          { [page]: { perms: "R--", pr: false } },
        ),
      ),
      run(
        1,
        { call: "read", addr: page },
        "The thread reads data_start: the walk meets R--, which allows the read; the TLB caches the page with R only.",
        { cpu: 1, ...inside(1), call: { value: MAGIC } },
      ),
      run(1, { call: "read", addr: page }, "Read again: a TLB hit, with the rights the EPCM allows now.", {
        cpu: 1,
        ...inside(1),
        call: { value: MAGIC },
      }),
      {
        op: "EEXIT",
        cpu: 1,
        note: "The thread leaves: EEXIT flushes CPU 1's TLB and the vDSO returns 0.",
        expect: { cpu: 1, ret: 0, run: { function: "EEXIT" } },
      },
      eenter(
        TCS1,
        { call: "write", addr: page, value: MAGIC2 },
        {
          note: "A fresh entry on CPU 0 tries to write: EENTER starts with an empty TLB, the walk meets R--, #PF 0x8007.",
          expect: faulted("0x8007", DATA_START),
        },
      ),
    ],
  }),
};

const d3 =
  "The reclaimer evicts enclave pages while a thread is inside on CPU 1: EWB answers SGX_NOT_TRACKED, the kernel runs ETRACK and tries again, still not tracked, so it IPIs the process's CPUs; the thread's AEX completes the tracking cycle and EWB succeeds.";

export const reclaimWhileInside: BuiltInFlow = {
  id: "reclaim-while-inside",
  title: "Reclaim while a thread is inside: SGX_NOT_TRACKED, ETRACK, IPI",
  description: d3,
  scenario: scenario({
    title: "Reclaim while a thread is inside: SGX_NOT_TRACKED, ETRACK, IPI",
    description: d3,
    steps: [
      ...standardBuild(),
      enterAndStay(
        1,
        { call: "write", addr: page, value: MAGIC },
        "CPU 1 enters on TCS#2 and writes MAGIC to data_start; the thread stays inside.",
      ),
      reclaim(1, {
        note: "Memory pressure on CPU 0: one reclaimer batch. Its victims are EBLOCKed; the first EWB says SGX_NOT_TRACKED (no ETRACK since the EBLOCK), the kernel's ETRACK records the thread on CPU 1 and the second EWB still says SGX_NOT_TRACKED; the IPI makes CPU 1 take an AEX and ERESUME, and the third EWB succeeds (main.c: sgx_encl_ewb()).",
        expect: { cpu: 0, ret: 0 },
      }),
      run(
        1,
        { call: "read", addr: page },
        "The thread reads data_start: still resident (it was young), MAGIC.",
        {
          cpu: 1,
          ...inside(1),
          call: { value: MAGIC },
        },
      ),
      reclaim(16, {
        note: "More pressure: now even the thread's own pages go. A CPU that must ERESUME while its TCS is being written out waits until the reclaimer is done, then faults it back in (ELDU) and continues.",
        expect: { cpu: 0, ret: 0, epcm: { [page]: { valid: false } } },
      }),
      run(
        1,
        { call: "read", addr: page },
        "The thread reads data_start again: the page was evicted, so the walk faults, the kernel reloads it with ELDU, and the ERESUME at the AEP retries the read: MAGIC.",
        { cpu: 1, ...inside(1), call: { value: MAGIC } },
      ),
      {
        op: "EEXIT",
        cpu: 1,
        note: "The thread leaves.",
        expect: { cpu: 1, ret: 0, run: { function: "EEXIT" } },
      },
    ],
  }),
};

const d4 =
  "Interrupts: an interrupt on a CPU with a thread inside makes it take an AEX (TLB flushed) and ERESUME at the AEP, unseen by user space; on an idle CPU it does nothing. User space touching its enclave mapping from outside hits the abort page.";

export const interrupts: BuiltInFlow = {
  id: "interrupts",
  title: "Interrupts, AEX and ERESUME; user space reads the abort page",
  description: d4,
  scenario: scenario({
    title: "Interrupts, AEX and ERESUME; user space reads the abort page",
    description: d4,
    steps: [
      ...standardBuild(),
      enterAndStay(
        2,
        { call: "write", addr: page, value: MAGIC },
        "CPU 2 enters on TCS#2 and writes MAGIC to data_start; its TLB caches the page with RW.",
      ),
      run(2, { call: "read", addr: page }, "A read: a TLB hit, no EPCM check.", {
        cpu: 2,
        ...inside(2),
        call: { value: MAGIC },
      }),
      {
        op: "interrupt",
        cpu: 2,
        note: "An interrupt arrives on CPU 2: the thread takes an AEX (its state goes to the SSA frame, CSSA 0 → 1, the TLB is flushed), the kernel handles the interrupt and returns to the AEP, where the vDSO's ERESUME brings it back (CSSA 1 → 0). User space sees nothing.",
        expect: { cpu: 2, ret: 0, ...inside(2) },
      },
      run(
        2,
        { call: "read", addr: page },
        "The next read walks the page tables and the EPCM again (the TLB is empty): no tlb-hit.",
        {
          cpu: 2,
          ...inside(2),
          call: { value: MAGIC },
        },
      ),
      {
        op: "interrupt",
        cpu: 3,
        note: "An interrupt on CPU 3, where no thread is inside: nothing happens to the enclave.",
        expect: { cpu: 3, ret: 0 },
      },
      {
        op: "access",
        offset: page,
        kind: "read",
        note: "On CPU 0, user space loads from its own mapping of data_start, outside enclave mode: the PTE reaches an EPC page, so the load hits the abort page and reads all ones.",
        expect: { cpu: 0, ret: 0, value: "0xffffffffffffffff" },
      },
      {
        op: "access",
        offset: page,
        kind: "write",
        value: "0x5",
        note: "A store from outside enclave mode is dropped (abort page).",
        expect: { cpu: 0, ret: 0 },
      },
      run(
        2,
        { call: "read", addr: page },
        "Inside, the enclave still reads MAGIC: the store never reached the page.",
        {
          cpu: 2,
          ...inside(2),
          call: { value: MAGIC },
        },
      ),
      {
        op: "access",
        offset: "0xc000",
        kind: "read",
        note: "A load from an address of the enclave's range that no mmap() covers: no VMA, so the kernel sends SIGSEGV.",
        expect: { cpu: 0, ret: 0, signal: "SIGSEGV" },
      },
      {
        op: "EEXIT",
        cpu: 2,
        note: "The thread leaves; the vDSO returns 0.",
        expect: { cpu: 2, ret: 0, run: { function: "EEXIT" } },
      },
    ],
  }),
};

export const manyCpuFlows: BuiltInFlow[] = [
  restrictWhileInside,
  eacceptFromInside,
  reclaimWhileInside,
  interrupts,
];
