// Validation of a user's scenario JSON into the normalized Scenario of types.ts.
// Contract: docs/scenario-format.md (version 1), Scenario: "A scenario that does not validate
// is rejected before any step runs, with a message that names the JSON path of the offending
// field". Names and constants follow the uapi header (arch/x86/include/uapi/asm/sgx.h), the
// SDM (SECINFO flags, page types, SECS attributes) and the syscalls (mmap, mprotect, PROT_*).
//
// parseScenario() is pure and deterministic, never throws and bounds its work (see LIMITS
// and LIMITS.md). Refusals that the real system makes at run time (an unaligned length, an
// unknown ioctl, a page type the kernel does not accept) are NOT validation errors: the runner
// reports them in the trace.

import { parseKernelChoice } from "./kernel-choice.ts";
import { DEFAULTS, LIMITS } from "./limits.ts";
import {
  ADD_PAGES_FLAGS,
  ATTRIBUTE_FLAGS,
  MMAP_FLAGS,
  PAGE_TYPES,
  PERMISSION_FLAGS,
  PROT_FLAGS,
  SECINFO_FLAGS,
} from "./names.ts";
import { describeValue, formatHex, parseModeledNumber, parseU64 } from "./numbers.ts";
import { parseRace } from "./race-parse.ts";
import { checkShape } from "./shape.ts";
import {
  type AddPagesArg,
  DEFAULT_CPUS,
  type EnclaveCall,
  type Expectation,
  type IoctlArg,
  type Machine,
  SCENARIO_FORMAT,
  type Scenario,
  type Step,
  type StepOp,
  type TcsImage,
  TRACE_FORMAT,
  TRACE_FORMAT_COMPACT,
} from "./types.ts";
import {
  boolean,
  Collector,
  checkFields,
  child,
  enclaveHash,
  enclaveName,
  flags,
  get,
  integerIn,
  isObject,
  maybe,
  need,
  num,
  type Obj,
  oneOf,
  opt,
  STOP,
  text,
  u64,
  uapiU64,
} from "./validate.ts";

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

// ---------------------------------------------------------------------------------------------
// Steps (docs/scenario-format.md, Driver calls and Enclave calls).

/** Every step op the validator accepts, in the contract's order (the editor offers them so). */
export const STEP_OPS = [
  "ioctl",
  "mmap",
  "mprotect",
  "munmap",
  "close",
  "reclaim",
  "EENTER",
  "ERESUME",
  "run",
  "EEXIT",
  "interrupt",
  "access",
  "race",
] as const;
type Op = (typeof STEP_OPS)[number];

const COMMON_FIELDS = ["op", "enclave", "note", "expect", "cpu"] as const;

const OP_FIELDS: Record<Op, readonly string[]> = {
  ioctl: ["cmd", "arg"],
  mmap: ["offset", "length", "prot", "flags"],
  mprotect: ["offset", "length", "prot"],
  munmap: ["offset", "length"],
  close: [],
  reclaim: ["pages"],
  EENTER: ["tcs", "call", "pages", "clobbered", "stay"],
  ERESUME: ["tcs", "stay"],
  run: ["call"],
  EEXIT: [],
  interrupt: [],
  access: ["offset", "kind", "value"],
  race: ["steps", "order"],
};

/** Every enclave call the validator accepts, in the contract's order. */
export const ENCLAVE_CALLS = [
  "write",
  "read",
  "exec",
  "nop",
  "EACCEPT",
  "EACCEPTCOPY",
  "EMODPE",
  "init_tcs",
] as const;
type CallName = (typeof ENCLAVE_CALLS)[number];

/** Fields of each enclave call, written at the step level next to `call`. */
const CALL_FIELDS: Record<CallName, readonly string[]> = {
  write: ["addr", "value"],
  read: ["addr"],
  exec: ["addr"],
  nop: [],
  EACCEPT: ["addr", "secinfo"],
  EACCEPTCOPY: ["addr", "src", "secinfo"],
  EMODPE: ["addr", "secinfo"],
  init_tcs: ["addr", "ssa", "entry"],
};

const ALL_CALL_FIELDS = [...new Set(Object.values(CALL_FIELDS).flat())];

function parseExpect(c: Collector, value: unknown, path: string): Expectation | undefined {
  if (!isObject(value)) {
    c.add(path, `expected an object (a partial trace step), got ${describeValue(value)}`);
    return undefined;
  }
  // expect.epcm maps offsets to partial EPCM entries (docs/scenario-format.md, Expectations).
  const epcm = get(value, "epcm");
  if (epcm !== undefined) {
    const epcmPath = child(path, "epcm");
    if (!isObject(epcm)) {
      c.add(epcmPath, `expected an object mapping offsets to EPCM entries, got ${describeValue(epcm)}`);
    } else {
      const seen = new Map<number, string>();
      for (const key of Object.keys(epcm)) {
        const entry = epcm[key];
        if (entry === undefined) continue;
        const at = child(epcmPath, key);
        const r = parseModeledNumber(key);
        if (!r.ok) {
          c.add(at, `expected an offset (a number or a hex string) as the key: ${r.message}`);
        } else if (seen.has(r.value)) {
          c.add(at, `offset ${formatHex(r.value)} is already given as ${JSON.stringify(seen.get(r.value))}`);
        } else {
          seen.set(r.value, key);
        }
        if (!isObject(entry))
          c.add(at, `expected an object (a partial EPCM entry), got ${describeValue(entry)}`);
      }
    }
  }
  return value;
}

function parseArgObject(c: Collector, step: Obj, path: string, required: boolean): Obj | undefined {
  const arg = get(step, "arg");
  const at = child(path, "arg");
  if (arg === undefined) {
    if (required) c.add(at, "required field is missing");
    return required ? undefined : {};
  }
  if (!isObject(arg)) {
    c.add(at, `expected an object, got ${describeValue(arg)}`);
    return undefined;
  }
  return arg;
}

function parseTcsImages(c: Collector, value: unknown, path: string): TcsImage[] | undefined {
  if (!Array.isArray(value)) {
    c.add(path, `expected an array of {ossa, nssa, oentry}, got ${describeValue(value)}`);
    return undefined;
  }
  const images: TcsImage[] = [];
  for (let i = 0; i < value.length; i++) {
    const at = child(path, i);
    const item: unknown = value[i];
    if (!isObject(item)) {
      c.add(at, `expected an object {ossa, nssa, oentry}, got ${describeValue(item)}`);
      continue;
    }
    const known = ["ossa", "nssa", "oentry"];
    checkFields(c, item, at, known);
    images.push({
      ossa: opt(c, item, at, "ossa", num, 0),
      nssa: opt(c, item, at, "nssa", num, 0),
      oentry: opt(c, item, at, "oentry", num, 0),
    });
  }
  return images;
}

/** ADD_PAGES `data`: 8-byte words keyed by byte offset within the added range. */
function parseData(
  c: Collector,
  value: unknown,
  path: string,
  length: number | undefined,
): Array<[number, bigint]> | undefined {
  if (!isObject(value)) {
    c.add(path, `expected an object mapping offsets to 8-byte words, got ${describeValue(value)}`);
    return undefined;
  }
  const words: Array<[number, bigint]> = [];
  const seen = new Map<number, string>();
  for (const key of Object.keys(value)) {
    const word = value[key];
    if (word === undefined) continue;
    const at = child(path, key);
    const off = parseModeledNumber(key);
    if (!off.ok) {
      c.add(at, `expected an offset (a number or a hex string) as the key: ${off.message}`);
      continue;
    }
    if (off.value % 8 !== 0) {
      c.add(at, `offset ${formatHex(off.value)} is not a multiple of 8 (data words are 8 bytes)`);
      continue;
    }
    // Offsets are within the added range (docs/scenario-format.md, Driver calls); a zero length is the kernel's to refuse.
    if (length !== undefined && length > 0 && off.value + 8 > length) {
      c.add(at, `offset ${formatHex(off.value)} is outside the added range (length ${formatHex(length)})`);
      continue;
    }
    if (seen.has(off.value)) {
      c.add(at, `offset ${formatHex(off.value)} is already given as ${JSON.stringify(seen.get(off.value))}`);
      continue;
    }
    seen.set(off.value, key);
    const w = parseU64(word);
    if (!w.ok) {
      c.add(at, w.message);
      continue;
    }
    words.push([off.value, w.value]);
  }
  words.sort((a, b) => a[0] - b[0]);
  return words;
}

/** `ioctl(fd, cmd, &arg)`: arg fields use the uapi struct field names (asm/sgx.h). */
function parseIoctl(c: Collector, step: Obj, path: string): StepOp | undefined {
  const cmd = need(c, step, path, "cmd", text(LIMITS.maxCmdChars), "");
  const argPath = child(path, "arg");
  let arg: IoctlArg | undefined;
  switch (cmd) {
    case "SGX_IOC_ENCLAVE_CREATE": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["size", "ssa_frame_size", "attributes", "xfrm", "base", "miscselect"]);
      const base = maybe(c, a, argPath, "base", num);
      arg = {
        cmd,
        size: need(c, a, argPath, "size", num, 0),
        ssa_frame_size: opt(c, a, argPath, "ssa_frame_size", num, DEFAULTS.ssaFrameSize),
        attributes: opt(c, a, argPath, "attributes", flags(ATTRIBUTE_FLAGS), DEFAULTS.attributes),
        xfrm: opt(c, a, argPath, "xfrm", num, DEFAULTS.xfrm),
        miscselect: opt(c, a, argPath, "miscselect", num, 0),
        ...(base === undefined ? {} : { base }),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_ADD_PAGES": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "secinfo", "flags", "src", "tcs", "data"]);
      const offset = need(c, a, argPath, "offset", uapiU64, 0);
      const length = maybe(c, a, argPath, "length", uapiU64);
      if (get(a, "length") === undefined) c.add(child(argPath, "length"), "required field is missing");
      const added: AddPagesArg = {
        offset,
        length: length ?? 0,
        secinfo: need(c, a, argPath, "secinfo", flags(SECINFO_FLAGS), 0),
        flags: opt(c, a, argPath, "flags", flags(ADD_PAGES_FLAGS), 0),
        src: opt(c, a, argPath, "src", num, 0),
      };
      const tcs = get(a, "tcs");
      if (tcs !== undefined) added.tcs = parseTcsImages(c, tcs, child(argPath, "tcs"));
      const data = get(a, "data");
      if (data !== undefined)
        added.data = parseData(
          c,
          data,
          child(argPath, "data"),
          typeof length === "number" ? length : undefined,
        );
      arg = { cmd, ...added };
      break;
    }
    case "SGX_IOC_ENCLAVE_INIT": {
      const a = parseArgObject(c, step, path, false);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["sigstruct"]);
      const raw = get(a, "sigstruct");
      const sigPath = child(argPath, "sigstruct");
      let s: Obj = {};
      if (raw !== undefined) {
        if (isObject(raw)) s = raw;
        else c.add(sigPath, `expected an object, got ${describeValue(raw)}`);
      }
      checkFields(c, s, sigPath, [
        "vendor",
        "attributes",
        "attributes_mask",
        "xfrm",
        "xfrm_mask",
        "miscselect",
        "misc_mask",
        "enclavehash",
      ]);
      const attributes = maybe(c, s, sigPath, "attributes", flags(ATTRIBUTE_FLAGS));
      const xfrm = maybe(c, s, sigPath, "xfrm", num);
      arg = {
        cmd,
        vendor: opt(c, s, sigPath, "vendor", num, 0),
        ...(attributes === undefined ? {} : { attributes }),
        attributes_mask: opt(c, s, sigPath, "attributes_mask", flags(ATTRIBUTE_FLAGS), 0),
        ...(xfrm === undefined ? {} : { xfrm }),
        xfrm_mask: opt(c, s, sigPath, "xfrm_mask", num, 0),
        miscselect: opt(c, s, sigPath, "miscselect", num, 0),
        misc_mask: opt(c, s, sigPath, "misc_mask", num, 0),
        enclavehash: opt(c, s, sigPath, "enclavehash", enclaveHash, "match"),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_PROVISION": {
      const a = parseArgObject(c, step, path, false);
      if (!a) return undefined;
      checkFields(c, a, argPath, []);
      arg = { cmd };
      break;
    }
    case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "permissions", "result", "count"]);
      arg = {
        cmd,
        offset: need(c, a, argPath, "offset", uapiU64, 0),
        length: need(c, a, argPath, "length", uapiU64, 0),
        permissions: need(c, a, argPath, "permissions", flags(PERMISSION_FLAGS), 0),
        result: opt(c, a, argPath, "result", num, 0),
        count: opt(c, a, argPath, "count", num, 0),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_MODIFY_TYPES": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "page_type", "result", "count"]);
      arg = {
        cmd,
        offset: need(c, a, argPath, "offset", uapiU64, 0),
        length: need(c, a, argPath, "length", uapiU64, 0),
        page_type: need(c, a, argPath, "page_type", flags(PAGE_TYPES), 0),
        result: opt(c, a, argPath, "result", num, 0),
        count: opt(c, a, argPath, "count", num, 0),
      };
      break;
    }
    case "SGX_IOC_ENCLAVE_REMOVE_PAGES": {
      const a = parseArgObject(c, step, path, true);
      if (!a) return undefined;
      checkFields(c, a, argPath, ["offset", "length", "count"]);
      arg = {
        cmd,
        offset: need(c, a, argPath, "offset", uapiU64, 0),
        length: need(c, a, argPath, "length", uapiU64, 0),
        count: opt(c, a, argPath, "count", num, 0),
      };
      break;
    }
    default: {
      // Any other command reaches the kernel, which answers ENOTTY (docs/scenario-format.md, Driver calls); its arg is ignored.
      if (parseArgObject(c, step, path, false) === undefined) return undefined;
      arg = { cmd: "unknown", name: cmd };
      break;
    }
  }
  return { op: "ioctl", cmd, arg };
}

function parseCall(c: Collector, step: Obj, path: string, call: CallName): EnclaveCall {
  switch (call) {
    case "write":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        value: need(c, step, path, "value", u64, 0n),
      };
    case "read":
    case "exec":
      return { call, addr: need(c, step, path, "addr", num, 0) };
    case "nop":
      return { call };
    case "EACCEPT":
    case "EMODPE":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        secinfo: need(c, step, path, "secinfo", flags(SECINFO_FLAGS), 0),
      };
    case "EACCEPTCOPY":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        src: need(c, step, path, "src", num, 0),
        secinfo: need(c, step, path, "secinfo", flags(SECINFO_FLAGS), 0),
      };
    case "init_tcs":
      return {
        call,
        addr: need(c, step, path, "addr", num, 0),
        ssa: need(c, step, path, "ssa", num, 0),
        entry: need(c, step, path, "entry", num, 0),
      };
  }
}

/** `call` and its fields at the step level (EENTER, run); unknown fields are errors. */
function parseCallStep(
  c: Collector,
  raw: Obj,
  path: string,
  opFields: readonly string[],
): EnclaveCall | undefined {
  const callValue = get(raw, "call");
  let call: CallName | undefined;
  if (callValue === undefined) {
    c.add(child(path, "call"), `required field is missing (one of ${ENCLAVE_CALLS.join(", ")})`);
  } else {
    const r = oneOf(callValue, ENCLAVE_CALLS, "call");
    if (r.ok) call = r.value;
    else c.add(child(path, "call"), r.message);
  }
  const own = call === undefined ? ALL_CALL_FIELDS : CALL_FIELDS[call];
  const known = [...COMMON_FIELDS, ...opFields, ...own];
  checkFields(c, raw, path, known, (key) => {
    if (call === undefined || !ALL_CALL_FIELDS.includes(key)) return undefined;
    const its = own.length === 0 ? "it takes no fields" : `its fields: ${own.join(", ")}`;
    return `not a field of call "${call}" (${its})`;
  });
  return call === undefined ? undefined : parseCall(c, raw, path, call);
}

function parseStep(c: Collector, raw: unknown, path: string): Step | undefined {
  if (!isObject(raw)) {
    c.add(path, `expected an object with an "op", got ${describeValue(raw)}`);
    return undefined;
  }
  const opValue = get(raw, "op");
  let op: Op | undefined;
  if (opValue === undefined) {
    c.add(child(path, "op"), `required field is missing (one of ${STEP_OPS.join(", ")})`);
  } else {
    const r = oneOf(opValue, STEP_OPS, "op");
    if (r.ok) op = r.value;
    else c.add(child(path, "op"), r.message);
  }

  const enclave = opt(c, raw, path, "enclave", enclaveName, DEFAULTS.enclave);
  const note = maybe(c, raw, path, "note", text(LIMITS.maxNoteChars));
  const expectValue = get(raw, "expect");
  const expect = expectValue === undefined ? undefined : parseExpect(c, expectValue, child(path, "expect"));
  if (op === undefined) return undefined;

  let stepOp: StepOp | undefined;
  switch (op) {
    case "ioctl":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.ioctl]);
      stepOp = parseIoctl(c, raw, path);
      break;
    case "mmap":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.mmap]);
      stepOp = {
        op,
        offset: need(c, raw, path, "offset", num, 0),
        length: need(c, raw, path, "length", num, 0),
        prot: need(c, raw, path, "prot", flags(PROT_FLAGS), 0),
        flags: opt(c, raw, path, "flags", flags(MMAP_FLAGS), DEFAULTS.mmapFlags),
      };
      break;
    case "mprotect":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.mprotect]);
      stepOp = {
        op,
        offset: need(c, raw, path, "offset", num, 0),
        length: need(c, raw, path, "length", num, 0),
        prot: need(c, raw, path, "prot", flags(PROT_FLAGS), 0),
      };
      break;
    case "munmap":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.munmap]);
      stepOp = {
        op,
        offset: need(c, raw, path, "offset", num, 0),
        length: need(c, raw, path, "length", num, 0),
      };
      break;
    case "close":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.close]);
      stepOp = { op };
      break;
    case "reclaim":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.reclaim]);
      stepOp = { op, pages: need(c, raw, path, "pages", num, 0) };
      break;
    case "EENTER": {
      const call = parseCallStep(c, raw, path, OP_FIELDS.EENTER);
      const tcs = opt(c, raw, path, "tcs", num, 0);
      const pages = maybe(c, raw, path, "pages", integerIn(1, LIMITS.maxRepeatPages));
      const stay = maybe(c, raw, path, "stay", boolean);
      if (stay && pages !== undefined && pages > 1)
        c.add(
          child(path, "stay"),
          "a thread that stays inside runs one call: stay cannot be combined with pages",
        );
      // main.c's ENCL_CALL(op, run, clobbered): the call path; kept only when given.
      const clobbered = maybe(c, raw, path, "clobbered", boolean);
      if (call === undefined) return undefined;
      stepOp = {
        op,
        tcs,
        call,
        ...(pages === undefined ? {} : { pages }),
        ...(clobbered === undefined ? {} : { clobbered }),
        ...(stay === undefined ? {} : { stay }),
      };
      break;
    }
    case "run": {
      const call = parseCallStep(c, raw, path, OP_FIELDS.run);
      if (call === undefined) return undefined;
      stepOp = { op, call };
      break;
    }
    case "EEXIT":
    case "interrupt":
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS[op]]);
      stepOp = { op };
      break;
    case "access": {
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.access]);
      const offset = need(c, raw, path, "offset", num, 0);
      const kind = need(
        c,
        raw,
        path,
        "kind",
        (v) => oneOf(v, ["read", "write"] as const, "access kind"),
        "read",
      );
      const value = maybe(c, raw, path, "value", u64);
      if (kind === "write" && value === undefined && get(raw, "value") === undefined)
        c.add(child(path, "value"), "required field is missing (the 8-byte value a write stores)");
      if (kind === "read" && get(raw, "value") !== undefined)
        c.add(child(path, "value"), 'a read stores nothing: value is for kind "write"');
      stepOp = { op, offset, kind, ...(kind === "write" && value !== undefined ? { value } : {}) };
      break;
    }
    case "race":
      // docs/scenario-format.md, Races: explicit interleavings (race-parse.ts).
      checkFields(c, raw, path, ["op", "note", "expect", ...OP_FIELDS.race]);
      stepOp = parseRace(c, raw, path, parseStep);
      break;
    case "ERESUME": {
      checkFields(c, raw, path, [...COMMON_FIELDS, ...OP_FIELDS.ERESUME]);
      const stay = maybe(c, raw, path, "stay", boolean);
      stepOp = { op, tcs: opt(c, raw, path, "tcs", num, 0), ...(stay === undefined ? {} : { stay }) };
      break;
    }
  }
  const cpu = maybe(c, raw, path, "cpu", integerIn(0, LIMITS.maxCpus - 1));
  if (stepOp === undefined) return undefined;
  return {
    ...stepOp,
    enclave,
    ...(cpu === undefined ? {} : { cpu }),
    ...(note === undefined ? {} : { note }),
    ...(expect === undefined ? {} : { expect }),
    source: { ...raw },
  };
}

// ---------------------------------------------------------------------------------------------
// The scenario.

function parseMachine(c: Collector, value: unknown): Machine {
  const machine: Machine = { epcPages: DEFAULTS.epcPages, sgx2: DEFAULTS.sgx2 };
  if (value === undefined) return machine;
  if (!isObject(value)) {
    c.add("machine", `expected an object {epcPages, sgx2}, got ${describeValue(value)}`);
    return machine;
  }
  checkFields(c, value, "machine", ["epcPages", "sgx2", "cpus", "kernel", "mutate"]);
  const cpus = maybe(c, value, "machine", "cpus", integerIn(1, LIMITS.maxCpus));
  if (cpus !== undefined) machine.cpus = cpus;
  machine.epcPages = opt(
    c,
    value,
    "machine",
    "epcPages",
    integerIn(1, LIMITS.maxEpcPages),
    DEFAULTS.epcPages,
  );
  machine.sgx2 = opt(c, value, "machine", "sgx2", boolean, DEFAULTS.sgx2);
  parseKernelChoice(c, value, machine);
  return machine;
}

/** "Readers accept exactly "format": "epcm-scenario/1" and reject any other value" (docs/scenario-format.md, Scenario). */
function checkFormat(c: Collector, value: unknown): boolean {
  if (value === SCENARIO_FORMAT) return true;
  if (value === undefined) {
    c.add("format", `required field is missing (expected "${SCENARIO_FORMAT}")`);
    return false;
  }
  let hint = "";
  if (value === TRACE_FORMAT || value === TRACE_FORMAT_COMPACT) hint = " (this is a trace, not a scenario)";
  else if (typeof value === "string") {
    const m = /^epcm-scenario\/([0-9]+)$/.exec(value);
    if (m && Number(m[1]) > 1) hint = " (written by a newer version?)";
  }
  c.add("format", `expected "${SCENARIO_FORMAT}", got ${describeValue(value)}${hint}`);
  return false;
}

function validate(c: Collector, input: unknown): Scenario | undefined {
  let root = input;
  if (typeof input === "string") {
    if (input.length > LIMITS.maxInputChars) {
      c.add(
        "",
        `the input is ${input.length} characters long, more than the limit of ${LIMITS.maxInputChars}`,
      );
      return undefined;
    }
    try {
      root = JSON.parse(input);
    } catch (e) {
      const reason = e instanceof RangeError ? `nested too deeply (${e.message})` : errorText(e);
      c.add("", `not valid JSON: ${reason}`);
      return undefined;
    }
  }
  if (!isObject(root)) {
    c.add("", `expected an object with "format": "${SCENARIO_FORMAT}", got ${describeValue(root)}`);
    return undefined;
  }
  // A different format may mean anything else below it: report only that.
  if (!checkFormat(c, get(root, "format"))) return undefined;

  // Reject an oversized step list before looking at a single step.
  const stepsValue = get(root, "steps");
  if (Array.isArray(stepsValue) && stepsValue.length > LIMITS.maxSteps) {
    c.add("steps", `${stepsValue.length} steps is more than the limit of ${LIMITS.maxSteps}`);
    return undefined;
  }
  if (!checkShape(c, root)) return undefined;

  // "$schema" names a JSON Schema for editors (scenario.schema.json); the engine ignores it.
  checkFields(c, root, "", ["format", "title", "description", "machine", "steps", "$schema"]);
  maybe(c, root, "", "$schema", text(LIMITS.maxInputChars));
  const title = opt(c, root, "", "title", text(LIMITS.maxTitleChars), DEFAULTS.title);
  const description = maybe(c, root, "", "description", text(LIMITS.maxDescriptionChars));
  const machine = parseMachine(c, get(root, "machine"));

  const steps: Step[] = [];
  if (stepsValue === undefined) {
    c.add("steps", "required field is missing (an array of steps)");
  } else if (!Array.isArray(stepsValue)) {
    c.add("steps", `expected an array of steps, got ${describeValue(stepsValue)}`);
  } else {
    for (let i = 0; i < stepsValue.length; i++) {
      const step = parseStep(c, stepsValue[i], child("steps", i));
      if (step) steps.push(step);
    }
  }
  // A step's cpu must name one of the machine's processors.
  if (c.errors.length === 0) {
    const cpus = machine.cpus ?? DEFAULT_CPUS;
    const all = steps.flatMap((st, i) =>
      st.op === "race"
        ? st.steps.map((p, j) => [p, child(child(child("steps", i), "steps"), j)] as const)
        : [[st, child("steps", i)] as const],
    );
    all.forEach(([st, at]) => {
      if (st.cpu !== undefined && st.cpu >= cpus)
        c.add(
          child(at, "cpu"),
          `CPU ${st.cpu} does not exist: the machine has ${cpus} (machine.cpus${machine.cpus === undefined ? `, default ${DEFAULT_CPUS}` : ""}), numbered from 0`,
        );
    });
  }
  if (c.errors.length > 0) return undefined;
  return {
    format: SCENARIO_FORMAT,
    title,
    ...(description === undefined ? {} : { description }),
    machine,
    steps,
  };
}

function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.length > 300 ? `${message.slice(0, 300)}...` : message;
}

/**
 * Validates a scenario (JSON text or an already-parsed value) against contract version 1 and
 * returns the normalized Scenario, or every error (at most LIMITS.maxErrors, then
 * "... and more"), each naming its JSON path. Never throws.
 */
export function parseScenario(input: unknown): ParseResult {
  const c = new Collector();
  try {
    const scenario = validate(c, input);
    if (scenario && c.errors.length === 0) return { ok: true, scenario };
    return { ok: false, errors: c.errors };
  } catch (e) {
    if (e === STOP) return { ok: false, errors: c.errors };
    // A hostile already-parsed value (a throwing getter or proxy) must not escape as an exception.
    let reason: string;
    try {
      reason = errorText(e);
    } catch {
      reason = "unreadable value";
    }
    return { ok: false, errors: [...c.errors, `scenario: could not be read: ${reason}`] };
  }
}
