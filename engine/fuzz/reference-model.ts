// A deliberately simple reference model of the per-page EPCM state of every enclave in a
// scenario, written from the reference documents and independently of the engine: it imports
// nothing but the trace types. Each enclave is a map from page offset to
// {type, RWX, PENDING, MODIFIED, PR}; an absent offset has no page.
//
// The model is driven by the scenario's steps and by the engine's *outcome* of each step (ret,
// errno, the ioctl's count and result, run.function, call.ret, `repeated`). It predicts the
// state after the step from the semantics alone:
//   - ADD_PAGES (EADD): type and RWX from SECINFO, RWX forced to 0 for a TCS, no status bits
//     (SDM: EPCM, EADD).
//   - RESTRICT_PERMISSIONS (EMODPR) on each processed page: RWX &= mask, PR = 1 (SDM: EMODPR, ETRACK, EACCEPT).
//   - MODIFY_TYPES (EMODT) on each processed page: new type, RWX = 0, MODIFIED = 1, PR = 0 (SDM: EMODT).
//   - REMOVE_PAGES (EREMOVE) removes each processed page (SDM: EREMOVE, ioctl.c: sgx_ioc_enclave_remove_pages()).
//   - EAUG on a fault: REG, RW-, PENDING (SDM: EAUG). The step's events tell only WHICH page was
//     EAUGed (an EAUG leaf event with result ok names its enclave and offset), never its state.
//   - EACCEPT success clears PENDING, MODIFIED and PR (SDM: EACCEPT); EACCEPTCOPY success sets RWX
//     from SECINFO and clears PENDING (SDM: EACCEPTCOPY); EMODPE ORs RWX (SDM: EMODPE).
//   - Eviction and reload keep the state (SDM: EWB, ELDU, EBLOCK, ETRACK); close releases everything
//     (encl.c: sgx_encl_may_map(), sgx_vma_mprotect()).
//
// Besides predicting states it checks that each outcome is possible in the state it predicted
// before the step (an operation that succeeded was legal, per the SDM: EPCM per-page table and the
// leaf pages; an SGX status code has the cause the SDM gives it). Those complaints come back from
// apply(); the caller compares the predicted states with the engine's.

import type { TraceEvent, TraceStep } from "../scenario/trace-types.ts";

export const PAGE = 4096;
/** Default enclave bases start here (docs/scenario-format.md, Driver calls: SGX_IOC_ENCLAVE_CREATE). */
const DEFAULT_BASE = 0x7f0000000000;

const R = 1;
const W = 2;
const X = 4;
const PENDING = 0x8;
const MODIFIED = 0x10;
const PR = 0x20;
const TYPE_VALUES: Record<string, number> = { SECS: 0, TCS: 1, REG: 2, VA: 3, TRIM: 4 };
const TYPE_NAMES = ["SECS", "TCS", "REG", "VA", "TRIM"];
const FLAG_VALUES: Record<string, number> = { R, W, X, PENDING, MODIFIED, PR };

/** Error codes (SDM: error codes) the model reasons about. */
const SGX_PAGE_ATTRIBUTES_MISMATCH = 19;
const SGX_PAGE_NOT_MODIFIABLE = 20;

/** #PF error-code bits (SDM: #PF error code). */
const PF_W = 0x2;
const PF_I = 0x10;
const PF_SGX = 0x8000;

export type PageType = "REG" | "TCS" | "TRIM";

export interface PageState {
  type: PageType;
  /** R=1, W=2, X=4. */
  rwx: number;
  pending: boolean;
  modified: boolean;
  pr: boolean;
}

export interface EnclaveState {
  name: string;
  /** Planned from the scenario's CREATE steps (docs/scenario-format.md, Driver calls), before the enclave exists. */
  base: number;
  size: number;
  created: boolean;
  initialized: boolean;
  released: boolean;
  pages: Map<number, PageState>;
}

/** "RW-" */
export function permLetters(rwx: number): string {
  return (rwx & R ? "R" : "-") + (rwx & W ? "W" : "-") + (rwx & X ? "X" : "-");
}

/** The state as one short key, e.g. "REG RW- P1 M0 PR0". */
export function stateKey(p: PageState): string {
  return `${p.type} ${permLetters(p.rwx)} P${+p.pending} M${+p.modified} PR${+p.pr}`;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** A number as the scenario or the trace writes it: a JSON number, or a decimal/hex string. */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const s = v.trim();
    return /^0x/i.test(s) ? Number.parseInt(s.slice(2), 16) : Number(s);
  }
  return Number.NaN;
}

/** A flag word: a number or names (SECINFO flags, page types, permissions) joined by "|". */
export function flagWord(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return 0;
  let w = 0;
  for (const token of v.split("|")) {
    const t = token.trim();
    if (t === "") continue;
    if (t in FLAG_VALUES) w |= FLAG_VALUES[t];
    else if (t in TYPE_VALUES) w |= TYPE_VALUES[t] << 8;
    else w |= num(t) || 0;
  }
  return w;
}

/** A MODIFY_TYPES page_type: a type name or a number (a value, not shifted). */
function pageTypeValue(v: unknown): number {
  if (typeof v === "string" && v in TYPE_VALUES) return TYPE_VALUES[v];
  return num(v);
}

interface Call {
  kind: string;
  /** Offsets as written; resolved against the base of the step that runs them. */
  addr: number;
  src: number;
  secinfo: number;
}

type RawScenario = { machine?: { sgx2?: unknown }; steps?: unknown };

export class ReferenceModel {
  readonly enclaves = new Map<string, EnclaveState>();
  readonly sgx2: boolean;
  /**
   * Threads an AEX left inside an enclave, by TCS linear address: an ERESUME re-executes the
   * interrupted instruction (the call and the linear addresses it was given).
   */
  private readonly interrupted = new Map<number, { call: Call; base: number }>();
  private complaints: string[] = [];
  private stepIndex = 0;
  /**
   * Many CPUs (scenario contract, "Logical processors"): the CPUs in enclave mode right now, from
   * the trace's events in order (EENTER/ERESUME ok enter; EEXIT ok and every AEX leave).
   */
  readonly inside = new Set<number>();
  /** The thread that stayed inside on each CPU (`thread` of the trace step): its TCS's linear address and base. */
  private readonly staying = new Map<number, { tcs: number; base: number }>();
  /**
   * Tracking (SDM ETRACK/EACCEPT): a page changed by EMODPR/EMODT needs an ETRACK after the
   * change ("etrack"), then every CPU inside at that ETRACK must leave once (the set shrinks).
   * An EACCEPT of the page may succeed only when it is tracked.
   */
  readonly untracked = new Map<string, "etrack" | Set<number>>();

  constructor(scenario: RawScenario) {
    this.sgx2 = scenario.machine?.sgx2 !== false;
    const steps = Array.isArray(scenario.steps) ? (scenario.steps as Array<Record<string, unknown>>) : [];
    // Bases (docs/scenario-format.md, Driver calls): an explicit `base`, else the lowest multiple of `size` at or above
    // 0x7f0000000000 whose range overlaps no enclave placed before, in CREATE order.
    const placed: Array<[number, number]> = [];
    for (const s of steps) {
      const name = typeof s.enclave === "string" ? s.enclave : "e0";
      if (s.op !== "ioctl" || s.cmd !== "SGX_IOC_ENCLAVE_CREATE" || this.enclaves.has(name)) continue;
      const arg = (s.arg ?? {}) as Record<string, unknown>;
      const size = num(arg.size);
      let base: number;
      if (arg.base !== undefined) base = num(arg.base);
      else {
        const align = size > 0 ? size : PAGE;
        base = Math.ceil(DEFAULT_BASE / align) * align;
        while (placed.some(([a, b]) => base < b && a < base + Math.max(size, 1))) base += align;
      }
      placed.push([base, base + Math.max(size, 1)]);
      this.enclaves.set(name, this.fresh(name, base));
    }
  }

  private fresh(name: string, base: number): EnclaveState {
    return { name, base, size: 0, created: false, initialized: false, released: false, pages: new Map() };
  }

  enclave(name: string): EnclaveState {
    let e = this.enclaves.get(name);
    if (!e) {
      // Never created in this scenario: its offsets count from the default base.
      e = this.fresh(name, DEFAULT_BASE);
      this.enclaves.set(name, e);
    }
    return e;
  }

  private live(e: EnclaveState): boolean {
    return e.created && !e.released;
  }

  /** The live enclave whose ELRANGE holds a linear address, and the page offset in it. */
  private resolve(lin: number): { e: EnclaveState; offset: number } | undefined {
    for (const e of this.enclaves.values())
      if (this.live(e) && lin >= e.base && lin < e.base + e.size)
        return { e, offset: Math.floor((lin - e.base) / PAGE) * PAGE };
    return undefined;
  }

  private complain(msg: string): void {
    this.complaints.push(`steps[${this.stepIndex}]: ${msg}`);
  }

  private at(e: EnclaveState, offset: number): string {
    return `${e.name}+${hex(offset)}`;
  }

  private show(p: PageState | undefined): string {
    return p ? stateKey(p) : "no page";
  }

  /**
   * Advance the model by one step, given the engine's trace of that step. Returns the
   * outcomes that are impossible in the model's state (empty when every outcome fits).
   */
  apply(t: TraceStep): string[] {
    this.complaints = [];
    this.stepIndex = t.index;
    const op = t.op as Record<string, unknown>;
    const e = this.enclave(t.enclave);
    if (op.op === "race") {
      this.applyCpuEvents(t);
      this.applyRace(t);
      return this.complaints;
    }
    const eaugs = this.applyEaugEvents(t.events);
    this.applyCpuEvents(t);
    switch (op.op) {
      case "ioctl":
        if (t.errno === "EBADF") {
          if (!e.released) this.complain(`ioctl gave EBADF but ${e.name}'s fd is open`);
          break;
        }
        this.ioctl(e, op, t);
        break;
      case "close":
        if (t.ret === 0) {
          if (e.released) this.complain(`close of ${e.name} succeeded twice`);
          e.released = true;
          e.pages.clear();
        }
        break;
      case "EENTER":
      case "ERESUME":
        if (op.stay === true && t.thread) this.stay(e, op, t);
        else this.enter(e, op, t, eaugs);
        break;
      case "run": {
        const th = this.staying.get(t.cpu ?? 0);
        if (!th) {
          this.complain(`run on CPU ${t.cpu ?? 0}, where no thread stayed inside`);
          break;
        }
        const call = this.callOf(op);
        if (t.thread) this.complete(th.tcs, call, th.base, t.call?.ret);
        else {
          this.staying.delete(t.cpu ?? 0);
          this.finish(th.tcs, call, th.base, t);
        }
        break;
      }
      case "EEXIT":
        if (!this.staying.delete(t.cpu ?? 0))
          this.complain(`EEXIT on CPU ${t.cpu ?? 0}, where no thread stayed`);
        break;
      default:
        // mmap, mprotect, munmap, reclaim: no EPCM state changes (eviction keeps the state).
        break;
    }
    return this.complaints;
  }

  // ---- Many CPUs: entries, exits, tracking -------------------------------------------------------

  /** A thread that stayed inside after EENTER/ERESUME with `stay`. */
  private stay(e: EnclaveState, op: Record<string, unknown>, t: TraceStep): void {
    const tcs = e.base + num(op.tcs ?? 0);
    const cpu = t.cpu ?? 0;
    if (op.op === "ERESUME") {
      const work = this.interrupted.get(tcs);
      this.interrupted.delete(tcs);
      if (work) this.complete(tcs, work.call, work.base, t.call?.ret);
      else this.checkTcs(tcs);
      this.staying.set(cpu, { tcs, base: work?.base ?? e.base });
      return;
    }
    this.complete(tcs, this.callOf(op), e.base, t.call?.ret);
    this.staying.set(cpu, { tcs, base: e.base });
  }

  /** The page an event's own EPCM delta names (enclave, offset), if any. */
  private eventPage(ev: TraceEvent): string | undefined {
    const entry = ev.epcm?.find((x) => x.epc === ev.epc);
    return entry && entry.enclave !== null && entry.offset !== null
      ? `${entry.enclave}+${hex(num(entry.offset))}`
      : undefined;
  }

  private leaveCpu(cpu: number): void {
    this.inside.delete(cpu);
    for (const v of this.untracked.values()) if (v !== "etrack") v.delete(cpu);
  }

  /** Entries, exits, EMODPR/EMODT, ETRACK and EACCEPT, in the order the step's events give them. */
  private applyCpuEvents(t: TraceStep): void {
    for (const ev of t.events) {
      const cpu = ev.cpu ?? t.cpu ?? 0;
      if (ev.kind === "aex") {
        if (!this.inside.has(cpu)) this.complain(`an AEX on CPU ${cpu}, which is not in enclave mode`);
        this.leaveCpu(cpu);
        continue;
      }
      if (ev.result !== "ok" && ev.leaf !== "EACCEPT") continue;
      switch (ev.leaf) {
        case "EENTER":
        case "ERESUME":
          if (this.inside.has(cpu))
            this.complain(`${ev.leaf} on CPU ${cpu}, which is already in enclave mode`);
          this.inside.add(cpu);
          break;
        case "EEXIT":
          this.leaveCpu(cpu);
          break;
        case "EMODPR":
        case "EMODT": {
          const page = this.eventPage(ev);
          if (page) this.untracked.set(page, "etrack");
          break;
        }
        case "ETRACK":
          for (const [page, v] of this.untracked)
            if (v === "etrack") this.untracked.set(page, new Set(this.inside));
          break;
        case "EACCEPT": {
          const where = ev.addr !== undefined ? this.resolve(num(ev.addr)) : undefined;
          if (!where) break;
          const page = `${where.e.name}+${hex(where.offset)}`;
          const v = this.untracked.get(page);
          const tracked = v === undefined || (v !== "etrack" && v.size === 0);
          if (ev.result === "ok") {
            if (!tracked)
              this.complain(
                `EACCEPT of ${page} succeeded, but ${v === "etrack" ? "no ETRACK followed its change" : `CPU ${[...(v as Set<number>)].join(", ")}, inside at the ETRACK, has not left since`}`,
              );
            this.untracked.delete(page);
          } else if (ev.result === "SGX_NOT_TRACKED" && tracked && v !== undefined)
            this.complain(`EACCEPT of ${page} said SGX_NOT_TRACKED, but its change is tracked`);
          break;
        }
        default:
          break;
      }
    }
  }

  // ---- EAUG ----------------------------------------------------------------------------------

  /** EAUG leaf events with result ok: which pages were added. Returns how many. */
  private applyEaugEvents(events: TraceEvent[]): number {
    let n = 0;
    for (const ev of events) {
      if (ev.leaf !== "EAUG" || ev.result !== "ok") continue;
      n++;
      const entry = ev.epcm?.find((x) => x.epc === ev.epc);
      if (!entry || entry.enclave === null || entry.offset === null) {
        this.complain(`an EAUG event does not name its page`);
        continue;
      }
      this.eaug(this.enclave(entry.enclave), num(entry.offset));
    }
    return n;
  }

  /**
   * A race step (docs/scenario-format.md, Races): its events are the listed steps' events in the
   * order they happened. EAUGs apply where they occur; an ioctl's or an enclave entry's effect
   * applies at its last event (the state it leaves is what its result says).
   */
  private applyRace(t: TraceStep): void {
    const endsAt = new Map<TraceEvent, TraceStep>();
    for (const p of t.race ?? []) {
      const last = p.events.at(-1);
      const kind = (p.op as Record<string, unknown>).op;
      if (last && (kind === "ioctl" || kind === "EENTER" || kind === "ERESUME")) endsAt.set(last, p);
    }
    for (const ev of t.events) {
      this.applyEaugEvents([ev]);
      const p = endsAt.get(ev);
      if (!p) continue;
      const pe = this.enclave(p.enclave);
      const op = p.op as Record<string, unknown>;
      if (op.op !== "ioctl") this.enter(pe, op, p, 0);
      else if (p.errno !== "EBADF") this.ioctl(pe, op, p);
    }
  }

  /** EAUG (SDM: EAUG): REG, RW-, PENDING, in an initialized enclave, where it has no page. */
  private eaug(e: EnclaveState, offset: number): void {
    if (!this.sgx2) this.complain(`EAUG at ${this.at(e, offset)} on an SGX1 machine`);
    if (!this.live(e) || !e.initialized)
      this.complain(`EAUG at ${this.at(e, offset)} but the enclave is not live and initialized`);
    if (offset < 0 || offset >= e.size) this.complain(`EAUG at ${this.at(e, offset)} outside ELRANGE`);
    const old = e.pages.get(offset);
    if (old) this.complain(`EAUG at ${this.at(e, offset)}, which already has a page (${stateKey(old)})`);
    e.pages.set(offset, { type: "REG", rwx: R | W, pending: true, modified: false, pr: false });
  }

  // ---- ioctls --------------------------------------------------------------------------------

  private ioctl(e: EnclaveState, op: Record<string, unknown>, t: TraceStep): void {
    const arg = (op.arg ?? {}) as Record<string, unknown>;
    const ok = t.ret === 0;
    const count = t.arg?.count !== undefined ? num(t.arg.count) : 0;
    const n = Math.floor(count / PAGE);
    const offset = num(arg.offset);
    const length = num(arg.length);
    const sgx2Cmd =
      op.cmd === "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS" ||
      op.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES" ||
      op.cmd === "SGX_IOC_ENCLAVE_REMOVE_PAGES";
    if (sgx2Cmd) {
      // sgx_ioc_sgx2_ready (ioctl.c: sgx_ioctl(), sgx_validate_offset_length()): ENODEV on an SGX1 CPU, EINVAL before INIT.
      if (!this.sgx2 && t.errno !== "ENODEV")
        this.complain(`${op.cmd} on an SGX1 machine did not give ENODEV`);
      if (this.sgx2 && t.errno === "ENODEV") this.complain(`${op.cmd} gave ENODEV on an SGX2 machine`);
      if (this.sgx2 && !e.initialized && t.errno !== "EINVAL")
        this.complain(`${op.cmd} on ${e.name}, not initialized, did not give EINVAL`);
      if (ok && n * PAGE !== length)
        this.complain(`${op.cmd} succeeded with count ${hex(count)} for ${hex(length)}`);
    }
    switch (op.cmd) {
      case "SGX_IOC_ENCLAVE_CREATE":
        if (ok) {
          if (e.created) this.complain(`CREATE succeeded on ${e.name}, which already exists`);
          e.created = true;
          e.size = num(arg.size);
          e.pages.clear();
        }
        return;
      case "SGX_IOC_ENCLAVE_ADD_PAGES": {
        if (n > 0 && (!this.live(e) || e.initialized))
          this.complain(`ADD_PAGES added ${n} page(s) to ${e.name}, which is not created-and-uninitialized`);
        if (ok && n * PAGE !== length)
          this.complain(`ADD_PAGES succeeded with count ${hex(count)} for ${hex(length)}`);
        const secinfo = flagWord(arg.secinfo);
        const pt = (secinfo >> 8) & 0xff;
        if (n > 0 && pt !== TYPE_VALUES.REG && pt !== TYPE_VALUES.TCS)
          this.complain(`ADD_PAGES added a page of type ${TYPE_NAMES[pt] ?? pt}`);
        for (let i = 0; i < n; i++) {
          const off = offset + i * PAGE;
          const old = e.pages.get(off);
          if (old)
            this.complain(`ADD_PAGES added ${this.at(e, off)}, which already has a page (${stateKey(old)})`);
          // EADD: PT and RWX from SECINFO, RWX forced to 0 for a TCS; PENDING/MODIFIED/PR 0 (SDM: EADD).
          const type: PageType = pt === TYPE_VALUES.TCS ? "TCS" : "REG";
          e.pages.set(off, {
            type,
            rwx: type === "TCS" ? 0 : secinfo & (R | W | X),
            pending: false,
            modified: false,
            pr: false,
          });
        }
        return;
      }
      case "SGX_IOC_ENCLAVE_INIT":
        if (ok) {
          if (!this.live(e) || e.initialized) this.complain(`INIT succeeded on ${e.name} in the wrong state`);
          e.initialized = true;
        }
        return;
      case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS": {
        const mask = flagWord(arg.permissions) & (R | W | X);
        for (let i = 0; i < n; i++) {
          const off = offset + i * PAGE;
          const p = e.pages.get(off);
          // EMODPR needs a REG page with PENDING = MODIFIED = 0 (SDM: EMODPR; SDM: EPCM).
          if (p?.type !== "REG" || p.pending || p.modified) {
            this.complain(`RESTRICT_PERMISSIONS processed ${this.at(e, off)}, which is ${this.show(p)}`);
            if (!p) continue;
          }
          p.rwx &= mask;
          p.pr = true;
        }
        if (!ok && t.arg)
          this.explainSgx2Failure(e, "RESTRICT_PERMISSIONS", offset + n * PAGE, t, (p) => p.type !== "REG");
        return;
      }
      case "SGX_IOC_ENCLAVE_MODIFY_TYPES": {
        const to = pageTypeValue(arg.page_type);
        const allowed = (p: PageState) =>
          (p.type === "REG" && (to === TYPE_VALUES.TCS || to === TYPE_VALUES.TRIM)) ||
          (p.type === "TCS" && to === TYPE_VALUES.TRIM);
        for (let i = 0; i < n; i++) {
          const off = offset + i * PAGE;
          const p = e.pages.get(off);
          // EMODT: REG→TCS, REG→TRIM, TCS→TRIM only, and PENDING = MODIFIED = 0 (SDM: EMODT).
          if (!p || !allowed(p) || p.pending || p.modified) {
            this.complain(
              `MODIFY_TYPES to ${TYPE_NAMES[to] ?? to} processed ${this.at(e, off)}, which is ${this.show(p)}`,
            );
            if (!p) continue;
          }
          p.type = to === TYPE_VALUES.TCS ? "TCS" : "TRIM";
          p.rwx = 0;
          p.modified = true;
          p.pr = false;
        }
        if (!ok && t.arg && (to === TYPE_VALUES.TCS || to === TYPE_VALUES.TRIM))
          this.explainSgx2Failure(e, "MODIFY_TYPES", offset + n * PAGE, t, (p) => !allowed(p));
        return;
      }
      case "SGX_IOC_ENCLAVE_REMOVE_PAGES": {
        for (let i = 0; i < n; i++) {
          const off = offset + i * PAGE;
          const p = e.pages.get(off);
          // Only an accepted trim can be removed (SDM: EMODT, EACCEPT, EREMOVE; ioctl.c: sgx_ioc_enclave_remove_pages()).
          if (p?.type !== "TRIM" || p.modified)
            this.complain(`REMOVE_PAGES removed ${this.at(e, off)}, which is ${this.show(p)}`);
          e.pages.delete(off);
        }
        if (!ok && t.arg && t.errno === "EPERM") {
          const off = offset + n * PAGE;
          const p = e.pages.get(off);
          if (!p || (p.type === "TRIM" && !p.modified))
            this.complain(`REMOVE_PAGES refused ${this.at(e, off)} with EPERM, but it is ${this.show(p)}`);
        }
        if (!ok && t.arg && t.errno === "EFAULT") {
          const off = offset + n * PAGE;
          const p = e.pages.get(off);
          if (p) this.complain(`REMOVE_PAGES gave EFAULT at ${this.at(e, off)}, which is ${stateKey(p)}`);
        }
        return;
      }
      default:
        // PROVISION and unknown commands change no page.
        return;
    }
  }

  /**
   * Why RESTRICT_PERMISSIONS / MODIFY_TYPES stopped at a page (ioctl.c: sgx_ioc_enclave_restrict_permissions(), ioctl.c: sgx_ioc_enclave_modify_types()): result 20
   * means PENDING or MODIFIED (SDM: EMODPR, EMODT); EINVAL means the kernel refused the
   * page's type; EFAULT with result 0 means no page there.
   */
  private explainSgx2Failure(
    e: EnclaveState,
    what: string,
    off: number,
    t: TraceStep,
    wrongType: (p: PageState) => boolean,
  ): void {
    const p = e.pages.get(off);
    const result = num(t.arg?.result ?? 0);
    if (result === SGX_PAGE_NOT_MODIFIABLE && !(p && (p.pending || p.modified)))
      this.complain(`${what} got SGX_PAGE_NOT_MODIFIABLE at ${this.at(e, off)}, which is ${this.show(p)}`);
    if (t.errno === "EINVAL" && !(p && wrongType(p)))
      this.complain(`${what} refused ${this.at(e, off)} with EINVAL, but it is ${this.show(p)}`);
    if (t.errno === "EFAULT" && result === 0 && p)
      this.complain(`${what} gave EFAULT at ${this.at(e, off)}, which is ${stateKey(p)}`);
  }

  // ---- enclave entries -----------------------------------------------------------------------

  private callOf(op: Record<string, unknown>): Call {
    return {
      kind: String(op.call),
      addr: op.addr === undefined ? 0 : num(op.addr),
      src: op.src === undefined ? 0 : num(op.src),
      secinfo: op.secinfo === undefined ? 0 : flagWord(op.secinfo),
    };
  }

  private enter(e: EnclaveState, op: Record<string, unknown>, t: TraceStep, seenEaugs: number): void {
    const tcs = e.base + num(op.tcs ?? 0);
    const run = t.run;
    if (!run) {
      this.complain("an enclave entry without run");
      return;
    }
    const ret = t.call?.ret;
    if (op.op === "ERESUME") {
      const work = this.interrupted.get(tcs);
      if (run.function === "EEXIT") {
        this.interrupted.delete(tcs);
        if (work) {
          const before = this.complaints.length;
          this.complete(tcs, work.call, work.base, ret);
          if (this.complaints.length > before && work.base !== e.base)
            this.complain(
              `(this ERESUME names ${e.name}, base ${hex(e.base)}; the interrupted ${work.call.kind} was entered with offsets from base ${hex(work.base)}: the resumed instruction keeps its linear addresses, SDM: EENTER/ERESUME)`,
            );
        } else this.checkTcs(tcs);
      } else this.checkReportedFault(tcs, work?.call, work?.base ?? e.base, t);
      return;
    }
    const call = this.callOf(op);
    const pages = op.pages === undefined ? 1 : num(op.pages);
    const nth = (i: number): Call => ("addr" in op ? { ...call, addr: call.addr + i * PAGE } : call);
    if (pages <= 1) {
      this.finish(tcs, call, e.base, t);
      return;
    }
    // `pages: N`: entries 0..repeated-1 ended in a clean EEXIT with status 0; the one after them
    // (if any) is the reported outcome. Only the first entry's events are in the trace, so the
    // EAUGs of the others are inferred and checked against the step's EAUG count.
    const done = t.repeated ?? 0;
    let predicted = 0;
    for (let i = 0; i < done; i++) {
      const c = nth(i);
      if (i > 0 && (c.kind === "EACCEPT" || c.kind === "EACCEPTCOPY")) {
        // A clean EACCEPT(COPY) of a hole in the enclave means the kernel EAUGed it first (SDM: EAUG, EACCEPT).
        const where = this.resolve(e.base + c.addr);
        if (where && !where.e.pages.has(where.offset)) {
          this.eaug(where.e, where.offset);
          predicted++;
        }
      }
      this.interrupted.delete(tcs);
      this.complete(tcs, c, e.base, 0);
    }
    const total = this.repeatedEaugs(t);
    if (done < pages) {
      const c = nth(done);
      if (done > 0 && total !== undefined) {
        const left = total - seenEaugs - predicted;
        const where = this.resolve(e.base + c.addr);
        if (left === 1 && where && !where.e.pages.has(where.offset)) {
          this.eaug(where.e, where.offset);
          predicted++;
        } else if (left !== 0)
          this.complain(`cannot attribute ${left} EAUG(s) of the failing entry ${done} of a repeated step`);
      }
      this.finish(tcs, c, e.base, t);
    }
    if (total !== undefined && total !== seenEaugs + predicted)
      this.complain(
        `the repeated step reports ${total} EAUG(s); the model accounts for ${seenEaugs + predicted}`,
      );
  }

  /** The EAUG count of a repeated step's summary event. */
  private repeatedEaugs(t: TraceStep): number | undefined {
    for (const ev of t.events) {
      const m = /^Repeated on .*; (\d+) EAUG,/.exec(ev.text);
      if (m) return Number(m[1]);
    }
    return undefined;
  }

  /** One entry's reported outcome. */
  private finish(tcs: number, call: Call, base: number, t: TraceStep): void {
    const run = t.run;
    if (!run) return;
    if (run.function === "EEXIT") {
      this.interrupted.delete(tcs);
      this.complete(tcs, call, base, t.call?.ret);
    } else {
      // After an AEX (function ERESUME) the call stays interrupted for a later ERESUME; a fault
      // on EENTER itself (function EENTER) ran nothing.
      if (run.function === "ERESUME") this.interrupted.set(tcs, { call, base });
      this.checkReportedFault(tcs, call, base, t);
    }
  }

  /** The entered enclave (the one whose ELRANGE holds the TCS); its TCS must be enterable (SDM: EENTER/ERESUME). */
  private checkTcs(tcs: number): EnclaveState | undefined {
    const where = this.resolve(tcs);
    if (!where) {
      this.complain(`a clean EEXIT, but no live enclave holds the TCS at ${hex(tcs)}`);
      return undefined;
    }
    const p = where.e.pages.get(where.offset);
    if (p?.type !== "TCS" || p.pending || p.modified)
      this.complain(`entered through ${this.at(where.e, where.offset)}, which is ${this.show(p)}`);
    return where.e;
  }

  /** A call that ended in EEXIT: its effect, and that it was legal. */
  private complete(tcs: number, call: Call, base: number, ret: number | undefined): void {
    const encl = this.checkTcs(tcs);
    if (!encl) return;
    const inside = (lin: number) => lin >= encl.base && lin < encl.base + encl.size;
    const page = (lin: number) => encl.pages.get(Math.floor((lin - encl.base) / PAGE) * PAGE);
    const where = (lin: number) =>
      inside(lin)
        ? this.at(encl, Math.floor((lin - encl.base) / PAGE) * PAGE)
        : `${hex(lin)} (outside ${encl.name}'s ELRANGE, where it runs)`;
    const lin = base + call.addr;
    const access = (need: number, what: string) => {
      if (!inside(lin)) {
        if (what === "fetch") this.complain(`a fetch outside ELRANGE at ${hex(lin)} succeeded`);
        return; // data outside ELRANGE is ordinary memory (SDM: access-control requirements)
      }
      const p = page(lin);
      // SDM: access-control requirements: REG, not PENDING or MODIFIED, and the permission.
      if (p?.type !== "REG" || p.pending || p.modified || !(p.rwx & need))
        this.complain(`a ${what} of ${where(lin)} succeeded, but it is ${this.show(p)}`);
    };
    const sec = call.secinfo;
    const secType = (sec >> 8) & 0xff;
    // EACCEPT, EACCEPTCOPY and EMODPE #GP on an operand outside ELRANGE (SDM: EACCEPT, EACCEPTCOPY,
    // SDM: EMODPE): ending in EEXIT with status 0 (EMODPE has none) means they ran.
    const leaf = call.kind === "EACCEPT" || call.kind === "EACCEPTCOPY" || call.kind === "EMODPE";
    const ran = call.kind === "EMODPE" || ret === 0;
    if (leaf && ran) {
      const outside = (call.kind === "EACCEPTCOPY" ? [lin, base + call.src] : [lin]).filter(
        (a) => !inside(a),
      );
      for (const a of outside)
        this.complain(`${call.kind} with an operand at ${where(a)} completed; the SDM gives #GP(0)`);
      if (outside.length > 0) return;
    }
    switch (call.kind) {
      case "write":
      case "init_tcs":
        access(W, "write");
        return;
      case "read":
        access(R, "read");
        return;
      case "exec":
        access(X, "fetch");
        return;
      case "EACCEPT": {
        const p = inside(lin) ? page(lin) : undefined;
        if (ret === 0) {
          // SDM: EACCEPT (its operand, PENDING/MODIFIED and match checks).
          const legal =
            (secType === TYPE_VALUES.REG && (sec & (PR | PENDING)) !== 0 && !(sec & MODIFIED)) ||
            ((secType === TYPE_VALUES.TCS || secType === TYPE_VALUES.TRIM) &&
              !(sec & (PR | PENDING)) &&
              (sec & MODIFIED) !== 0);
          if (!p || !legal || !this.matches(p, sec))
            this.complain(`EACCEPT(${hex(sec)}) of ${where(lin)} succeeded, but it is ${this.show(p)}`);
          if (p) {
            p.pending = false;
            p.modified = false;
            p.pr = false;
          }
        } else if (ret === SGX_PAGE_ATTRIBUTES_MISMATCH && p && this.matches(p, sec)) {
          this.complain(`EACCEPT(${hex(sec)}) of ${where(lin)} gave 19, but it is ${stateKey(p)}`);
        }
        return;
      }
      case "EACCEPTCOPY": {
        const p = inside(lin) ? page(lin) : undefined;
        const fresh = (q: PageState | undefined) =>
          q !== undefined && q.type === "REG" && q.pending && !q.modified && q.rwx === (R | W);
        if (ret === 0) {
          // SDM: EACCEPTCOPY: destination exactly as EAUG left it; source a readable, accepted REG page.
          const srcLin = base + call.src;
          const s = inside(srcLin) ? page(srcLin) : undefined;
          if (!fresh(p) || secType !== TYPE_VALUES.REG || (sec & W && !(sec & R)))
            this.complain(`EACCEPTCOPY(${hex(sec)}) into ${where(lin)} succeeded, but it is ${this.show(p)}`);
          if (s?.type !== "REG" || s.pending || s.modified || !(s.rwx & R))
            this.complain(`EACCEPTCOPY from ${hex(srcLin)} succeeded, but the source is ${this.show(s)}`);
          if (p) {
            p.rwx = sec & (R | W | X);
            p.pending = false;
          }
        } else if (ret === SGX_PAGE_ATTRIBUTES_MISMATCH && fresh(p)) {
          this.complain(`EACCEPTCOPY into ${where(lin)} gave 19, but it is ${this.show(p)}`);
        }
        return;
      }
      case "EMODPE": {
        const p = inside(lin) ? page(lin) : undefined;
        // SDM: EMODPE (its operand and W-without-R checks).
        if (p?.type !== "REG" || p.pending || p.modified || (!(p.rwx & R) && !(sec & R) && sec & W))
          this.complain(`EMODPE(${hex(sec)}) on ${where(lin)} succeeded, but it is ${this.show(p)}`);
        if (p) p.rwx |= sec & (R | W | X);
        return;
      }
      default:
        return; // nop
    }
  }

  /** EACCEPT's match check (SDM: EACCEPT): type, RWX, PENDING, MODIFIED; PR is not compared. */
  private matches(p: PageState, sec: number): boolean {
    return (
      TYPE_VALUES[p.type] === ((sec >> 8) & 0xff) &&
      p.rwx === (sec & (R | W | X)) &&
      p.pending === ((sec & PENDING) !== 0) &&
      p.modified === ((sec & MODIFIED) !== 0)
    );
  }

  /**
   * A reported #PF with the SGX bit, raised by an access of enclave code inside its ELRANGE:
   * the EPCM must deny that access (SDM: access-control requirements). Only plain accesses are checked (a
   * leaf's own EPCM faults follow the leaf's rules).
   */
  private checkReportedFault(tcs: number, call: Call | undefined, _base: number, t: TraceStep): void {
    const run = t.run;
    if (run?.function !== "ERESUME" || run.exception_vector !== 14) return;
    const code = num(run.exception_error_code);
    if (!(code & PF_SGX)) return;
    if (call && !["read", "write", "exec", "init_tcs", "nop"].includes(call.kind)) return;
    // Only faults the trace says the EPCM access check raised (not ERESUME's own TCS/SSA checks).
    const lin = num(run.exception_addr);
    const ev = [...t.events]
      .reverse()
      .find((x) => x.kind === "fault" && x.vector === 14 && x.addr !== undefined && num(x.addr) === lin);
    if (ev?.raised_by !== "EPCM") return;
    const where = this.resolve(tcs);
    if (!where) return;
    const encl = where.e;
    if (lin < encl.base || lin >= encl.base + encl.size) return;
    const off = Math.floor((lin - encl.base) / PAGE) * PAGE;
    const p = encl.pages.get(off);
    const need = code & PF_W ? W : code & PF_I ? X : R;
    if (!p || (p.type === "REG" && !p.pending && !p.modified && p.rwx & need))
      this.complain(`#PF ${hex(code)} at ${this.at(encl, off)}, but the EPCM allows it: ${this.show(p)}`);
  }
}
