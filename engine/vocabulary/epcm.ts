// The EPCM vocabulary shared by the engine, the worker and the web: flag bits, page types and
// their names, SECINFO flag bits, and the "RWX" letters. Dependency-free on purpose (it imports
// nothing), so every layer can use it. Sources: SDM Vol. 3D "Enclave Page Cache Map (EPCM)",
// "Page types", "Layout of SECINFO.FLAGS"; asm/sgx.h enum sgx_page_type, SGX_SECINFO_*.

// ---------------------------------------------------------------------------------------------
// EPCM flag byte (the engine's `Epc.flags` and the view's `EpcColumns.flags`). R/W/X/PENDING/
// MODIFIED/PR sit at their SECINFO.FLAGS positions, so permission masks apply directly.

export const E_R = 0x1;
export const E_W = 0x2;
export const E_X = 0x4;
export const E_PENDING = 0x8;
export const E_MODIFIED = 0x10;
export const E_PR = 0x20;
export const E_BLOCKED = 0x40;
export const E_VALID = 0x80;
export const E_RWX = E_R | E_W | E_X;

/** The state flags besides VALID and R/W/X, in the order the trace, log and views list them. */
export const EPCM_FLAG_NAMES: ReadonlyArray<
  readonly [name: "PENDING" | "MODIFIED" | "PR" | "BLOCKED", bit: number]
> = [
  ["PENDING", E_PENDING],
  ["MODIFIED", E_MODIFIED],
  ["PR", E_PR],
  ["BLOCKED", E_BLOCKED],
];

/** The set flags among PENDING MODIFIED PR BLOCKED of an EPCM flag byte, in that order. */
export function epcmFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of EPCM_FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Page types: EPCM.PT and SECINFO.FLAGS.PAGE_TYPE values (SDM "Page types"; enum sgx_page_type).

export const PT_SECS = 0;
export const PT_TCS = 1;
export const PT_REG = 2;
export const PT_VA = 3;
export const PT_TRIM = 4;

export type PageTypeName = "SECS" | "TCS" | "REG" | "VA" | "TRIM";

/** Names indexed by page type value (SECS 0, TCS 1, REG 2, VA 3, TRIM 4). */
export const PAGE_TYPE_NAMES: readonly PageTypeName[] = ["SECS", "TCS", "REG", "VA", "TRIM"];

/** A page type value's name; undefined for a value the SDM does not define. */
export function pageTypeName(pt: number): PageTypeName | undefined {
  return Number.isInteger(pt) && pt >= 0 && pt < PAGE_TYPE_NAMES.length ? PAGE_TYPE_NAMES[pt] : undefined;
}

/** A page type value's name, or "type N" for a value the SDM does not define (for display). */
export function pageTypeLabel(pt: number): string {
  return pageTypeName(pt) ?? `type ${pt}`;
}

/** A page type name's value; -1 for a name that is not a page type. */
export function pageTypeValue(name: string): number {
  return (PAGE_TYPE_NAMES as readonly string[]).indexOf(name);
}

// ---------------------------------------------------------------------------------------------
// SECINFO.FLAGS (SDM "Layout of SECINFO.FLAGS"; asm/sgx.h SGX_SECINFO_R/W/X; the selftests'
// PENDING/MODIFIED/PR; the page type in bits 15:8).

export const SECINFO_R = 0x1;
export const SECINFO_W = 0x2;
export const SECINFO_X = 0x4;
export const SECINFO_PENDING = 0x8;
export const SECINFO_MODIFIED = 0x10;
export const SECINFO_PR = 0x20;
export const SECINFO_PERM_MASK = 0x7;
export const SECINFO_PT_SHIFT = 8;
export const SECINFO_PT_MASK = 0xff00;
/** Architecturally reserved SECINFO.FLAGS bits: 7:6 and 63:16. */
export const SECINFO_RESERVED_MASK = ~(0x3f | SECINFO_PT_MASK);

/** The single-bit SECINFO.FLAGS names (a scenario may also name the page type: "REG" = 2 << 8). */
export const SECINFO_FLAG_NAMES: ReadonlyArray<readonly [name: string, bit: number]> = [
  ["R", SECINFO_R],
  ["W", SECINFO_W],
  ["X", SECINFO_X],
  ["PENDING", SECINFO_PENDING],
  ["MODIFIED", SECINFO_MODIFIED],
  ["PR", SECINFO_PR],
];

/** The page type field of a SECINFO.FLAGS word. */
export function secinfoPageType(flags: number): number {
  return (flags & SECINFO_PT_MASK) >> SECINFO_PT_SHIFT;
}

// ---------------------------------------------------------------------------------------------
// Permissions as three letters. EPCM R/W/X, SECINFO R/W/X, vm_max_prot_bits and PROT_READ/
// PROT_WRITE/PROT_EXEC all use bits 1, 2, 4.

/** R/W/X bits as "RW-" (other bits ignored). */
export function permsText(bits: number | bigint): string {
  const b = typeof bits === "bigint" ? Number(bits & 7n) : bits;
  return (b & E_R ? "R" : "-") + (b & E_W ? "W" : "-") + (b & E_X ? "X" : "-");
}

const PERMS_LETTERS = /^[R-][W-][X-]$/;

/** "RW-" back to bits (1|2); -1 when the text is not three letters in R W X order. */
export function parsePerms(text: string): number {
  if (!PERMS_LETTERS.test(text)) return -1;
  return (text[0] === "R" ? E_R : 0) | (text[1] === "W" ? E_W : 0) | (text[2] === "X" ? E_X : 0);
}

/** The trace's state fields of an EPCM flag byte (the inverse of epcmFlagsOf, without VALID and perms). */
export function epcmFlagFields(flags: number): {
  pending: boolean;
  modified: boolean;
  pr: boolean;
  blocked: boolean;
} {
  return {
    pending: (flags & E_PENDING) !== 0,
    modified: (flags & E_MODIFIED) !== 0,
    pr: (flags & E_PR) !== 0,
    blocked: (flags & E_BLOCKED) !== 0,
  };
}

/** An EPCM flag byte from the trace's entry fields (the inverse of reading them off the byte). */
export function epcmFlagsOf(e: {
  valid: boolean;
  perms: string;
  pending: boolean;
  modified: boolean;
  pr: boolean;
  blocked: boolean;
}): number {
  const perms = parsePerms(e.perms);
  return (
    (e.valid ? E_VALID : 0) |
    Math.max(perms, 0) |
    (e.pending ? E_PENDING : 0) |
    (e.modified ? E_MODIFIED : 0) |
    (e.pr ? E_PR : 0) |
    (e.blocked ? E_BLOCKED : 0)
  );
}
