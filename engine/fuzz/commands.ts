// Random scenarios for the model-based fuzz: one or two enclaves built as the kernel selftests
// build theirs (standardBuild), on a random EPC (24–160 pages, so the reclaimer runs) and an
// SGX1 or SGX2 CPU, followed by random commands over every op of the scenario format: every
// ioctl (CREATE, ADD_PAGES, INIT, PROVISION, RESTRICT_PERMISSIONS, MODIFY_TYPES, REMOVE_PAGES, an
// unknown one), mmap/mprotect/munmap, reclaim, close, EENTER with every call kind (also with
// `pages: N`) and ERESUME. Fragments of the selftests' SGX2 flows are mixed in so that runs
// reach the deep per-page states (PENDING, MODIFIED, PR, accepted TRIM, new TCS pages).
//
// A command sequence is generated as a whole scenario rather than with fc.commands: the
// scenario is the unit the engine runs (enclave bases are planned from all its CREATE steps)
// and the artefact a failure is saved as. The sequence shrinks like a command list (fast-check
// drops items and simplifies them), and minimize() in check.ts drops further steps, build steps
// included.

import fc from "fast-check";
import { standardBuild } from "../flows/standard-build.ts";
import { hex } from "../vocabulary/hex.ts";
import type { Raw } from "./check.ts";

// ---- Values --------------------------------------------------------------------------------

const pageOf = (min: number, max: number) => fc.integer({ min, max }).map((p) => p * 0x1000);
/** Offsets in 0..0x12000 (past the 0x10000 ELRANGE on purpose), mostly page aligned. */
const offset = fc.oneof(
  { weight: 8, arbitrary: pageOf(0, 0x12) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x12000 }) },
);
/** Lengths: mostly 1..4 pages, sometimes zero, unaligned or long. */
const length = fc.oneof(
  { weight: 8, arbitrary: pageOf(1, 4) },
  { weight: 1, arbitrary: pageOf(0, 0x12) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x5000 }) },
);
const range = fc.record({ offset: offset.map(hex), length: length.map(hex) });
/** Enclave-call addresses: the build's pages, the free ELRANGE after it, sometimes unaligned. */
const addr = fc.oneof(
  { weight: 8, arbitrary: pageOf(0, 0x11) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x11 }).map((p) => p * 0x1000 + 8 * (p % 5)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x12000 }) },
);
/** Mostly a page where the access can succeed, else any address. */
const likely = (minPage: number, maxPage: number) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.integer({ min: minPage * 0x200, max: maxPage * 0x200 + 0x1ff }).map((q) => q * 8),
    },
    { weight: 1, arbitrary: addr },
  );
/** ENCLU leaf operands: mostly a page of ELRANGE (an unaligned or outside one #GPs). */
const leafAddr = fc.oneof({ weight: 6, arbitrary: pageOf(0, 0xf) }, { weight: 1, arbitrary: addr });
const prot = fc.constantFrom(
  "PROT_READ",
  "PROT_READ|PROT_WRITE",
  "PROT_READ|PROT_EXEC",
  "PROT_READ|PROT_WRITE|PROT_EXEC",
  "PROT_NONE",
  "PROT_WRITE",
  "PROT_EXEC",
);
/** SECINFO words EACCEPT accepts in some state (SDM: EACCEPT). */
const legalAccept = fc.constantFrom(
  "R|W|REG|PENDING",
  "R|W|REG|PENDING|PR",
  "R|W|REG|PR",
  "R|REG|PR",
  "REG|PR",
  "R|X|REG|PR",
  "X|REG|PR",
  "R|W|X|REG|PR",
  "TCS|MODIFIED",
  "TRIM|MODIFIED",
);
/** Words that #GP in EACCEPT (a thread that faults there stays stuck: kept rarer). */
const otherSecinfo = fc.constantFrom(
  "R|W|REG",
  "R|X|REG",
  "R|W|X|REG",
  "R|REG",
  "W|REG",
  "X|REG",
  "R|W|X|REG|PENDING",
  "R|W|X",
  "TRIM|MODIFIED|PR",
);
const secinfo = fc.oneof({ weight: 4, arbitrary: legalAccept }, { weight: 1, arbitrary: otherSecinfo });
/** EMODPE and EACCEPTCOPY use only R/W/X (and EACCEPTCOPY the type). */
const permSecinfo = fc.constantFrom(
  "R|W|REG",
  "R|X|REG",
  "R|W|X|REG",
  "R|REG",
  "X|REG",
  "W|REG",
  "REG",
  "R|W|X",
);
const permissions = fc.constantFrom<string | number>("R", "R|W", "R|X", "R|W|X", "X", "W", 0);
const value = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => `0x${v.toString(16)}`);
/**
 * TCS offsets: TCS#1 or #2, sometimes any address, sometimes 0x10000/0x11000: the TCS pages of a
 * second enclave placed right after the first (one address space; the step's enclave only
 * chooses the base its offsets count from).
 */
const tcsOffset = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(0x0, 0x1000) },
  { weight: 2, arbitrary: addr },
  { weight: 1, arbitrary: fc.constantFrom(0x10000, 0x11000) },
);

// ---- Commands ------------------------------------------------------------------------------

const ioctl = (cmd: string, arg?: Raw): Raw =>
  arg === undefined ? { op: "ioctl", cmd } : { op: "ioctl", cmd, arg };

/** Input `result`/`count`: almost always 0, as the kernel requires. */
const inputs = fc.oneof(
  { weight: 12, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constantFrom({ count: "0x1000" }, { result: "0x1" }) },
);

const ioctlStep: fc.Arbitrary<Raw> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(range, permissions, inputs)
      .map(([r, p, x]) => ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", { ...r, permissions: p, ...x })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(range, fc.constantFrom<string | number>("TCS", "TRIM", "TRIM", "REG", 7), inputs)
      .map(([r, t, x]) => ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...r, page_type: t, ...x })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(range, fc.constantFrom({}, {}, {}, { count: "0x1000" }))
      .map(([r, x]) => ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", { ...r, ...x })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        range,
        fc.constantFrom(
          "R|W|REG",
          "R|X|REG",
          "R|W|X|REG",
          "X|REG",
          "TCS",
          "W|REG",
          "R|TCS",
          "R|W|REG|PR",
          "VA",
        ),
        fc.constantFrom<string | number>("SGX_PAGE_MEASURE", 0),
        fc.constantFrom(0, 0, 0, 0x10),
      )
      .map(([r, s, f, src]) =>
        ioctl("SGX_IOC_ENCLAVE_ADD_PAGES", {
          ...r,
          secinfo: s,
          flags: f,
          ...(src ? { src: hex(src) } : {}),
          ...(s === "TCS" ? { tcs: [{ ossa: "0x7000", nssa: 1, oentry: "0x23d3" }] } : {}),
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        size: fc.constantFrom(0x10000, 0x10000, 0x20000, 0x8000, 0x1000, 0x3000),
        ssa: fc.constantFrom(1, 1, 2),
        attributes: fc.constantFrom(
          "MODE64BIT",
          "MODE64BIT",
          "MODE64BIT|DEBUG",
          "MODE64BIT|PROVISIONKEY",
          "DEBUG",
        ),
      })
      .map((c) =>
        ioctl("SGX_IOC_ENCLAVE_CREATE", {
          size: hex(c.size),
          ssa_frame_size: c.ssa,
          attributes: c.attributes,
          xfrm: 3,
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<Raw | undefined>(
        undefined,
        undefined,
        { sigstruct: { vendor: "0x1234" } },
        { sigstruct: { vendor: "0x8086" } },
        { sigstruct: { enclavehash: "0x1" } },
        { sigstruct: { attributes: "MODE64BIT|PROVISIONKEY" } },
      )
      .map((a) => ioctl("SGX_IOC_ENCLAVE_INIT", a ?? {})),
  },
  { weight: 1, arbitrary: fc.constant(ioctl("SGX_IOC_ENCLAVE_PROVISION")) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(ioctl("SGX_IOC_ENCLAVE_UNKNOWN"), ioctl("SGX_IOC_VEPC_REMOVE_ALL", {})),
  },
);

const call: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ call: fc.constant("write"), addr: likely(0x4, 0xf).map(hex), value }) },
  { weight: 3, arbitrary: fc.record({ call: fc.constant("read"), addr: likely(0x2, 0xf).map(hex) }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("exec"), addr: likely(0x2, 0x3).map(hex) }) },
  { weight: 1, arbitrary: fc.constant({ call: "nop" }) },
  { weight: 4, arbitrary: fc.record({ call: fc.constant("EACCEPT"), addr: leafAddr.map(hex), secinfo }) },
  {
    weight: 1,
    arbitrary: fc.record({
      call: fc.constant("EACCEPTCOPY"),
      addr: leafAddr.map(hex),
      src: leafAddr.map(hex),
      secinfo: permSecinfo,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ call: fc.constant("EMODPE"), addr: leafAddr.map(hex), secinfo: permSecinfo }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      call: fc.constant("init_tcs"),
      addr: addr.map(hex),
      ssa: fc.constantFrom(0x7000, 0x8000, 0xc000).map(hex),
      entry: fc.constantFrom(0x23e9, 0x23d3).map(hex),
    }),
  },
);

const enterStep: fc.Arbitrary<Raw> = fc
  .tuple(tcsOffset, call)
  .map(([t, c]) => ({ op: "EENTER", tcs: hex(t), ...c }));

/**
 * `pages: N` over a run of pages that stays inside the 16-page ELRANGE, through TCS#1 or #2
 * (N entries; EPC pressure when N is large).
 */
const repeatedStep: fc.Arbitrary<Raw> = fc
  .record({
    tcs: fc.constantFrom(0x0, 0x1000),
    first: fc.integer({ min: 0x2, max: 0xf }),
    pages: fc.integer({ min: 2, max: 14 }),
    kind: fc.constantFrom("EACCEPT", "EACCEPT", "write", "read", "EMODPE", "EACCEPTCOPY"),
    secinfo,
    perms: permSecinfo,
    v: value,
  })
  .map((r) => {
    const pages = Math.max(2, Math.min(r.pages, 0x10 - r.first));
    const c: Raw =
      r.kind === "write"
        ? { call: "write", addr: hex(r.first * 0x1000), value: r.v }
        : r.kind === "read"
          ? { call: "read", addr: hex(r.first * 0x1000) }
          : r.kind === "EACCEPTCOPY"
            ? { call: "EACCEPTCOPY", addr: hex(r.first * 0x1000), src: "0x2000", secinfo: r.perms }
            : {
                call: r.kind,
                addr: hex(r.first * 0x1000),
                secinfo: r.kind === "EMODPE" ? r.perms : r.secinfo,
              };
    return { op: "EENTER", tcs: hex(r.tcs), ...c, pages };
  });

const mmStep: fc.Arbitrary<Raw> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        range,
        prot,
        fc.constantFrom<string | undefined>(undefined, undefined, undefined, "MAP_PRIVATE|MAP_FIXED"),
      )
      .map(([r, p, f]) => ({ op: "mmap", ...r, prot: p, ...(f ? { flags: f } : {}) })),
  },
  { weight: 2, arbitrary: fc.tuple(range, prot).map(([r, p]) => ({ op: "mprotect", ...r, prot: p })) },
  { weight: 1, arbitrary: range.map((r) => ({ op: "munmap", ...r })) },
);

/** One random command. */
const randomStep: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 45, arbitrary: ioctlStep },
  { weight: 25, arbitrary: mmStep },
  { weight: 15, arbitrary: fc.integer({ min: 1, max: 48 }).map((pages) => ({ op: "reclaim", pages })) },
  { weight: 80, arbitrary: enterStep },
  { weight: 8, arbitrary: repeatedStep },
  { weight: 20, arbitrary: tcsOffset.map((t) => ({ op: "ERESUME", tcs: hex(t) })) },
  { weight: 2, arbitrary: fc.constant({ op: "close" }) },
);

// ---- Flow fragments --------------------------------------------------------------------------

const flowPage = fc.oneof(pageOf(0x0, 0xf), pageOf(0x4, 0xb), pageOf(0xc, 0xf));
const thread = fc.constantFrom(0x0, 0x1000);
const enter = (t: number, c: Raw): Raw => ({ op: "EENTER", tcs: hex(t), ...c });
const one = (p: number) => ({ offset: hex(p), length: "0x1000" });

const fragment: fc.Arbitrary<Raw[]> = fc.oneof(
  // augment / augment-via-eaccept: EAUG on a fault, EACCEPT from the other thread.
  fc.tuple(flowPage, thread, value, prot, fc.boolean()).map(([p, t, v, pr, viaAccept]) => {
    const map = { op: "mmap", ...one(p), prot: pr === "PROT_NONE" ? "PROT_READ|PROT_WRITE" : pr };
    const accept = enter(t ^ 0x1000, { call: "EACCEPT", addr: hex(p), secinfo: "R|W|REG|PENDING" });
    return viaAccept
      ? [
          map,
          accept,
          enter(t, { call: "write", addr: hex(p), value: v }),
          enter(t, { call: "read", addr: hex(p) }),
        ]
      : [
          map,
          enter(t, { call: "write", addr: hex(p), value: v }),
          accept,
          { op: "ERESUME", tcs: hex(t) },
          enter(t, { call: "read", addr: hex(p) }),
        ];
  }),
  // Trim, accept, remove.
  fc
    .tuple(flowPage, thread)
    .map(([p, t]) => [
      ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...one(p), page_type: "TRIM" }),
      enter(t, { call: "EACCEPT", addr: hex(p), secinfo: "TRIM|MODIFIED" }),
      ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", one(p)),
      enter(t, { call: "read", addr: hex(p) }),
    ]),
  // A new TCS out of a REG page, entered.
  fc
    .tuple(flowPage, thread, fc.constantFrom(0x7000, 0x8000, 0xc000))
    .map(([p, t, ssa]) => [
      { op: "mmap", ...one(p), prot: "PROT_READ|PROT_WRITE" },
      enter(t, { call: "init_tcs", addr: hex(p), ssa: hex(ssa), entry: "0x23e9" }),
      ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...one(p), page_type: "TCS" }),
      enter(t, { call: "EACCEPT", addr: hex(p), secinfo: "TCS|MODIFIED" }),
      enter(p, { call: "nop" }),
    ]),
  // Restrict, accept, extend.
  fc
    .tuple(
      flowPage,
      thread,
      fc.constantFrom("R", "R|X", "R|W", "X"),
      fc.constantFrom("R|W|REG", "R|X|REG", "R|W|X|REG", "W|REG"),
    )
    .map(([p, t, perms, ext]) => [
      ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", { ...one(p), permissions: perms }),
      enter(t, { call: "EACCEPT", addr: hex(p), secinfo: `${perms}|REG|PR` }),
      enter(t, { call: "EMODPE", addr: hex(p), secinfo: ext }),
      enter(t, { call: "write", addr: hex(p), value: "0x1" }),
    ]),
  // EACCEPTCOPY into a fresh page, then run it.
  fc
    .tuple(pageOf(0xc, 0xf), pageOf(0x2, 0xb), thread)
    .map(([p, src, t]) => [
      { op: "mmap", ...one(p), prot: "PROT_READ|PROT_WRITE|PROT_EXEC" },
      enter(t, { call: "EACCEPTCOPY", addr: hex(p), src: hex(src), secinfo: "R|W|X|REG" }),
      enter(t, { call: "exec", addr: hex(p) }),
    ]),
  // Commit a run of pages, evict them, touch them again.
  fc.tuple(pageOf(0xc, 0xe), thread, fc.integer({ min: 1, max: 40 })).map(([p, t, n]) => [
    { op: "mmap", offset: hex(p), length: hex(0x10000 - p), prot: "PROT_READ|PROT_WRITE" },
    {
      op: "EENTER",
      tcs: hex(t),
      call: "EACCEPT",
      addr: hex(p),
      secinfo: "R|W|REG|PENDING",
      pages: (0x10000 - p) / 0x1000,
    },
    { op: "reclaim", pages: n },
    enter(t, { call: "read", addr: hex(p) }),
  ]),
);

// Many CPUs: a thread stays inside on CPU 1–3 (on the second TCS) while CPU 0 runs the kernel's
// side (SGX2 ioctls with their ETRACK + IPI, the reclaimer, user-space accesses, another entry on
// the first TCS) and interrupts arrive; the thread runs calls in between and maybe leaves.
const onCpu = fc.integer({ min: 1, max: 3 });
const perm = fc.constantFrom("R", "R|X", "R|W", "X", "R|W|X");
const between: fc.Arbitrary<(c: number, p: number) => Raw> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom("read", "write", "exec"), value, fc.boolean(), addr)
      .map(([k, v, same, a]) => (c: number, p: number) => ({
        op: "run",
        cpu: c,
        call: k,
        addr: hex(same ? p : a),
        ...(k === "write" ? { value: v } : {}),
      })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(legalAccept, fc.boolean()).map(([sec, mine]) => (c: number, p: number) => ({
      op: mine ? "run" : "EENTER",
      ...(mine ? { cpu: c } : { tcs: "0x0" }),
      call: "EACCEPT",
      addr: hex(p),
      secinfo: sec,
    })),
  },
  {
    weight: 4,
    arbitrary: perm.map(
      (pm) => (_c: number, p: number) =>
        ioctl("SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", { ...one(p), permissions: pm }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom("TRIM", "TCS")
      .map(
        (to) => (_c: number, p: number) =>
          ioctl("SGX_IOC_ENCLAVE_MODIFY_TYPES", { ...one(p), page_type: to }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constant((_c: number, p: number) => ioctl("SGX_IOC_ENCLAVE_REMOVE_PAGES", one(p))),
  },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 1, max: 24 })
      .map((n) => (_c: number, _p: number) => ({ op: "reclaim", pages: n })),
  },
  { weight: 2, arbitrary: fc.constant((c: number, _p: number) => ({ op: "interrupt", cpu: c })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.boolean(), value).map(([w, v]) => (_c: number, p: number) => ({
      op: "access",
      offset: hex(p),
      kind: w ? "write" : "read",
      ...(w ? { value: v } : {}),
    })),
  },
  {
    weight: 1,
    arbitrary: prot.map((pr) => (_c: number, p: number) => ({ op: "mprotect", ...one(p), prot: pr })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom("read", "write"), value).map(([k, v]) => (_c: number, p: number) => ({
      op: "EENTER",
      tcs: "0x0",
      call: k,
      addr: hex(p),
      ...(k === "write" ? { value: v } : {}),
    })),
  },
);
const threadBlock: fc.Arbitrary<Raw[]> = fc
  .tuple(onCpu, flowPage, value, fc.array(between, { minLength: 1, maxLength: 8 }), fc.boolean())
  .map(([c, p, v, steps, leave]) => [
    { op: "EENTER", tcs: "0x1000", cpu: c, stay: true, call: "write", addr: hex(p), value: v },
    ...steps.map((f) => f(c, p)),
    ...(leave ? [{ op: "EEXIT", cpu: c }] : []),
  ]);

/** A fragment, whole or with some steps dropped (a flow left half done). */
const fragmentItem: fc.Arbitrary<Raw[]> = fc
  .tuple(
    fragment,
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }) },
    ),
  )
  .map(([steps, mask]) => {
    if (!mask) return steps;
    const kept = steps.filter((_, i) => mask[i]);
    return kept.length > 0 ? kept : steps.slice(0, 1);
  });

const item: fc.Arbitrary<{ steps: Raw[]; target: number }> = fc.record({
  steps: fc.oneof(
    { weight: 3, arbitrary: randomStep.map((s) => [s]) },
    { weight: 2, arbitrary: fragmentItem },
    { weight: 2, arbitrary: threadBlock },
  ),
  /** 0: e0; 1: e1 when there is a second enclave. */
  target: fc.integer({ min: 0, max: 3 }).map((r) => (r === 0 ? 1 : 0)),
});

// ---- Scenarios -------------------------------------------------------------------------------

/** Where the second enclave's build goes. */
type Second = "none" | "before" | "among" | "interleaved" | "partial";

/** The standard build's steps without notes and expectations (shorter fixtures). */
function bare(steps: Raw[]): Raw[] {
  return steps.map(({ note: _n, expect: _e, ...rest }) => rest);
}

export interface ScenarioShape {
  epcPages: number;
  sgx2: boolean;
  second: Second;
  at: number;
  /** For "partial": which build steps of e1 are kept (CREATE always is). */
  keep: boolean[];
  items: Array<{ steps: Raw[]; target: number }>;
}

export interface GeneratorOptions {
  /**
   * Allow TCS offsets at or past 0x10000, which name the second enclave's TCS pages through the
   * first one's base (default true). Off, such offsets are folded into the enclave's own range.
   */
  aliasTcs?: boolean;
}

export function buildScenario(m: ScenarioShape, opts: GeneratorOptions = {}): Raw {
  const withE1 = m.second !== "none";
  const fold = (st: Raw): Raw => {
    if (opts.aliasTcs ?? true) return st;
    const t = typeof st.tcs === "string" ? Number.parseInt(st.tcs.slice(2), 16) : undefined;
    return t !== undefined && t >= 0x10000 ? { ...st, tcs: hex(t % 0x10000) } : st;
  };
  const random = m.items
    .flatMap((it) => (withE1 && it.target === 1 ? it.steps.map((s) => ({ ...s, enclave: "e1" })) : it.steps))
    .map(fold)
    .slice(0, 48);
  const e0 = bare(standardBuild());
  let e1 = withE1 ? bare(standardBuild({ enclave: "e1" })) : [];
  if (m.second === "partial") e1 = e1.filter((_, i) => i === 0 || (m.keep[i % m.keep.length] ?? true));
  const at = random.length === 0 ? 0 : m.at % (random.length + 1);
  let steps: Raw[];
  if (m.second === "interleaved") {
    // The first `at` random commands are spread between e1's build steps (ADD_PAGES, INIT,
    // PROVISION... while it is being built), the rest follow.
    const during = random.slice(0, at);
    steps = [...e0];
    e1.forEach((b, i) => {
      steps.push(b, ...during.filter((_, j) => j % e1.length === i));
    });
    steps.push(...random.slice(at));
  } else if (m.second === "before") steps = [...e0, ...e1, ...random];
  else steps = [...e0, ...random.slice(0, at), ...e1, ...random.slice(at)];
  return { format: "epcm-scenario/1", title: "fuzz", machine: { epcPages: m.epcPages, sgx2: m.sgx2 }, steps };
}

export const scenarioShape: fc.Arbitrary<ScenarioShape> = fc.record({
  epcPages: fc.integer({ min: 24, max: 160 }),
  sgx2: fc.constantFrom(true, true, true, false),
  second: fc.constantFrom<Second>("none", "none", "none", "before", "among", "interleaved", "partial"),
  at: fc.nat({ max: 64 }),
  keep: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
  items: fc.array(item, { minLength: 1, maxLength: 24 }),
});

/** Random scenarios (the shape shrinks; the scenario is built from it). */
export function scenarioArb(opts: GeneratorOptions = {}): fc.Arbitrary<Raw> {
  return scenarioShape.map((m) => buildScenario(m, opts));
}
