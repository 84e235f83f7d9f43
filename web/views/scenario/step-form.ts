import { PAGE_TYPE_NAMES, type PageTypeName } from "../../../engine/vocabulary/index.ts";
// The "Add a step" form's model: its fields (named as in the real interface: the uapi ioctls and
// their struct fields, mmap/mprotect and PROT_*, the enclave calls and SECINFO flags) and the
// scenario step they make. The engine validates the result; this only assembles it.

export const OPS = ["ioctl", "mmap", "mprotect", "munmap", "EENTER", "ERESUME", "reclaim", "close"] as const;
export type OpKind = (typeof OPS)[number];

export const IOCTL_CMDS = [
  "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
  "SGX_IOC_ENCLAVE_MODIFY_TYPES",
  "SGX_IOC_ENCLAVE_REMOVE_PAGES",
  "SGX_IOC_ENCLAVE_ADD_PAGES",
  "SGX_IOC_ENCLAVE_CREATE",
  "SGX_IOC_ENCLAVE_INIT",
  "SGX_IOC_ENCLAVE_PROVISION",
] as const;
export type IoctlCmd = (typeof IOCTL_CMDS)[number];

export const CALLS = [
  "write",
  "read",
  "exec",
  "nop",
  "EACCEPT",
  "EACCEPTCOPY",
  "EMODPE",
  "init_tcs",
] as const;
export type CallName = (typeof CALLS)[number];

/** The page types by name, in SDM order (the shared vocabulary's list). */
export const PAGE_TYPES = PAGE_TYPE_NAMES;
export type PageType = PageTypeName;

export const SECINFO_BITS = ["R", "W", "X", "PENDING", "MODIFIED", "PR"] as const;
export type SecinfoBit = (typeof SECINFO_BITS)[number];
export const PERM_BITS = ["R", "W", "X"] as const;
export type PermBit = (typeof PERM_BITS)[number];
export const PROT_BITS = ["PROT_READ", "PROT_WRITE", "PROT_EXEC"] as const;
export type ProtBit = (typeof PROT_BITS)[number];
export const ATTRIBUTE_BITS = ["DEBUG", "MODE64BIT", "PROVISIONKEY", "KSS"] as const;
export type AttributeBit = (typeof ATTRIBUTE_BITS)[number];

export interface StepFields {
  op: OpKind;
  enclave: string;
  note: string;
  cmd: IoctlCmd;
  offset: string;
  length: string;
  /** ENCLAVE_CREATE */
  size: string;
  ssa_frame_size: string;
  attributes: Record<AttributeBit, boolean>;
  xfrm: string;
  /** ENCLAVE_ADD_PAGES and the ENCLU calls */
  secinfo: Record<SecinfoBit, boolean>;
  secinfoType: PageType;
  measure: boolean;
  /** ENCLAVE_RESTRICT_PERMISSIONS */
  permissions: Record<PermBit, boolean>;
  /** ENCLAVE_MODIFY_TYPES */
  page_type: PageType;
  /** mmap / mprotect */
  prot: Record<ProtBit, boolean>;
  /** EENTER / ERESUME */
  tcs: string;
  call: CallName;
  addr: string;
  value: string;
  src: string;
  ssa: string;
  entry: string;
  /** EENTER: repeat on this many consecutive pages (empty: once). */
  repeat: string;
  /** reclaim */
  pages: string;
}

export const DEFAULT_FIELDS: StepFields = {
  op: "EENTER",
  enclave: "e0",
  note: "",
  cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
  offset: "0x0",
  length: "0x1000",
  size: "0x10000",
  ssa_frame_size: "1",
  attributes: { DEBUG: false, MODE64BIT: true, PROVISIONKEY: false, KSS: false },
  xfrm: "3",
  secinfo: { R: true, W: true, X: false, PENDING: false, MODIFIED: false, PR: false },
  secinfoType: "REG",
  measure: true,
  permissions: { R: true, W: false, X: false },
  page_type: "TRIM",
  prot: { PROT_READ: true, PROT_WRITE: true, PROT_EXEC: false },
  tcs: "0x0",
  call: "write",
  addr: "0x0",
  value: "0x0",
  src: "0x0",
  ssa: "0x0",
  entry: "0x0",
  repeat: "",
  pages: "1",
};

/** The fields each op (and ioctl command, and call) uses, in the order the form shows them. */
export function fieldsFor(f: Pick<StepFields, "op" | "cmd" | "call">): string[] {
  switch (f.op) {
    case "ioctl":
      switch (f.cmd) {
        case "SGX_IOC_ENCLAVE_CREATE":
          return ["size", "ssa_frame_size", "attributes", "xfrm"];
        case "SGX_IOC_ENCLAVE_ADD_PAGES":
          return ["offset", "length", "secinfo", "measure"];
        case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS":
          return ["offset", "length", "permissions"];
        case "SGX_IOC_ENCLAVE_MODIFY_TYPES":
          return ["offset", "length", "page_type"];
        case "SGX_IOC_ENCLAVE_REMOVE_PAGES":
          return ["offset", "length"];
        default:
          return [];
      }
    case "mmap":
    case "mprotect":
      return ["offset", "length", "prot"];
    case "munmap":
      return ["offset", "length"];
    case "EENTER":
      switch (f.call) {
        case "write":
          return ["tcs", "call", "addr", "value", "repeat"];
        case "read":
        case "exec":
          return ["tcs", "call", "addr", "repeat"];
        case "nop":
          return ["tcs", "call", "repeat"];
        case "EACCEPT":
        case "EMODPE":
          return ["tcs", "call", "addr", "secinfo", "repeat"];
        case "EACCEPTCOPY":
          return ["tcs", "call", "addr", "src", "secinfo", "repeat"];
        case "init_tcs":
          return ["tcs", "call", "addr", "ssa", "entry", "repeat"];
      }
      return ["tcs", "call"];
    case "ERESUME":
      return ["tcs"];
    case "reclaim":
      return ["pages"];
    case "close":
      return [];
  }
}

/** A number field as the scenario writes it: a plain decimal becomes a number, anything else stays text. */
function numberField(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (/^[0-9]{1,15}$/.test(t)) return Number(t);
  return t;
}

function flagWord<K extends string>(
  bits: Record<K, boolean>,
  order: readonly K[],
  extra: string[] = [],
): string[] {
  return [...order.filter((b) => bits[b]), ...extra];
}

/** SECINFO.FLAGS by name in the contract's order: "R|W|REG|PENDING". */
export function secinfoWord(f: Pick<StepFields, "secinfo" | "secinfoType">): string {
  const rwx = flagWord(f.secinfo, ["R", "W", "X"]);
  const rest = flagWord(f.secinfo, ["PENDING", "MODIFIED", "PR"]);
  return [...rwx, f.secinfoType, ...rest].join("|");
}

/** mmap/mprotect prot: "PROT_READ|PROT_WRITE", or "PROT_NONE". */
export function protWord(prot: Record<ProtBit, boolean>): string {
  const names = flagWord(prot, PROT_BITS);
  return names.length === 0 ? "PROT_NONE" : names.join("|");
}

/** The scenario step the form describes (validated afterwards by the engine). */
export function buildStep(f: StepFields): Record<string, unknown> {
  const step: Record<string, unknown> = { op: f.op };
  const put = (key: string, value: unknown, into: Record<string, unknown> = step) => {
    if (value !== undefined) into[key] = value;
  };
  switch (f.op) {
    case "ioctl": {
      step.cmd = f.cmd;
      const arg: Record<string, unknown> = {};
      switch (f.cmd) {
        case "SGX_IOC_ENCLAVE_CREATE": {
          put("size", numberField(f.size), arg);
          put("ssa_frame_size", numberField(f.ssa_frame_size), arg);
          const attributes = flagWord(f.attributes, ATTRIBUTE_BITS);
          arg.attributes = attributes.length === 0 ? 0 : attributes.join("|");
          put("xfrm", numberField(f.xfrm), arg);
          break;
        }
        case "SGX_IOC_ENCLAVE_ADD_PAGES":
          put("offset", numberField(f.offset), arg);
          put("length", numberField(f.length), arg);
          arg.secinfo = secinfoWord(f);
          arg.flags = f.measure ? "SGX_PAGE_MEASURE" : 0;
          break;
        case "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS": {
          put("offset", numberField(f.offset), arg);
          put("length", numberField(f.length), arg);
          const perms = flagWord(f.permissions, PERM_BITS);
          arg.permissions = perms.length === 0 ? 0 : perms.join("|");
          break;
        }
        case "SGX_IOC_ENCLAVE_MODIFY_TYPES":
          put("offset", numberField(f.offset), arg);
          put("length", numberField(f.length), arg);
          arg.page_type = f.page_type;
          break;
        case "SGX_IOC_ENCLAVE_REMOVE_PAGES":
          put("offset", numberField(f.offset), arg);
          put("length", numberField(f.length), arg);
          break;
        case "SGX_IOC_ENCLAVE_INIT":
        case "SGX_IOC_ENCLAVE_PROVISION":
          break;
      }
      step.arg = arg;
      break;
    }
    case "mmap":
    case "mprotect":
      put("offset", numberField(f.offset));
      put("length", numberField(f.length));
      step.prot = protWord(f.prot);
      break;
    case "munmap":
      put("offset", numberField(f.offset));
      put("length", numberField(f.length));
      break;
    case "EENTER":
      put("tcs", numberField(f.tcs));
      step.call = f.call;
      if (f.call !== "nop") put("addr", numberField(f.addr));
      if (f.call === "write") put("value", f.value.trim() === "" ? undefined : f.value.trim());
      if (f.call === "EACCEPTCOPY") put("src", numberField(f.src));
      if (f.call === "EACCEPT" || f.call === "EACCEPTCOPY" || f.call === "EMODPE")
        step.secinfo = secinfoWord(f);
      if (f.call === "init_tcs") {
        put("ssa", numberField(f.ssa));
        put("entry", numberField(f.entry));
      }
      put("pages", numberField(f.repeat));
      break;
    case "ERESUME":
      put("tcs", numberField(f.tcs));
      break;
    case "reclaim":
      put("pages", numberField(f.pages));
      break;
    case "close":
      break;
  }
  const enclave = f.enclave.trim();
  if (enclave !== "" && enclave !== "e0") step.enclave = enclave;
  const note = f.note.trim();
  if (note !== "") step.note = note;
  return step;
}

/**
 * Appends `step` to the scenario JSON `text`. Returns the new scenario (not yet validated) and
 * the new step's index, or why the text cannot take a step.
 */
export function appendToScenario(
  text: string,
  step: Record<string, unknown>,
): { ok: true; scenario: Record<string, unknown>; index: number } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      message: `The scenario JSON above does not parse (${(e as Error).message}); fix it before adding a step.`,
    };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'The scenario JSON above is not an object with a "steps" list.' };
  }
  const scenario = parsed as Record<string, unknown>;
  const steps = scenario.steps === undefined ? [] : scenario.steps;
  if (!Array.isArray(steps)) {
    return { ok: false, message: 'The scenario\'s "steps" is not a list, so a step cannot be added to it.' };
  }
  return { ok: true, scenario: { ...scenario, steps: [...steps, step] }, index: steps.length };
}

/**
 * The engine's messages about step `index`, with the `steps[i].` prefix taken off so that they
 * name the form's fields ("addr: expected a number or a hex string, got \"zz\"").
 */
export function messagesForStep(errors: string[], index: number): string[] {
  const prefix = `steps[${index}]`;
  return errors
    .filter((m) => m.startsWith(`${prefix}.`) || m.startsWith(`${prefix}:`))
    .map((m) => (m.startsWith(`${prefix}.`) ? m.slice(prefix.length + 1) : m.slice(prefix.length + 2)));
}

/** A blank scenario to start from when the editor is empty. */
export const EMPTY_SCENARIO = {
  format: "epcm-scenario/1",
  title: "my scenario",
  machine: { epcPages: 128, sgx2: true },
  steps: [],
};
