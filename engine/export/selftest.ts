// Export a scenario as a kernel selftest: a `TEST_F(enclave, <name>)` written against the harness
// and helpers of tools/testing/selftests/sgx/main.c (selftests main.c, defines.h: enum encl_op_type), ready to be
// pasted into main.c. The scenario must start with the standard build (flows/standard-build.ts),
// which becomes main.c's `setup_test_encl()`; every later step becomes the C that main.c's tests
// write for it, and every outcome the engine computed for that step becomes an assertion:
//
//   ioctl          memset + fields + ioctl(self->encl.fd, SGX_IOC_ENCLAVE_..., &arg), then
//                  ret, errno (main.c's `errno_save = ret == -1 ? errno : 0`), arg.result, arg.count;
//                  an all-zero struct is main.c's SGX2 probe; CREATE, ADD_PAGES and INIT after the
//                  build are refused by the kernel before it reads their buffers, so main.c's own
//                  SECS and SIGSTRUCT (self->encl.secs, .sigstruct) stand in
//   mmap/mprotect/munmap   on self->encl.encl_base + offset, then the result and errno
//   EENTER         an encl_op_* struct and ENCL_CALL(&op, &self->run, clobbered), clobbered as the
//                  step states it (default true: vdso_sgx_enter_enclave() directly; false: call.S's
//                  register-saving sgx_enter_enclave(), as main.c's unclobbered_* tests), then the value read,
//                  EACCEPT's op.ret, EXPECT_EEXIT or run.function, and the three exception fields;
//                  after a reported exception they are reset to 0, as main.c does
//   ERESUME        vdso_sgx_enter_enclave((unsigned long)&op, 0, 0, ERESUME, 0, 0, &self->run)
//                  with the op the interrupted thread was running (main.c's epcm_permissions)
//   pages: N       a for loop over the N pages (main.c's unclobbered_vdso_oversubscribed_remove),
//                  declared TEST_F_TIMEOUT(..., 900) as that test is
//   a heap as large as the EPC   main.c's get_total_epc_mem() sizes it; heap offsets, lengths,
//                  counts and the per-page loop are written from the heap segment (heap->offset,
//                  heap->size), so the test oversubscribes the real EPC; the header names the
//                  model's EPC size. An offset past such a heap is refused (it has no fixed place)
//
//   a later standard build of another enclave   setup_test_encl() into a local struct encl, a
//                  struct sgx_enclave_run of its own, and encl_delete() at the end of the test
//
// Steps the selftest enclave or harness cannot express (reclaim, close, exec, EACCEPTCOPY,
// PROVISION, an ioctl the uapi does not name, a stalled access, an enclave not built by the
// standard build) make the export fail with a message naming the step. Pure: no Node APIs, so
// the UI can offer it too.

import { sgxCodeName } from "../arch/constants.ts";
import {
  DATA_OFF,
  DATA_START,
  ENCL_BUFFER,
  ENCL_DYN_ENTRY,
  ENCL_ENTRY,
  enclaveSize,
  HEAP,
  MAGIC,
  MAGIC2,
  SSA_TCS1,
  SSA_TCS2,
  standardBuild,
  TCS1,
  TCS2,
  TEXT,
  totalSize,
} from "../flows/standard-build.ts";
import { MMAP_FLAGS, PROT_FLAGS } from "../scenario/names.ts";
import { parseScenario } from "../scenario/parse.ts";
import { opJson } from "../scenario/run.ts";
import type { RunJson, Trace, TraceStep } from "../scenario/trace-types.ts";
import type { EnclaveCall, Scenario, Step } from "../scenario/types.ts";
import {
  PAGE_TYPE_NAMES,
  SECINFO_FLAG_NAMES,
  SECINFO_PT_MASK,
  SECINFO_PT_SHIFT,
} from "../vocabulary/epcm.ts";
import { cpuRefusal } from "./cpus.ts";

export type SelftestResult = { ok: true; code: string } | { ok: false; error: string };

const PAGE = 0x1000;
/** The standard build: CREATE, 4 × ADD_PAGES, INIT, 4 × mmap (standard-build.ts). */
const BUILD_STEPS = 10;
/**
 * main.c: `TEST_F_TIMEOUT(enclave, unclobbered_vdso_oversubscribed_remove, 900)`, the one
 * mainline test that makes one enclave entry per page in a loop (the posted
 * augment_via_eaccept_long declares the same 900 s as TIMEOUT_DEFAULT); kselftest_harness.h's
 * default is 30 s.
 */
const LOOP_TIMEOUT = 900;

const CANNOT = "cannot export as a kernel selftest";

class ExportError extends Error {}

function fail(message: string): never {
  throw new ExportError(`${CANNOT}: ${message}`);
}

/**
 * The scenario as a kernel selftest. `trace` must be the engine's trace of this scenario (every
 * step run); `name` (default: the scenario title up to its first colon) is made a C identifier.
 */
export function toSelftest(scenario: Scenario, trace: Trace, name?: string): SelftestResult {
  const cpus = cpuRefusal(scenario);
  if (cpus) return { ok: false, error: `${CANNOT}: ${cpus}` };
  try {
    return { ok: true, code: new Exporter(scenario, trace, testName(name ?? scenario.title)).run() };
  } catch (e) {
    if (e instanceof ExportError) return { ok: false, error: e.message };
    throw e;
  }
}

/** A C identifier from a flow id or title: "epcm-permissions" → "epcm_permissions". */
export function testName(source: string): string {
  const head = source.includes(":") ? source.slice(0, source.indexOf(":")) : source;
  const id = (head.trim() || source)
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
  if (id === "") return "scenario";
  return /^[0-9]/.test(id) ? `scenario_${id}` : id;
}

// ---------------------------------------------------------------------------------------------
// Formatting C expressions.

function hexOf(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/**
 * A uapi __u64 offset or length as C: an ordinary one through `small`, one above 2^53 (kept as a
 * bigint: docs/scenario-format.md, Kernel versions and what-ifs) as an unsigned long literal.
 */
function wide(v: number | bigint, small: (n: number) => string): string {
  return typeof v === "bigint" ? `${hexOf(v)}UL` : small(v);
}

/** A 64-bit value: main.c's MAGIC / MAGIC2 by name, else a hex literal. */
function u64(v: bigint): string {
  if (v === BigInt(MAGIC)) return "MAGIC";
  if (v === BigInt(MAGIC2)) return "MAGIC2";
  if (v === 0n) return "0";
  return v > 0x7fffffffn ? `${hexOf(v)}ULL` : hexOf(v);
}

/** Names joined with " | ", unknown bits as hex, `zero` for 0. */
function bits(v: number, names: ReadonlyArray<readonly [string, number]>, zero = "0"): string {
  const parts: string[] = [];
  let rest = v;
  for (const [name, bit] of names)
    if ((v & bit) === bit && bit !== 0) {
      parts.push(name);
      rest &= ~bit;
    }
  if (rest !== 0) parts.push(hexOf(rest >>> 0));
  return parts.length === 0 ? zero : parts.join(" | ");
}

/** A SECINFO flags word as main.c writes it: SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_REG | ... */
function secinfo(v: number): string {
  const w = BigInt(v);
  const parts: string[] = [];
  const named = (list: typeof SECINFO_FLAG_NAMES) => {
    for (const [name, bit] of list) if (w & BigInt(bit)) parts.push(`SGX_SECINFO_${name}`);
  };
  named(SECINFO_FLAG_NAMES.slice(0, 3)); // R, W, X
  const type = Number((w & BigInt(SECINFO_PT_MASK)) >> BigInt(SECINFO_PT_SHIFT));
  let rest = w & ~BigInt(SECINFO_PT_MASK | SECINFO_FLAG_BITS);
  // SECS is type 0: left implicit, as in main.c's EMODPE flags (SGX_SECINFO_R | SGX_SECINFO_W).
  if (type > 0 && type < PAGE_TYPE_NAMES.length) parts.push(`SGX_SECINFO_${PAGE_TYPE_NAMES[type]}`);
  else rest |= BigInt(type) << BigInt(SECINFO_PT_SHIFT);
  named(SECINFO_FLAG_NAMES.slice(3)); // PENDING, MODIFIED, PR
  if (rest !== 0n) parts.push(rest > 0x7fffffffn ? `${hexOf(rest)}ULL` : hexOf(rest));
  return parts.length === 0 ? "0" : parts.join(" | ");
}

/** Every single-bit SECINFO flag (R W X PENDING MODIFIED PR). */
const SECINFO_FLAG_BITS = SECINFO_FLAG_NAMES.reduce((m, [, bit]) => m | bit, 0);
const permissions = (v: number) =>
  bits(
    v,
    SECINFO_FLAG_NAMES.slice(0, 3).map(([name, bit]) => [`SGX_SECINFO_${name}`, bit] as const),
  );
const prot = (v: number) => bits(v, PROT_FLAGS.names, "PROT_NONE");
const mapFlags = (v: number) => bits(v, MMAP_FLAGS.names);
const pageType = (v: number) =>
  v >= 0 && v < PAGE_TYPE_NAMES.length ? `SGX_PAGE_TYPE_${PAGE_TYPE_NAMES[v]}` : hexOf(v);

/**
 * `n * PAGE_SIZE` as C: PAGE_SIZE is an int (selftests defines.h), so from 2^31 bytes on the
 * product needs an unsigned long operand, or it overflows (gcc -Werror=overflow).
 */
function pagesTimes(n: number | string): string {
  return typeof n === "number" && n * PAGE > 0x7fffffff ? `${n}UL * PAGE_SIZE` : `${n} * PAGE_SIZE`;
}

/** A length: PAGE_SIZE, 3 * PAGE_SIZE, or hex. */
function length(n: number): string {
  if (n === PAGE) return "PAGE_SIZE";
  if (n > 0 && n % PAGE === 0) return pagesTimes(n / PAGE);
  return hexOf(n);
}

/** A C comment body: no comment terminator inside. */
function commentText(s: string): string {
  return s.replace(/\*\//g, "* /").replace(/\s+/g, " ").trim();
}

/** A block comment wrapped at ~96 columns, indented by `indent` tabs. */
function block(text: string[], indent = 1): string[] {
  const tab = "\t".repeat(indent);
  const width = 96 - indent * 8;
  const out: string[] = [];
  for (const para of text) {
    if (para === "") {
      out.push(`${tab} *`);
      continue;
    }
    let line = "";
    for (const word of commentText(para).split(" ")) {
      if (line !== "" && line.length + 1 + word.length > width) {
        out.push(`${tab} * ${line}`);
        line = word;
      } else line = line === "" ? word : `${line} ${word}`;
    }
    if (line !== "") out.push(`${tab} * ${line}`);
  }
  if (out.length === 1) return [`${tab}/* ${out[0].slice(tab.length + 3)} */`];
  return [`${tab}/*`, ...out, `${tab} */`];
}

// ---------------------------------------------------------------------------------------------
// The enclave's ops (defines.h: enum encl_op_type and the encl_op_* structs).

type OpKind = "put_buf" | "get_buf" | "put_addr" | "get_addr" | "nop" | "eaccept" | "emodpe" | "init_tcs";

const OP_STRUCT: Record<OpKind, string> = {
  put_buf: "struct encl_op_put_to_buf",
  get_buf: "struct encl_op_get_from_buf",
  put_addr: "struct encl_op_put_to_addr",
  get_addr: "struct encl_op_get_from_addr",
  nop: "struct encl_op_header",
  eaccept: "struct encl_op_eaccept",
  emodpe: "struct encl_op_emodpe",
  init_tcs: "struct encl_op_init_tcs_page",
};

/** Variable names as in main.c. */
const OP_VAR: Record<OpKind, string> = {
  put_buf: "put_buf_op",
  get_buf: "get_buf_op",
  put_addr: "put_addr_op",
  get_addr: "get_addr_op",
  nop: "nop_op",
  eaccept: "eaccept_op",
  emodpe: "emodpe_op",
  init_tcs: "init_tcs_page_op",
};

const OP_TYPE: Record<OpKind, string> = {
  put_buf: "ENCL_OP_PUT_TO_BUFFER",
  get_buf: "ENCL_OP_GET_FROM_BUFFER",
  put_addr: "ENCL_OP_PUT_TO_ADDRESS",
  get_addr: "ENCL_OP_GET_FROM_ADDRESS",
  nop: "ENCL_OP_NOP",
  eaccept: "ENCL_OP_EACCEPT",
  emodpe: "ENCL_OP_EMODPE",
  init_tcs: "ENCL_OP_INIT_TCS_PAGE",
};

const IOCTL_STRUCT: Record<string, [string, string]> = {
  SGX_IOC_ENCLAVE_CREATE: ["struct sgx_enclave_create", "create_ioc"],
  SGX_IOC_ENCLAVE_ADD_PAGES: ["struct sgx_enclave_add_pages", "add_ioc"],
  SGX_IOC_ENCLAVE_INIT: ["struct sgx_enclave_init", "init_ioc"],
  SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS: ["struct sgx_enclave_restrict_permissions", "restrict_ioc"],
  SGX_IOC_ENCLAVE_MODIFY_TYPES: ["struct sgx_enclave_modify_types", "modt_ioc"],
  SGX_IOC_ENCLAVE_REMOVE_PAGES: ["struct sgx_enclave_remove_pages", "remove_ioc"],
};

/** uapi ioctls without an argument that the scenario can only name as an unknown command. */
const ARGLESS_IOCTLS = new Set(["SGX_IOC_VEPC_REMOVE_ALL"]);

function stepLabel(step: Step): string {
  if (step.op === "ioctl") return step.arg.cmd === "unknown" ? step.arg.name : step.arg.cmd;
  if (step.op === "EENTER") return `EENTER ${step.call.call}`;
  return step.op;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------

/**
 * One enclave of the test: the fixture's (self->encl, self->run), or a further one the scenario
 * builds later with the standard build (a local struct encl built by the same setup_test_encl()).
 */
interface EnclaveCtx {
  /** The scenario's name for it ("e0"). */
  id: string;
  /** The C lvalues of its struct encl and struct sgx_enclave_run. */
  encl: string;
  run: string;
  layout: Layout;
  /** The TCS offset in run.tcs. */
  tcs: number;
  /** Op variables of threads interrupted by an AEX, by TCS offset: ERESUME continues them. */
  interrupted: Map<number, { kind: OpKind; v: string }>;
}

interface Layout {
  heapPages: number;
  /**
   * The heap is as large as the machine's EPC: main.c's oversubscribed tests size it with
   * get_total_epc_mem(), so the export derives the heap's offset, size and page count from the
   * heap segment instead of the simulated size (fixture enclave only).
   */
  scaled: boolean;
  /** Extra ELRANGE requested from setup_test_encl_dynamic (bytes); 0 for setup_test_encl. */
  dynamicSize: number;
  total: number;
  size: number;
}

class Exporter {
  private readonly s: Scenario;
  private readonly t: Trace;
  private readonly name: string;
  private readonly body: string[] = [];
  private readonly decls = new Map<string, string>();
  /** Every enclave the test builds, by scenario name; the first is the fixture's. */
  private readonly enclaves = new Map<string, EnclaveCtx>();
  /** The first step of each later enclave's standard build. */
  private readonly laterBuilds = new Map<number, EnclaveCtx>();
  /** The enclave the step being emitted uses. */
  private cur!: EnclaveCtx;
  /** A loop of enclave entries was written: the test gets main.c's TEST_F_TIMEOUT. */
  private looped = false;
  /** The step being emitted, for refusals found while writing it. */
  private at = "";

  constructor(s: Scenario, t: Trace, name: string) {
    this.s = s;
    this.t = t;
    this.name = name;
  }

  run(): string {
    if (this.t.steps.length !== this.s.steps.length)
      fail(
        `the trace has ${this.t.steps.length} step(s) but the scenario has ${this.s.steps.length}: run every step first`,
      );
    this.checkBuild();
    for (let i = BUILD_STEPS; i < this.s.steps.length; i++) {
      if (this.isLaterBuild(i)) {
        this.checkLaterBuild(i);
        i += BUILD_STEPS - 1;
      } else this.checkSupported(i);
    }
    for (let i = BUILD_STEPS; i < this.s.steps.length; i++) {
      const later = this.laterBuilds.get(i);
      if (later) {
        this.emitLaterBuild(i, later);
        i += BUILD_STEPS - 1;
        continue;
      }
      this.cur = this.enclaves.get(this.s.steps[i].enclave) as EnclaveCtx;
      this.step(i);
    }
    return this.render();
  }

  // --- The standard build ------------------------------------------------------------------

  private notBuilt(why: string): never {
    return fail(
      `the export only supports scenarios built on the selftest enclave: they must start with the standard build (main.c's setup_test_encl(): SGX_IOC_ENCLAVE_CREATE, SGX_IOC_ENCLAVE_ADD_PAGES for the TCS, text, data and heap segments, SGX_IOC_ENCLAVE_INIT, one mmap per segment); ${why}`,
    );
  }

  private checkBuild(): void {
    const steps = this.s.steps;
    if (steps.length < BUILD_STEPS) this.notBuilt(`the scenario has only ${steps.length} step(s)`);
    const ctx = this.checkStandardBuild(0, "self->encl", "self->run", (why) => this.notBuilt(why));
    this.cur = ctx;
  }

  /** A step that creates an enclave the test has not built yet: the start of its standard build. */
  private isLaterBuild(i: number): boolean {
    const step = this.s.steps[i];
    return (
      !this.enclaves.has(step.enclave) && step.op === "ioctl" && step.arg.cmd === "SGX_IOC_ENCLAVE_CREATE"
    );
  }

  /**
   * A further enclave, built by the same standard build (main.c's tests can build one more with
   * setup_test_encl() into a struct encl of their own, as FIXTURE_SETUP's callers do into self->encl).
   */
  private checkLaterBuild(i: number): void {
    const id = this.s.steps[i].enclave;
    const n = this.enclaves.size + 1;
    const ctx = this.checkStandardBuild(i, `encl${n}`, `run${n}`, (why) =>
      fail(
        `steps[${i}] (${stepLabel(this.s.steps[i])}) starts a second enclave "${id}", which the export can only write as main.c's setup_test_encl() when the ${BUILD_STEPS} steps from there are the standard build; ${why}`,
      ),
    );
    this.laterBuilds.set(i, ctx);
  }

  /** Checks steps[from..from+9] against the standard build and records the enclave it builds. */
  private checkStandardBuild(
    from: number,
    encl: string,
    run: string,
    notBuilt: (why: string) => never,
  ): EnclaveCtx {
    const steps = this.s.steps;
    if (steps.length < from + BUILD_STEPS)
      notBuilt(`only ${steps.length - from} step(s) follow steps[${from}]`);
    const create = steps[from];
    const heap = steps[from + 4];
    if (create.op !== "ioctl" || create.arg.cmd !== "SGX_IOC_ENCLAVE_CREATE")
      notBuilt(`steps[${from}] (${stepLabel(create)}) is not SGX_IOC_ENCLAVE_CREATE`);
    if (heap.op !== "ioctl" || heap.arg.cmd !== "SGX_IOC_ENCLAVE_ADD_PAGES")
      notBuilt(`steps[${from + 4}] (${stepLabel(heap)}) is not the heap's SGX_IOC_ENCLAVE_ADD_PAGES`);
    const heapPages = Math.max(1, Math.floor(Number(heap.arg.length) / PAGE));
    const size = create.arg.size;
    const total = totalSize(heapPages);
    const plain = enclaveSize(heapPages);
    // setup_test_encl_dynamic (kernel-selftests Appendix A) adds dynamic_size before rounding the
    // ELRANGE up to a power of two: asking for everything past total_size gives exactly `size`.
    const dynamicSize =
      size > plain && enclaveSize(heapPages, (size - total) / PAGE) === size ? size - total : 0;
    // main.c's oversubscribed tests: `setup_test_encl(get_total_epc_mem(), ...)`.
    const scaled =
      encl === "self->encl" && heapPages > 1 && heapPages === this.s.machine.epcPages && dynamicSize === 0;
    const layout = { heapPages, scaled, dynamicSize, total, size };
    const raw = standardBuild({ heapPages, dynamicPages: dynamicSize / PAGE, enclave: create.enclave });
    const parsed = parseScenario({ format: "epcm-scenario/1", title: "standard build", steps: raw });
    if (!parsed.ok) throw new Error(`standard build does not parse: ${parsed.errors.join("; ")}`);
    for (let k = 0; k < BUILD_STEPS; k++) {
      const i = from + k;
      const want = parsed.scenario.steps[k];
      const got = steps[i];
      const w = canonical({ enclave: want.enclave, ...opJson(want) });
      const g = canonical({ enclave: got.enclave, ...opJson(got) });
      if (w !== g) notBuilt(`steps[${i}] (${stepLabel(got)}) differs: expected ${w}, got ${g}`);
      const out = this.t.steps[i];
      // mmap returns the mapped address; everything else 0.
      if (out.ret === -1 || (got.op !== "mmap" && out.ret !== 0))
        fail(
          `the standard build fails in this simulation at steps[${i}] (${stepLabel(got)}: ret ${out.ret}${out.errno ? `, ${out.errno}` : ""}); main.c asserts that setup_test_encl() succeeds, so there is no test to export`,
        );
    }
    const ctx: EnclaveCtx = { id: create.enclave, encl, run, layout, tcs: TCS1, interrupted: new Map() };
    this.enclaves.set(ctx.id, ctx);
    return ctx;
  }

  // --- What the selftest enclave and harness can express ----------------------------------------

  private checkSupported(i: number): void {
    const step = this.s.steps[i];
    const out = this.t.steps[i];
    const at = `steps[${i}] (${stepLabel(step)})`;
    if (!this.enclaves.has(step.enclave))
      fail(
        `${at} uses enclave "${step.enclave}" before the scenario builds it: each enclave of a selftest is built by main.c's setup_test_encl(), so it must start with the standard build`,
      );
    switch (step.op) {
      case "reclaim":
        fail(
          `${at}: memory pressure has no user-space equivalent in a selftest; the kernel's reclaimer cannot be driven from a test`,
        );
        break;
      case "close":
        fail(
          `${at}: a selftest does not close the enclave's fd itself; FIXTURE_TEARDOWN (encl_delete()) does that after the test`,
        );
        break;
      case "EENTER":
        if (step.call.call === "exec")
          fail(
            `${at}: the selftest enclave has no op that fetches an instruction at an address (enum encl_op_type in defines.h: ENCL_OP_PUT_TO_BUFFER ... ENCL_OP_INIT_TCS_PAGE)`,
          );
        if (step.call.call === "EACCEPTCOPY")
          fail(
            `${at}: the selftest enclave has no EACCEPTCOPY op (enum encl_op_type in defines.h has EACCEPT and EMODPE only)`,
          );
        break;
      case "ioctl": {
        const cmd = step.arg.cmd;
        if (cmd === "SGX_IOC_ENCLAVE_PROVISION")
          fail(`${at}: PROVISION needs an fd of /dev/sgx_provision, which the selftest harness never opens`);
        if (cmd === "unknown" && !ARGLESS_IOCTLS.has(step.arg.name))
          fail(
            `${at}: "${step.arg.name}" is not an ioctl the uapi header (asm/sgx.h) defines, so it cannot be written in C`,
          );
        if (
          (cmd === "SGX_IOC_ENCLAVE_CREATE" ||
            cmd === "SGX_IOC_ENCLAVE_ADD_PAGES" ||
            cmd === "SGX_IOC_ENCLAVE_INIT") &&
          out.ret === 0
        )
          fail(`${at}: the enclave is already built and initialized, yet the simulation reports success`);
        break;
      }
      default:
        break;
    }
    if (out.stalled)
      fail(
        `${at}: the access never makes progress (its working set is larger than the EPC); the real test would fault until it times out`,
      );
    if (out.errno !== undefined && !/^E[A-Z0-9]+$/.test(out.errno))
      fail(`${at}: errno "${out.errno}" is not an errno.h name`);
  }

  // --- Emitting ----------------------------------------------------------------------------

  private declare(name: string, type: string): string {
    this.decls.set(name, type);
    return name;
  }

  private emit(...lines: string[]): void {
    for (const l of lines) this.body.push(l === "" ? "" : `\t${l}`);
  }

  /** An enclave address: the base plus a literal offset (see the header about the layout). */
  private addr(offset: number): string {
    if (this.cur.layout.scaled && offset >= HEAP) return `${this.cur.encl}.encl_base + ${this.off(offset)}`;
    return offset < 0
      ? `${this.cur.encl}.encl_base - ${hexOf(-offset)}`
      : `${this.cur.encl}.encl_base + ${hexOf(offset)}`;
  }

  /**
   * An enclave offset as C. In a heap that scales with the EPC (main.c's oversubscribed tests),
   * offsets in the heap are written from the heap segment (`heap->offset + 0x1000`); an offset
   * past the heap has no fixed place on a machine whose EPC differs, so the export refuses it.
   */
  private off(offset: number): string {
    const { scaled, total } = this.cur.layout;
    if (!scaled || offset < HEAP) return hexOf(offset);
    if (offset >= total)
      fail(
        `${this.at}: offset ${hexOf(offset)} lies past the heap, which is as large as the simulated EPC (${this.s.machine.epcPages} pages); main.c sizes such a heap with get_total_epc_mem(), so on a real machine that offset is elsewhere`,
      );
    this.declareHeap();
    return offset === HEAP ? "heap->offset" : `heap->offset + ${hexOf(offset - HEAP)}`;
  }

  /** A length as C: the heap's size in a scaled heap (`heap->size`), else PAGE_SIZE multiples. */
  private len(n: number): string {
    const { scaled, heapPages } = this.cur.layout;
    if (scaled && n === heapPages * PAGE) {
      this.declareHeap();
      return "heap->size";
    }
    return length(n);
  }

  /** main.c: `heap = &self->encl.segment_tbl[self->encl.nr_segments - 1];` */
  private declareHeap(): void {
    this.declare("heap", "struct encl_segment *");
  }

  /** What lives at an enclave offset in the measured layout (selftests test_encl.lds), if known. */
  private place(offset: number): string | undefined {
    const { total, size } = this.cur.layout;
    const known: Record<number, string> = {
      [TCS1]: "TCS#1",
      [TCS2]: "TCS#2",
      [TEXT]: "text",
      [ENCL_BUFFER]: "encl_buffer",
      [DATA_START]: "data_start",
      [SSA_TCS1]: "SSA of TCS#1",
      [SSA_TCS2]: "SSA of TCS#2",
      [HEAP]: "heap",
    };
    if (offset === DATA_OFF + PAGE) return "data_start";
    if (offset === total) return "total_size";
    if (offset > total && offset < size) return `total_size + ${hexOf(offset - total)}`;
    return known[offset];
  }

  private withPlace(line: string, offset: number): string {
    const p = this.place(offset);
    return p === undefined ? line : `${line} /* ${p} */`;
  }

  private stepComment(i: number): void {
    const step = this.s.steps[i];
    const head = `steps[${i}] ${stepLabel(step)}${step.op === "EENTER" && step.pages !== undefined ? `, pages: ${step.pages}` : ""}`;
    this.emit("");
    this.body.push(...block([step.note ? `${head}: ${step.note}` : `${head}.`]));
  }

  private step(i: number): void {
    const step = this.s.steps[i];
    const out = this.t.steps[i];
    this.at = `steps[${i}] (${stepLabel(step)})`;
    this.stepComment(i);
    switch (step.op) {
      case "ioctl":
        this.ioctl(step, out);
        break;
      case "mmap":
        this.mmap(step, out);
        break;
      case "mprotect":
      case "munmap":
        this.memCall(step, out);
        break;
      case "EENTER":
        this.eenter(step, out);
        break;
      case "ERESUME":
        this.eresume(step, out);
        break;
      default:
        // Refused in checkSupported().
        break;
    }
  }

  /**
   * A later enclave's standard build: setup_test_encl() into a struct encl of the test's own
   * (encl_load() zeroes it first), and a struct sgx_enclave_run entering at its TCS#1.
   */
  private emitLaterBuild(from: number, ctx: EnclaveCtx): void {
    this.cur = ctx;
    this.declare(ctx.encl, "struct encl");
    this.declare(ctx.run, "struct sgx_enclave_run");
    this.emit("");
    this.body.push(
      ...block([
        `steps[${from}..${from + BUILD_STEPS - 1}] the standard build of enclave "${ctx.id}": main.c's setup_test_encl() into ${ctx.encl}, with ${ctx.run} to enter it. FIXTURE_TEARDOWN deletes only self->encl, so the test ends with encl_delete(&${ctx.encl}).`,
      ]),
    );
    this.body.push(...this.setupCall(ctx.layout, ctx.encl));
    this.emit("");
    this.emit(`memset(&${ctx.run}, 0, sizeof(${ctx.run}));`, `${ctx.run}.tcs = ${ctx.encl}.encl_base;`);
  }

  /** setup_test_encl() (or _dynamic) for a heap and an ELRANGE, asserted as main.c asserts it; indented. */
  private setupCall(layout: Layout, encl: string): string[] {
    const { heapPages, dynamicSize, scaled } = layout;
    const size = hexOf(enclaveSize(heapPages, dynamicSize / PAGE));
    if (dynamicSize > 0)
      return [
        ...block([
          `setup_test_encl_dynamic() adds dynamic_size to the ELRANGE before rounding it up to a power of two (${size} here). Mainline main.c does not have it: see the note above this test.`,
        ]),
        `\tASSERT_TRUE(setup_test_encl_dynamic(${heapArg(heapPages)}, ${hexOf(dynamicSize)}, &${encl}, _metadata));`,
      ];
    if (scaled) {
      // main.c's unclobbered_vdso_oversubscribed(_remove): the heap scales with the real EPC.
      this.declare("total_mem", "unsigned long");
      return [
        ...block([
          `A heap as large as all of the EPC, as main.c's oversubscribed tests create it (get_total_epc_mem() sums the EPC sections CPUID reports; the simulated machine has ${heapPages} pages).`,
        ]),
        "\ttotal_mem = get_total_epc_mem();",
        "\tASSERT_NE(total_mem, 0);",
        `\tASSERT_TRUE(setup_test_encl(total_mem, &${encl}, _metadata));`,
        ...(this.decls.has("heap") ? ["", `\theap = &${encl}.segment_tbl[${encl}.nr_segments - 1];`] : []),
      ];
    }
    return [
      ...(heapPages > 1 ? block([`A ${heapPages}-page heap, as the scenario's build adds it.`]) : []),
      `\tASSERT_TRUE(setup_test_encl(${heapArg(heapPages)}, &${encl}, _metadata));`,
    ];
  }

  /** ret / errno as main.c checks them after a call that returns -1 and sets errno. */
  private expectRet(ret: number, errno: string | undefined): void {
    this.declare("ret", "int");
    this.declare("errno_save", "int");
    this.emit("errno_save = ret == -1 ? errno : 0;", "", `EXPECT_EQ(ret, ${ret});`);
    this.emit(`EXPECT_EQ(errno_save, ${ret === -1 ? (errno ?? "0") : "0"});`);
  }

  private ioctl(step: Step & { op: "ioctl" }, out: TraceStep): void {
    const a = step.arg;
    if (a.cmd === "unknown") {
      // An ioctl that takes no argument (e.g. SGX_IOC_VEPC_REMOVE_ALL, meant for /dev/sgx_vepc).
      this.declare("ret", "int");
      this.emit(`ret = ioctl(${this.cur.encl}.fd, ${a.name});`);
      this.expectRet(out.ret, out.errno);
      return;
    }
    const [type, v] = IOCTL_STRUCT[a.cmd];
    this.declare(v, type);
    const memsetAt = this.body.length;
    this.emit(`memset(&${v}, 0, sizeof(${v}));`);
    const field = (name: string, value: string, offset?: number) => {
      const line = `${v}.${name} = ${value};`;
      this.emit(offset === undefined ? line : this.withPlace(line, offset));
    };
    const nonzero = (name: string, n: number, show: (n: number) => string = hexOf, offset?: number) => {
      if (n !== 0) field(name, show(n), offset);
    };
    // offset and length of the range ioctls: __u64, beyond 2^53 only as bigints.
    const rangeFields = (offset: number | bigint, length: number | bigint) => {
      field(
        "offset",
        wide(offset, (n) => this.off(n)),
        typeof offset === "number" ? offset : undefined,
      );
      field(
        "length",
        wide(length, (n) => this.len(n)),
      );
    };
    let cleanup: string | undefined;
    switch (a.cmd) {
      case "SGX_IOC_ENCLAVE_CREATE":
        // After setup_test_encl() the enclave exists: the kernel refuses a second CREATE before it
        // reads the SECS (ioctl.c: sgx_ioc_enclave_create()), so main.c's SECS stands in for it.
        field("src", `(unsigned long)&${this.cur.encl}.secs`);
        break;
      case "SGX_IOC_ENCLAVE_INIT":
        // Refused before the SIGSTRUCT is read (already initialized): main.c's SIGSTRUCT stands in.
        field("sigstruct", `(unsigned long)&${this.cur.encl}.sigstruct`);
        break;
      case "SGX_IOC_ENCLAVE_ADD_PAGES": {
        // A page-aligned source buffer and a SECINFO, as encl_build() passes them.
        this.declare("add_src", "void *");
        this.declare("secinfo", "struct sgx_secinfo");
        // A length beyond 2^53 stops at the first page (v6.0) or is refused (v6.1): one page of source.
        const len = typeof a.length === "number" && a.length > 0 ? length(a.length) : "PAGE_SIZE";
        const pre = [
          `add_src = mmap(NULL, ${len}, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);`,
          "ASSERT_NE(add_src, MAP_FAILED);",
          ...(a.data ?? []).map(([off, word]) => `((uint64_t *)add_src)[${off / 8}] = ${u64(word)};`),
          "memset(&secinfo, 0, sizeof(secinfo));",
          `secinfo.flags = ${secinfo(a.secinfo)};`,
          "",
        ];
        this.body.splice(memsetAt, 0, ...pre.map((l) => (l === "" ? "" : `\t${l}`)));
        field("src", a.src === 0 ? "(unsigned long)add_src" : `(unsigned long)add_src + ${hexOf(a.src)}`);
        rangeFields(a.offset, a.length);
        field("secinfo", "(unsigned long)&secinfo");
        nonzero("flags", a.flags, (n) => bits(n, [["SGX_PAGE_MEASURE", 1]]));
        cleanup = `munmap(add_src, ${len});`;
        break;
      }
      case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS":
      case "SGX_IOC_ENCLAVE_MODIFY_TYPES":
      case "SGX_IOC_ENCLAVE_REMOVE_PAGES": {
        const fields = a as unknown as Record<string, number>;
        const inputs = Object.entries(fields).filter(([k]) => k !== "cmd");
        // main.c's SGX2 probe: the all-zero struct the memset left (selftests main.c).
        if (inputs.every(([, n]) => n === 0)) break;
        rangeFields(a.offset, a.length);
        if (a.cmd === "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS")
          nonzero("permissions", a.permissions, permissions);
        if (a.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES") nonzero("page_type", a.page_type, pageType);
        if ("result" in a) nonzero("result", a.result);
        nonzero("count", a.count);
        break;
      }
      default:
        fail(`${a.cmd} is not supported`);
    }
    this.emit("", `ret = ioctl(${this.cur.encl}.fd, ${a.cmd}, &${v});`);
    this.expectRet(out.ret, out.errno);
    for (const [key, value] of Object.entries(out.arg ?? {})) {
      const n = Number(BigInt(value));
      if (key === "result" && n !== 0) this.emit(`EXPECT_EQ(${v}.result, ${n}); /* ${sgxCodeName(n)} */`);
      else if (key === "count" && n !== 0 && this.len(n) === "heap->size")
        this.emit(`EXPECT_EQ(${v}.count, heap->size);`);
      else this.emit(`EXPECT_EQ(${v}.${key}, ${key === "count" || n === 0 ? String(n) : hexOf(n)});`);
    }
    if (cleanup) this.emit("", cleanup);
  }

  private mmap(step: Step & { op: "mmap" }, out: TraceStep): void {
    this.declare("addr", "void *");
    this.emit(
      this.withPlace(
        `addr = mmap((void *)(${this.addr(step.offset)}), ${this.len(step.length)},`,
        step.offset,
      ),
      `\t    ${prot(step.prot)}, ${mapFlags(step.flags)},`,
      `\t    ${this.cur.encl}.fd, 0);`,
    );
    if (out.ret !== -1) {
      // With MAP_FIXED the mapping is at the address asked for; main.c checks MAP_FAILED.
      this.emit("EXPECT_NE(addr, MAP_FAILED);");
      return;
    }
    this.declare("errno_save", "int");
    this.emit(
      "errno_save = addr == MAP_FAILED ? errno : 0;",
      "",
      "EXPECT_EQ(addr, MAP_FAILED);",
      `EXPECT_EQ(errno_save, ${out.errno ?? "0"});`,
    );
  }

  private memCall(step: Step & { op: "mprotect" | "munmap" }, out: TraceStep): void {
    this.declare("ret", "int");
    const where = `(void *)(${this.addr(step.offset)}), ${this.len(step.length)}`;
    const call =
      step.op === "mprotect" ? `ret = mprotect(${where}, ${prot(step.prot)});` : `ret = munmap(${where});`;
    this.emit(this.withPlace(call, step.offset));
    this.expectRet(out.ret, out.errno);
  }

  private setTcs(tcs: number): void {
    const { encl, run } = this.cur;
    if (tcs === this.cur.tcs) return;
    this.cur.tcs = tcs;
    const line = tcs === 0 ? `${run}.tcs = ${encl}.encl_base;` : `${run}.tcs = ${this.addr(tcs)};`;
    this.emit(this.withPlace(line, tcs), "");
  }

  /** The op variable for a new call: main.c's name, or a fresh one while that is interrupted. */
  private opVar(kind: OpKind): string {
    // Across every enclave: each op variable is one C variable of the test.
    const busy = new Set(
      [...this.enclaves.values()].flatMap((c) => [...c.interrupted.values()].map((o) => o.v)),
    );
    let v = OP_VAR[kind];
    for (let n = 2; busy.has(v); n++) v = `${OP_VAR[kind]}${n}`;
    return this.declare(v, OP_STRUCT[kind]);
  }

  private kindOf(call: EnclaveCall, loop: boolean): OpKind {
    switch (call.call) {
      case "write":
        return call.addr === ENCL_BUFFER && !loop ? "put_buf" : "put_addr";
      case "read":
        return call.addr === ENCL_BUFFER && !loop ? "get_buf" : "get_addr";
      case "nop":
        return "nop";
      case "EACCEPT":
        return "eaccept";
      case "EMODPE":
        return "emodpe";
      case "init_tcs":
        return "init_tcs";
      default:
        return fail(`the enclave call "${call.call}" is not supported`);
    }
  }

  /**
   * The op's fields. "fixed": what stays the same on every entry (value to write, flags, type);
   * "entry": what main.c sets before each entry (the address, the preset value or ret);
   * "all": both. `addrExpr` replaces the address (a loop's per-page address).
   */
  private setOp(
    kind: OpKind,
    v: string,
    call: EnclaveCall,
    mode: "all" | "fixed" | "entry" = "all",
    addrExpr?: string,
  ): void {
    const fixed = mode !== "entry";
    const entry = mode !== "fixed";
    const lines: string[] = [];
    const address = (field: string, offset: number) => {
      if (!entry) return;
      const line = `${v}.${field} = ${addrExpr ?? this.addr(offset)};`;
      lines.push(addrExpr ? line : this.withPlace(line, offset));
    };
    switch (call.call) {
      case "write":
        if (fixed) lines.push(`${v}.value = ${u64(call.value)};`);
        if (kind === "put_addr") address("addr", call.addr);
        break;
      case "read":
        if (entry) lines.push(`${v}.value = 0;`);
        if (kind === "get_addr") address("addr", call.addr);
        break;
      case "EACCEPT":
        address("epc_addr", call.addr);
        if (fixed) lines.push(`${v}.flags = ${secinfo(call.secinfo)};`);
        if (entry) lines.push(`${v}.ret = 0;`);
        break;
      case "EMODPE":
        address("epc_addr", call.addr);
        if (fixed) lines.push(`${v}.flags = ${secinfo(call.secinfo)};`);
        break;
      case "init_tcs": {
        address("tcs_page", call.addr);
        if (fixed) {
          lines.push(this.withPlace(`${v}.ssa = ${hexOf(call.ssa)};`, call.ssa));
          const what =
            call.entry === ENCL_DYN_ENTRY
              ? " /* encl_dyn_entry: main.c looks it up with encl_get_entry() */"
              : call.entry === ENCL_ENTRY
                ? " /* encl_entry */"
                : "";
          lines.push(`${v}.entry = ${hexOf(call.entry)};${what}`);
        }
        break;
      }
      default:
        break;
    }
    if (fixed)
      lines.push(kind === "nop" ? `${v}.type = ${OP_TYPE[kind]};` : `${v}.header.type = ${OP_TYPE[kind]};`);
    this.emit(...lines);
  }

  /** Every outcome of one entry: the vDSO's return, the op's results, run.function and the exception. */
  private expectEntry(
    enter: string[],
    out: TraceStep,
    op: { kind: OpKind; v: string } | undefined,
    tcs: number,
  ): void {
    const run = out.run as RunJson;
    if (enter.length === 1) this.emit(`EXPECT_EQ(${enter[0]}, ${out.ret});`, "");
    else
      this.emit(
        `EXPECT_EQ(${enter[0]}`,
        ...enter.slice(1, -1),
        `${enter[enter.length - 1]},`,
        `\t  ${out.ret});`,
        "",
      );
    if (out.call?.value !== undefined && op)
      this.emit(`EXPECT_EQ(${op.v}.value, ${u64(BigInt(out.call.value))});`);
    if (run.function === "EEXIT") this.emit(`EXPECT_EEXIT(&${this.cur.run});`);
    else this.emit(`EXPECT_EQ(${this.cur.run}.function, ${run.function});`);
    const code = Number(BigInt(run.exception_error_code));
    const faultAddr = BigInt(run.exception_addr);
    const offset = Number(BigInt(run.exception_offset));
    this.emit(
      `EXPECT_EQ(${this.cur.run}.exception_vector, ${run.exception_vector});`,
      `EXPECT_EQ(${this.cur.run}.exception_error_code, ${code === 0 ? "0" : hexOf(code)});`,
      faultAddr === 0n
        ? `EXPECT_EQ(${this.cur.run}.exception_addr, 0);`
        : this.withPlace(`EXPECT_EQ(${this.cur.run}.exception_addr, ${this.addr(offset)});`, offset),
    );
    if (out.call?.ret !== undefined && op) {
      const name = out.call.ret === 0 ? "" : ` /* ${out.call.ret_name ?? sgxCodeName(out.call.ret)} */`;
      this.emit(`EXPECT_EQ(${op.v}.ret, ${out.call.ret});${name}`);
    }
    if (run.exception_vector !== 0 || code !== 0 || faultAddr !== 0n)
      // The vDSO never clears these on a later clean exit: main.c resets them after every
      // expected exception.
      this.emit(
        "",
        `${this.cur.run}.exception_vector = 0;`,
        `${this.cur.run}.exception_error_code = 0;`,
        `${this.cur.run}.exception_addr = 0;`,
      );
    // After an AEX the thread waits in its SSA until ERESUME continues it.
    if (run.function === "ERESUME" && op) this.cur.interrupted.set(tcs, op);
  }

  private eenter(step: Step & { op: "EENTER" }, out: TraceStep): void {
    this.setTcs(step.tcs);
    const pages = step.pages ?? 1;
    const kind = this.kindOf(step.call, pages > 1);
    const v = this.opVar(kind);
    const done = pages <= 1 ? 0 : (out.repeated ?? 0);
    // main.c's ENCL_CALL(op, run, clobbered): false enters through call.S's register-saving
    // sgx_enter_enclave(), true calls vdso_sgx_enter_enclave() directly (the default).
    const call = `ENCL_CALL(&${v}, &${this.cur.run}, ${step.clobbered === false ? "false" : "true"})`;
    // One enclave entry per page (the contract's `pages: N`), stopping at the first entry that
    // does not end in a clean EEXIT with status 0: `repeated` entries were clean.
    const base = "addr" in step.call ? step.call.addr : undefined;
    const { scaled, heapPages, total } = this.cur.layout;
    // main.c's unclobbered_vdso_oversubscribed_remove: one entry per page of a heap as large as
    // the EPC, `for (i = 0; i < heap->size; i += 4096)` over `encl_base + heap->offset + i`.
    const wholeHeap = scaled && base === HEAP && pages === heapPages && done === pages;
    if (scaled && pages > 1 && base !== undefined && !wholeHeap && base + pages * PAGE >= total)
      fail(
        `${this.at}: the ${pages} entries reach the end of a heap as large as the simulated EPC (${this.s.machine.epcPages} pages)${done < pages ? ` and stop at entry ${done}` : ""}; main.c sizes that heap with get_total_epc_mem(), so on a real machine the entries would cover other pages`,
      );
    this.setOp(kind, v, step.call, done > 0 ? "fixed" : "all");
    if (pages <= 1) {
      this.emit("");
      this.expectEntry([call], out, { kind, v }, step.tcs);
      return;
    }
    const pageAddr = (expr: string) => (base === undefined ? undefined : `${this.addr(base)} + ${expr}`);
    if (done > 0) {
      this.declare("i", "unsigned long");
      this.looped = true;
      this.emit("");
      this.body.push(
        ...block([
          wholeHeap
            ? "One enclave entry per page of the heap (as large as the EPC), each asserted as main.c's unclobbered_vdso_oversubscribed_remove asserts its EACCEPT loop."
            : `${done} enclave entries, one per page, each asserted as main.c's unclobbered_vdso_oversubscribed_remove asserts its EACCEPT loop.`,
        ]),
      );
      this.emit(
        wholeHeap ? "for (i = 0; i < heap->size; i += PAGE_SIZE) {" : `for (i = 0; i < ${done}; i++) {`,
      );
      const saved = this.body.length;
      this.setOp(kind, v, step.call, "entry", pageAddr(wholeHeap ? "i" : "i * PAGE_SIZE"));
      this.emit(
        "",
        `EXPECT_EQ(${call}, 0);`,
        "",
        `EXPECT_EQ(${this.cur.run}.exception_vector, 0);`,
        `EXPECT_EQ(${this.cur.run}.exception_error_code, 0);`,
        `EXPECT_EQ(${this.cur.run}.exception_addr, 0);`,
      );
      if (kind === "eaccept") this.emit(`ASSERT_EQ(${v}.ret, 0);`);
      this.emit(`ASSERT_EQ(${this.cur.run}.function, EEXIT);`);
      for (let j = saved; j < this.body.length; j++)
        if (this.body[j] !== "") this.body[j] = `\t${this.body[j]}`;
      this.emit("}");
    }
    if (done >= pages) {
      // Every entry was clean: the trace reports the last one, whose result the op still holds.
      if (out.call?.value !== undefined)
        this.emit("", `EXPECT_EQ(${v}.value, ${u64(BigInt(out.call.value))}); /* read by the last entry */`);
      return;
    }
    // The entry the repetition stopped at, with its full outcome as for a single call.
    this.emit("");
    this.body.push(
      ...block([
        `Entry ${done} of ${pages} does not end cleanly: the scenario stops repeating there, so the remaining entries are not made.`,
      ]),
    );
    if (done > 0) this.setOp(kind, v, step.call, "entry", pageAddr(pagesTimes(done)));
    this.emit("");
    this.expectEntry([call], out, { kind, v }, step.tcs);
  }

  private eresume(step: Step & { op: "ERESUME" }, out: TraceStep): void {
    this.setTcs(step.tcs);
    const op = this.cur.interrupted.get(step.tcs);
    // main.c passes the interrupted call's op again; ERESUME continues it from the SSA.
    const rdi = op ? `(unsigned long)&${op.v}` : "0";
    this.cur.interrupted.delete(step.tcs);
    this.expectEntry(
      [`vdso_sgx_enter_enclave(${rdi}, 0, 0,`, `\t\t\t\t ERESUME, 0, 0, &${this.cur.run})`],
      out,
      op,
      step.tcs,
    );
  }

  // --- The test ----------------------------------------------------------------------------

  private render(): string {
    const [first, ...later] = this.enclaves.values();
    const { heapPages, dynamicSize, scaled, total, size } = first.layout;
    const m = this.s.machine;
    const epc = `${m.epcPages} EPC pages (${(m.epcPages * PAGE) / 1024} KiB)`;
    const wrapped = this.s.steps.some((st) => st.op === "EENTER" && st.clobbered === false);
    const header: string[] = [
      `${this.s.title}`,
      ...(this.s.description ? [this.s.description] : []),
      "",
      `Exported from an EPCM Explorer scenario: every assertion is an outcome the simulator computed for a machine with ${epc}${m.sgx2 ? " and SGX2" : ", SGX1 only (no SGX2: the SGX2 ioctls fail with ENODEV)"}. Paste it into tools/testing/selftests/sgx/main.c: it uses main.c's ${dynamicSize > 0 ? "setup_test_encl_dynamic()" : "setup_test_encl()"}, ENCL_CALL(), EXPECT_EEXIT(), vdso_sgx_enter_enclave, MAGIC and the SGX_SECINFO_* flags.`,
      "",
      `ENCL_CALL(op, run, clobbered) as main.c defines it: true calls vdso_sgx_enter_enclave() directly; false goes through sgx_enter_enclave() in call.S, which saves the callee-saved registers around the vDSO call. ${wrapped ? "This test uses both paths, as the scenario's steps state (clobbered: false)." : "Every entry here is a direct vDSO call (the scenario's default, clobbered: true)."}`,
    ];
    if (dynamicSize > 0)
      header.push(
        "",
        `setup_test_encl_dynamic() is not in mainline main.c: it comes from the posted patch "selftests/sgx: Include the dynamic heap size to the ELRANGE calculation" (PATCH 4/5 of the 2022-09-04 series that adds augment_via_eaccept_long), which adds dynamic_size to encl_load() (load.c, main.h) and defines setup_test_encl() on top of it. Apply that patch to the tree first; on a mainline tree this test does not build.`,
      );
    if (scaled)
      header.push(
        "",
        `The heap is as large as all of the EPC, as in main.c's oversubscribed tests: the test sizes it with get_total_epc_mem() and writes the heap's offset, size and page loop from its segment (heap->offset, heap->size), so on real hardware it scales with that machine's EPC. The simulated machine has ${epc}: its heap was ${heapPages} pages.`,
      );
    if (this.looped)
      header.push(
        "",
        `It makes one enclave entry per page in a loop, so it is declared with TEST_F_TIMEOUT(…, ${LOOP_TIMEOUT}), as main.c declares unclobbered_vdso_oversubscribed_remove (and the posted augment_via_eaccept_long, whose TIMEOUT_DEFAULT is ${LOOP_TIMEOUT}); the harness's default is 30 s.`,
      );
    header.push(
      "",
      `Offsets are literal and assume the measured layout of test_encl.elf (gcc 12.2, binutils 2.40): TCS#1 0x0, TCS#2 0x1000, text 0x2000, encl_buffer 0x4000, data_start 0x5000, SSAs 0x7000 and 0x8000, heap 0xb000, total_size ${hexOf(total)}, encl_size ${hexOf(size)}${scaled ? " (with the simulated EPC)" : ""}. main.c derives them from the segment table (encl_get_data_offset(), the sum of the segment sizes); rebuild the offsets if your toolchain lays the enclave out differently.`,
    );
    for (const c of later)
      if (c.layout.total !== total || c.layout.size !== size)
        header.push(
          "",
          `Enclave "${c.id}" (${c.encl}) has a ${c.layout.heapPages}-page heap: total_size ${hexOf(c.layout.total)}, encl_size ${hexOf(c.layout.size)}.`,
        );
    if (later.length > 0)
      header.push(
        "",
        `The test builds ${later.length + 1} enclaves, each with main.c's setup_test_encl(); if an ASSERT stops it early, the test process's exit releases the others' fds and mappings.`,
      );
    const setup = this.setupCall(first.layout, "self->encl");
    const teardown = later.flatMap((c) => ["", `\tencl_delete(&${c.encl});`]);
    if (this.decls.has("ret") && this.decls.has("errno_save")) {
      // main.c: `int ret, errno_save;`
      this.decls.delete("errno_save");
      this.decls.delete("ret");
      this.decls.set("ret, errno_save", "int");
    }
    const decls = [...this.decls.entries()].map(([name, type]) =>
      type.endsWith("*") ? `\t${type}${name};` : `\t${type} ${name};`,
    );
    // Reverse Christmas tree, as the kernel's coding style (and main.c) orders declarations.
    decls.sort((a, b) => b.length - a.length || a.localeCompare(b));
    return [
      ...block(header, 0),
      this.looped
        ? `TEST_F_TIMEOUT(enclave, ${this.name}, ${LOOP_TIMEOUT})`
        : `TEST_F(enclave, ${this.name})`,
      "{",
      ...decls,
      ...(decls.length > 0 ? [""] : []),
      ...setup,
      "",
      "\tmemset(&self->run, 0, sizeof(self->run));",
      "\tself->run.tcs = self->encl.encl_base;",
      ...this.body,
      ...teardown,
      "}",
      "",
    ].join("\n");
  }
}

function heapArg(heapPages: number): string {
  return heapPages === 1 ? "ENCL_HEAP_SIZE_DEFAULT" : pagesTimes(heapPages);
}
