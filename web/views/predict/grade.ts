// Predict mode's marking: a learner's guess against what the engine reports for the step
// (StepOutcome, engine/session/outcome.ts). Pure; no EPCM rule is decided here.
import { E_R, E_W, E_X, type PageTypeName, permsText } from "../../../engine/vocabulary/index.ts";
import type { StepOutcome } from "../../engine/client.ts";

export type ResultKind = "ok" | "errno" | "fault" | "sgx";
export type TypeGuess = "none" | PageTypeName;

export interface Guess {
  result: ResultKind;
  errno: string;
  /** "#PF 0x8007", "#GP". */
  fault: string;
  sgxCode: string;
  page: {
    type: TypeGuess;
    r: boolean;
    w: boolean;
    x: boolean;
    pending: boolean;
    modified: boolean;
    pr: boolean;
  } | null;
}

export interface Mark {
  item: string;
  right: boolean;
  guessed: string;
  actual: string;
}

/** The errnos the driver returns in the engine (ioctl.c, encl.c, mm). */
export const ERRNOS = [
  "EINVAL",
  "EPERM",
  "EFAULT",
  "EACCES",
  "ENOMEM",
  "EBUSY",
  "EAGAIN",
  "EIO",
  "ENODEV",
  "ENOTTY",
  "EBADF",
];

/**
 * Exceptions an enclave call can report through the vDSO: #PF with the page-table error codes
 * (P, W, U, I/D bits) or with the SGX bit (0x8000) for EPCM faults, and #GP.
 */
export const FAULTS = [
  "#PF 0x4",
  "#PF 0x5",
  "#PF 0x6",
  "#PF 0x7",
  "#PF 0x14",
  "#PF 0x15",
  "#PF 0x8005",
  "#PF 0x8007",
  "#PF 0x8015",
  "#GP",
];

/** SGX error codes an ENCLU leaf run by the enclave returns (SDM: EACCEPT, EACCEPTCOPY, EMODPE). */
export const SGX_CODES = ["SGX_PAGE_ATTRIBUTES_MISMATCH", "SGX_NOT_TRACKED", "SGX_PAGE_NOT_MODIFIABLE"];

function resultText(kind: ResultKind, detail: string): string {
  switch (kind) {
    case "ok":
      return "success";
    case "errno":
      return `fails with ${detail}`;
    case "fault":
      return `exception ${detail}`;
    case "sgx":
      return `the enclave's SGX instruction returns ${detail}`;
  }
}

function guessedResult(g: Guess): string {
  return resultText(g.result, g.result === "errno" ? g.errno : g.result === "fault" ? g.fault : g.sgxCode);
}

function actualResult(o: StepOutcome): string {
  const r = o.result;
  switch (r.kind) {
    case "ok":
      return resultText("ok", "");
    case "errno":
      return resultText("errno", r.errno);
    case "fault":
      return resultText(
        "fault",
        r.vector === 13 ? "#GP" : r.vector === 14 ? `#PF ${r.errorCode}` : `vector ${r.vector}`,
      );
    case "sgx":
      return resultText("sgx", r.code);
  }
}

const yesNo = (b: boolean) => (b ? "set" : "clear");

export function grade(g: Guess, o: StepOutcome): Mark[] {
  const marks: Mark[] = [];
  const guessed = guessedResult(g);
  const actual = actualResult(o);
  marks.push({ item: "What user space gets back", right: guessed === actual, guessed, actual });
  if (g.page && o.page) {
    const after = o.page.after;
    const type = after?.valid ? (after.type ?? "none") : "none";
    const named = (t: string) => (t === "none" ? "no EPC page" : t);
    marks.push({
      item: "Page type after",
      right: g.page.type === type,
      guessed: named(g.page.type),
      actual: named(type),
    });
    if (after?.valid && type !== "none") {
      const perms = permsText((g.page.r ? E_R : 0) | (g.page.w ? E_W : 0) | (g.page.x ? E_X : 0));
      marks.push({
        item: "Permissions after",
        right: perms === after.perms,
        guessed: perms,
        actual: after.perms,
      });
      for (const [item, mine, real] of [
        ["PENDING", g.page.pending, after.pending],
        ["MODIFIED", g.page.modified, after.modified],
        ["PR", g.page.pr, after.pr],
      ] as const)
        marks.push({ item, right: mine === real, guessed: yesNo(mine), actual: yesNo(real) });
    }
  }
  return marks;
}
