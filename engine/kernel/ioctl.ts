// The enclave ioctls (arch/x86/kernel/cpu/sgx/ioctl.c, v6.0), each with the driver's check
// order, errno and count/result write-back. User space sees -1 and errno on failure.

import {
  ATTR_DEBUG,
  ATTR_KNOWN,
  ATTR_KSS,
  ATTR_MODE64BIT,
  ATTR_PROVISIONKEY,
  sgxCodeName,
  TCS_CSSA_NSSA,
  TCS_FSGSLIMIT,
  TCS_OENTRY,
  TCS_OSSA,
} from "../arch/constants.ts";
import { isFault } from "../arch/cpu.ts";
import { NONE } from "../arch/epc.ts";
import type { DerivableSource, KernelSource } from "../arch/events.ts";
import { EADD, ECREATE, EEXTEND, EINIT } from "../arch/leaves/build.ts";
import { EREMOVE, ETRACK } from "../arch/leaves/paging.ts";
import { EMODPR, EMODT } from "../arch/leaves/sgx2.ts";
import {
  E_R,
  E_W,
  PT_REG,
  PT_TCS,
  PT_TRIM,
  pageTypeLabel,
  permsText,
  SECINFO_PERM_MASK,
  SECINFO_PT_SHIFT,
  secinfoPageType,
} from "../vocabulary/epcm.ts";
import { hex } from "../vocabulary/hex.ts";
import { failCheck, passCheck } from "./checks.ts";
import type { Encl, EnclPage } from "./encl.ts";
import { enclGrow, enclShrink, reloadPage } from "./encl.ts";
import type { Kernel } from "./kernel.ts";
import {
  drain,
  MODIFY_LOCK,
  MODIFY_UNLOCK,
  MODIFY_ZAP_RELOCK,
  MODIFY_ZAP_UNLOCK,
  REMOVE_LOCK,
  REMOVE_UNLOCK,
  REMOVE_ZAP_RELOCK,
  REMOVE_ZAP_UNLOCK,
  RESTRICT_LOCK,
  RESTRICT_UNLOCK,
} from "./locks.ts";
import { allocEpcPage, ipiEnclave, reclaimDirect } from "./main.ts";
import { oops } from "./oops.ts";
import type {
  AddPagesArg,
  CreateArg,
  InitArg,
  ModifyTypesArg,
  RemovePagesArg,
  RestrictPermissionsArg,
  U64,
} from "./uapi.ts";

/** What a syscall returns to user space. */
export interface SyscallResult {
  ret: number;
  errno?: string;
  /** Output fields of the ioctl struct as written back. */
  arg?: Record<string, string>;
}

/** Pages of a range ioctl logged in full; the rest run with the log off (a long range stays readable). */
const LOGGED_PAGES = 2;

/**
 * The per-page loop of the range ioctls (ADD_PAGES, RESTRICT_PERMISSIONS, MODIFY_TYPES,
 * REMOVE_PAGES): `each(c)` for every page at byte `c` of the range until one returns an errno.
 * The first LOGGED_PAGES pages are logged in full, the others quietly; when all succeed and some
 * were quiet, one line (`rest(n)`) says the same happened to the other `n`. Returns the bytes done
 * (the ioctl's `count`) and the errno that stopped the loop.
 */
function eachPage(
  k: Kernel,
  length: number,
  each: (c: number) => string | undefined,
  rest: (n: number) => string,
  source: DerivableSource,
): { done: number; errno: string | undefined } {
  return drain(
    eachPageSteps(
      k,
      length,
      // biome-ignore lint/correctness/useYield: a page loop without lock boundaries (ADD_PAGES)
      function* (c) {
        return each(c);
      },
      rest,
      source,
    ),
  );
}

/** eachPage() for a loop whose pages yield at lock boundaries (kernel/locks.ts). */
function* eachPageSteps(
  k: Kernel,
  length: number,
  each: (c: number) => Generator<string, string | undefined>,
  rest: (n: number) => string,
  source: DerivableSource,
): Generator<string, { done: number; errno: string | undefined }> {
  let c = 0;
  let errno: string | undefined;
  for (; c < length; c += 4096) {
    const quiet = c >= LOGGED_PAGES * 4096;
    const g = each(c);
    for (;;) {
      // Only this page's own code runs quietly: another step of a race logs as it would.
      const wasOn = k.cpu.log.on;
      if (quiet) k.cpu.log.on = false;
      const r = g.next();
      k.cpu.log.on = wasOn;
      if (r.done) {
        errno = r.value;
        break;
      }
      yield r.value;
    }
    if (errno) break;
  }
  const pages = length / 4096;
  if (pages > LOGGED_PAGES && !errno) k.ev("kernel", () => rest(pages - LOGGED_PAGES), source);
  return { done: c, errno };
}

/** A range ioctl that stopped part way: the errno, and `count` says how many bytes were done. */
function stoppedAt(
  k: Kernel,
  encl: Encl,
  addr: number,
  errno: string,
  fn: string,
  arg: Record<string, string>,
): SyscallResult {
  return refuse(
    k,
    errno,
    `stopped at ${encl.name}+${hex(addr)}; count says how many bytes were done`,
    fn,
    arg,
  );
}

export function ok(arg?: Record<string, string>): SyscallResult {
  return arg ? { ret: 0, arg } : { ret: 0 };
}

export function fail(errno: string, arg?: Record<string, string>): SyscallResult {
  return arg ? { ret: -1, errno, arg } : { ret: -1, errno };
}

const IOCTL = "ioctl.c";

/** What sgx_validate_offset_length() leaves of a range: refused, wrapped past 2^64, or in range. */
type Range =
  | { kind: "bad"; why: string }
  | { kind: "wrapped"; first: bigint }
  | { kind: "ok"; offset: number; length: number };

const U64_WRAP = 1n << 64n;

/**
 * sgx_validate_offset_length(), with `offset + length` computed in 64 bits as the C code does
 * (the uapi fields are __u64). From v6.1 ("x86/sgx: Add overflow check in
 * sgx_validate_offset_length()") `offset + length < offset` is EINVAL. Before it, a sum that
 * wraps past 2^64 to a small value passes; the range's first page, base + offset (mod 2^64),
 * then lies below the enclave ("wrapped"). A range that passes without wrapping ends inside the
 * enclave, so its offset and length are ordinary numbers.
 */
function validateOffsetLength(k: Kernel, encl: Encl, offset: U64, length: U64): Range {
  const o = BigInt(offset);
  const l = BigInt(length);
  if (o % 4096n !== 0n) return { kind: "bad", why: "offset is not page aligned" };
  if (l === 0n || l % 4096n !== 0n) return { kind: "bad", why: "length is zero or not a multiple of 4096" };
  const wraps = o + l >= U64_WRAP;
  if (k.config.overflowCheck && check(k, "range.overflow", wraps))
    return { kind: "bad", why: "offset + length wraps past 2^64" };
  if (BigInt.asUintN(64, o + l - 4096n) >= BigInt(encl.size))
    return { kind: "bad", why: "the range does not end inside the enclave" };
  if (wraps) {
    k.ev(
      "kernel",
      `offset + length wraps past 2^64 to ${hex(Number(BigInt.asUintN(64, o + l)))}, which passes the size check: this kernel has no overflow check (added in v6.1).`,
      "ioctl.c: sgx_validate_offset_length()",
    );
    return { kind: "wrapped", first: BigInt.asUintN(64, BigInt(encl.base) + o) };
  }
  return { kind: "ok", offset: Number(o), length: Number(l) };
}

/** sgx_validate_offset_length() refused: the "range" check (checks.ts) fails with EINVAL. */
function refuseRange(k: Kernel, why: string, fn: string): SyscallResult {
  failCheck(k, "range");
  return refuse(k, "EINVAL", why, fn);
}

/**
 * The SGX2 ioctls' loop after a wrapped range (v6.0): the first address, base + offset, is below
 * the enclave, so sgx_encl_load_page() finds no page there and the ioctl stops with EFAULT before
 * any page was done (encl.c: sgx_encl_load_page(); ioctl.c: "ret = -EFAULT").
 */
function wrappedRangeFaults(
  k: Kernel,
  encl: Encl,
  first: bigint,
  fn: string,
  arg: Record<string, string>,
): SyscallResult {
  reclaimDirect(k);
  k.ev(
    "kernel",
    `The first page of the range, base + offset = 0x${first.toString(16)} (mod 2^64), is outside ${encl.name}: there is no enclave page there.`,
    "encl.c: sgx_encl_load_page()",
  );
  failCheck(k, "page.load");
  return refuse(k, "EFAULT", "the wrapped range starts outside the enclave; count is 0", fn, arg);
}

/** Records check `id` (checks.ts) as held or, when `failed`, as the one that refuses; returns `failed`. */
function check(k: Kernel, id: string, failed: boolean): boolean {
  if (failed) failCheck(k, id);
  else passCheck(k, id);
  return failed;
}

/** A per-page check that failed: records it and returns the errno for the loop. */
function failedWith(k: Kernel, id: string, errno: string): string {
  failCheck(k, id);
  return errno;
}

function refuse(
  k: Kernel,
  errno: string,
  why: string,
  fn: string,
  arg?: Record<string, string>,
): SyscallResult {
  const source: KernelSource = fn.startsWith(`${IOCTL}: `) ? (fn as KernelSource) : `${IOCTL}: ${fn}`;
  k.ev("kernel", `Refused with ${errno}: ${why}.`, source, { result: errno });
  return fail(errno, arg);
}

// ---------------------------------------------------------------- SGX_IOC_ENCLAVE_CREATE

export function ioctlCreate(k: Kernel, encl: Encl, a: CreateArg): SyscallResult {
  const fn = "sgx_ioc_enclave_create()";
  if (check(k, "create.new", encl.created)) return refuse(k, "EINVAL", "the enclave was already created", fn);
  const base = a.base ?? encl.base;
  k.ev(
    "kernel",
    `sgx_encl_create(): SECS base ${hex(base)}, size ${hex(a.size)}; the kernel leaves SECS validation to ECREATE.`,
    `${IOCTL}: sgx_encl_create()`,
  );
  const va = enclGrow(k, encl, true);
  if (typeof va === "string") {
    failCheck(k, "create.va");
    return refuse(k, va === "EBUSY" ? "ENOMEM" : va, "no EPC page for the first VA page", fn);
  }
  passCheck(k, "create.va");
  const secs = allocEpcPage(k, true);
  if (typeof secs === "string") {
    failCheck(k, "create.secs");
    enclShrink(k, encl, va);
    return refuse(k, "ENOMEM", "no EPC page for the SECS", fn);
  }
  passCheck(k, "create.secs");
  const out = ECREATE(k.cpu, secs, {
    baseaddr: base,
    size: a.size,
    ssaFrameSize: a.ssa_frame_size,
    attributes: a.attributes,
    xfrm: a.xfrm,
    miscselect: a.miscselect,
  });
  if (check(k, "create.ecreate", out !== 0)) {
    k.freePage(secs);
    enclShrink(k, encl, va);
    return refuse(k, "EIO", "ECREATE faulted: the CPU rejected the SECS", fn);
  }
  encl.base = base;
  encl.size = a.size;
  encl.secsEpc = secs;
  k.setOwner(secs, encl, NONE);
  encl.attributes = a.attributes;
  encl.xfrm = a.xfrm;
  encl.miscselect = a.miscselect;
  encl.debug = (a.attributes & ATTR_DEBUG) !== 0;
  // v6.0 assigns the mask here, so a PROVISION issued before CREATE is lost.
  encl.attributesMask = ATTR_DEBUG | ATTR_MODE64BIT | ATTR_KSS;
  encl.created = true;
  k.ev(
    "kernel",
    "The enclave is CREATED. Its SECS is not on the active list: it is only evicted when it has no resident pages.",
    `${IOCTL}: ${fn}`,
  );
  return ok();
}

// ---------------------------------------------------------------- SGX_IOC_ENCLAVE_ADD_PAGES

/** SGX_SECINFO_RESERVED_MASK as the kernel sees it: everything but R/W/X and the page type. */
const KERNEL_SECINFO_RESERVED = ~(0x7 | 0xff00);

export function ioctlAddPages(k: Kernel, encl: Encl, a: AddPagesArg): SyscallResult {
  const fn = "sgx_ioc_enclave_add_pages()";
  if (check(k, "add.state", !encl.created || encl.initialized))
    return refuse(
      k,
      "EINVAL",
      encl.created ? "the enclave is already initialized" : "the enclave is not created",
      fn,
    );
  if (check(k, "add.src", a.src % 4096 !== 0)) return refuse(k, "EINVAL", "src is not page aligned", fn);
  const range = validateOffsetLength(k, encl, a.offset, a.length);
  if (range.kind === "bad") return refuseRange(k, range.why, fn);
  passCheck(k, "range");
  const pt = secinfoPageType(a.secinfo);
  const perms = a.secinfo & SECINFO_PERM_MASK;
  if (check(k, "add.secinfo.type", pt !== PT_REG && pt !== PT_TCS))
    return refuse(k, "EINVAL", "SECINFO page type is neither REG nor TCS", "ioctl.c: sgx_validate_secinfo()");
  if (check(k, "add.secinfo.wr", (perms & E_W) !== 0 && !(perms & E_R)))
    return refuse(k, "EINVAL", "SECINFO has W without R", "ioctl.c: sgx_validate_secinfo()");
  if (check(k, "add.secinfo.tcs", pt === PT_TCS && perms !== 0))
    return refuse(
      k,
      "EINVAL",
      "a TCS page's SECINFO must have no permission bits",
      "ioctl.c: sgx_validate_secinfo()",
    );
  if (check(k, "add.secinfo.reserved", (a.secinfo & KERNEL_SECINFO_RESERVED) !== 0))
    return refuse(
      k,
      "EINVAL",
      "SECINFO has reserved bits set (PENDING, MODIFIED and PR included)",
      "ioctl.c: sgx_validate_secinfo()",
    );
  const measure = (a.flags & 1) !== 0;
  if (range.kind === "wrapped") {
    // v6.0: sgx_encl_add_page() for base + offset (mod 2^64), outside ELRANGE: EADD #GPs and the
    // page is not added (ioctl.c: __sgx_encl_add_page(): "return ret ? -EIO : 0").
    const offset = Number(range.first) - encl.base;
    const errno = addPage(k, encl, a, offset, 0, pt, perms, measure);
    return refuse(
      k,
      errno ?? "EIO",
      "the wrapped range starts outside the enclave; count reports 0 bytes added",
      fn,
      { count: hex(0) },
    );
  }
  const { offset, length } = range;
  k.ev(
    "kernel",
    `Adding ${length / 4096} page(s) at ${encl.name}+${hex(offset)} as ${pt === PT_TCS ? "TCS" : `REG ${permsText(perms)}`}${measure ? ", measured" : ""}.`,
    `${IOCTL}: ${fn}`,
  );
  const { done: c, errno } = eachPage(
    k,
    length,
    (c) => addPage(k, encl, a, offset + c, c, pt, perms, measure),
    (n) => `... and the same for the remaining ${n} page(s).`,
    `${IOCTL}: ${fn}`,
  );
  const arg = { count: hex(c) };
  if (errno)
    return refuse(
      k,
      errno,
      `page ${encl.name}+${hex(offset + c)} could not be added; count reports the bytes added before it`,
      fn,
      arg,
    );
  return ok(arg);
}

/** sgx_encl_add_page(): one page, in the driver's order. Returns an errno name on failure. */
function addPage(
  k: Kernel,
  encl: Encl,
  a: AddPagesArg,
  offset: number,
  rel: number,
  pt: number,
  perms: number,
  measure: boolean,
): string | undefined {
  const index = offset / 4096;
  // vm_max_prot_bits from SECINFO; TCS pages need R|W for the CPU although their EPCM permissions are 0.
  const vmMaxProt = pt === PT_TCS ? 3 : perms;
  const epc = allocEpcPage(k, true);
  if (typeof epc === "string") return failedWith(k, "add.epc", "ENOMEM");
  passCheck(k, "add.epc");
  const va = enclGrow(k, encl, true);
  if (typeof va === "string") {
    k.freePage(epc);
    return failedWith(k, "add.va", va === "EBUSY" ? "ENOMEM" : va);
  }
  passCheck(k, "add.va");
  if (check(k, "add.free", encl.pages.has(index))) {
    enclShrink(k, encl, va);
    k.freePage(epc);
    k.ev(
      "kernel",
      `${encl.name}+${hex(offset)} already has a page: the page-array insert fails.`,
      "encl.c: xa_insert()",
    );
    return "EBUSY";
  }
  if (encl.secsEpc === NONE) {
    enclShrink(k, encl, va);
    k.freePage(epc);
    return "EFAULT";
  }
  const words: Array<[number, bigint]> = [];
  for (const [off, v] of a.data ?? []) if (off >= rel && off < rel + 4096) words.push([off - rel, v]);
  if (pt === PT_TCS) {
    const t = a.tcs?.[rel / 4096] ?? { ossa: 0, nssa: 0, oentry: 0 };
    words.push(
      [TCS_OSSA, BigInt(t.ossa)],
      [TCS_CSSA_NSSA, BigInt(t.nssa) << 32n],
      [TCS_OENTRY, BigInt(t.oentry)],
    );
    words.push([TCS_FSGSLIMIT, 0xffffffffffffffffn]);
  }
  const out = EADD(k.cpu, epc, encl.base + offset, encl.secsEpc, a.secinfo, words);
  if (check(k, "add.eadd", out !== 0)) {
    enclShrink(k, encl, va);
    k.freePage(epc);
    return "EIO";
  }
  const page: EnclPage = { index, type: pt, vmMaxProt, epc, vaPage: NONE, vaSlot: 0 };
  encl.pages.set(index, page);
  k.setOwner(epc, encl, index);
  encl.secsChildCnt++;
  if (measure) {
    for (let chunk = 0; chunk < 4096; chunk += 256) {
      if (EEXTEND(k.cpu, encl.secsEpc, epc, chunk, chunk > 0) !== 0)
        return failedWith(k, "add.eextend", "EIO"); // (quirk: child count not undone)
    }
    passCheck(k, "add.eextend");
  }
  k.markReclaimable(epc);
  return undefined;
}

// ---------------------------------------------------------------- SGX_IOC_ENCLAVE_INIT

/** Reserved bits the platform refuses in SIGSTRUCT (v6.0 SGX_ATTR_RESERVED_MASK; MISCSELECT bit 0 only; XFRM as CPUID). */
const RESERVED_ATTRIBUTES = ~ATTR_KNOWN;
const RESERVED_MISC = ~0x1;
const RESERVED_XFRM = ~0x2e7;

export function ioctlInit(k: Kernel, encl: Encl, a: InitArg): SyscallResult {
  const fn = "sgx_ioc_enclave_init()";
  if (check(k, "init.state", !encl.created || encl.initialized))
    return refuse(
      k,
      "EINVAL",
      encl.created ? "the enclave is already initialized" : "the enclave is not created",
      fn,
    );
  if (check(k, "init.vendor", a.vendor !== 0 && a.vendor !== 0x8086))
    return refuse(k, "EINVAL", "SIGSTRUCT header.vendor is neither 0x0000 nor 0x8086", fn);
  if (check(k, "init.attributes", (encl.attributes & ~encl.attributesMask) !== 0))
    return refuse(
      k,
      "EACCES",
      "the enclave asks for attributes it is not allowed (e.g. PROVISIONKEY without SGX_IOC_ENCLAVE_PROVISION)",
      "ioctl.c: sgx_encl_init()",
    );
  const attributes = a.attributes ?? encl.attributes;
  const xfrm = a.xfrm ?? encl.xfrm;
  if (
    check(
      k,
      "init.reserved",
      (attributes & a.attributes_mask & RESERVED_ATTRIBUTES) !== 0 ||
        (a.miscselect & a.misc_mask & RESERVED_MISC) !== 0 ||
        (xfrm & a.xfrm_mask & RESERVED_XFRM) !== 0,
    )
  )
    return refuse(
      k,
      "EINVAL",
      "SIGSTRUCT requires attribute, MISCSELECT or XFRM bits the platform reserves",
      "ioctl.c: sgx_encl_init()",
    );
  k.ev(
    "kernel",
    "The kernel writes the SIGSTRUCT signer's hash to the launch-enclave MSRs and runs EINIT.",
    "ioctl.c: sgx_encl_init()",
  );
  const out = EINIT(k.cpu, encl.secsEpc, {
    enclavehash: a.enclavehash,
    attributes,
    attributesMask: a.attributes_mask,
    xfrm,
    xfrmMask: a.xfrm_mask,
    miscselect: a.miscselect,
    miscMask: a.misc_mask,
  });
  if (isFault(out)) {
    failCheck(k, "init.fault");
    return refuse(k, "EIO", "EINIT faulted", "ioctl.c: sgx_encl_init()");
  }
  passCheck(k, "init.fault");
  if (check(k, "init.einit", out !== 0))
    return refuse(
      k,
      "EPERM",
      `EINIT returned ${sgxCodeName(out)}, an SGX error code`,
      "ioctl.c: sgx_encl_init()",
    );
  encl.initialized = true;
  k.ev(
    "kernel",
    "The enclave is INITIALIZED: no more EADD; EENTER, EAUG and the SGX2 ioctls now work.",
    `${IOCTL}: ${fn}`,
  );
  return ok();
}

export function ioctlProvision(k: Kernel, encl: Encl): SyscallResult {
  encl.attributesMask |= ATTR_PROVISIONKEY;
  k.ev(
    "kernel",
    "The fd of /dev/sgx_provision lets this enclave use ATTRIBUTES.PROVISIONKEY.",
    `${IOCTL}: sgx_ioc_enclave_provision()`,
  );
  return ok();
}

// ---------------------------------------------------------------- SGX2 ioctls

/** sgx_ioc_sgx2_ready(): checked before the argument is even copied. */
function sgx2NotReady(k: Kernel, encl: Encl): SyscallResult | undefined {
  if (check(k, "sgx2.cpu", !k.sgx2))
    return refuse(k, "ENODEV", "this CPU has no SGX2", "ioctl.c: sgx_ioc_sgx2_ready()");
  if (check(k, "sgx2.initialized", !encl.initialized))
    return refuse(k, "EINVAL", "the enclave is not initialized", "ioctl.c: sgx_ioc_sgx2_ready()");
  return undefined;
}

/** sgx_encl_load_page() for the SGX2 ioctls: absent → EFAULT; evicted → ELDU (EBUSY → EAGAIN). */
function loadPage(k: Kernel, encl: Encl, offset: number): EnclPage | string {
  const page = encl.pages.get(offset / 4096);
  if (!page) {
    k.ev(
      "kernel",
      `There is no enclave page at ${encl.name}+${hex(offset)}.`,
      "encl.c: sgx_encl_load_page()",
    );
    return failedWith(k, "page.load", "EFAULT");
  }
  if (encl.busy.has(page.index)) {
    // Only a race with "no-ioctl-busy" reaches this: another ioctl marked the page busy.
    k.ev(
      "kernel",
      `${encl.name}+${hex(offset)} is marked busy by another ioctl: -EBUSY, returned as EAGAIN.`,
      "encl.c: __sgx_encl_load_page()",
    );
    return failedWith(k, "page.load", "EAGAIN");
  }
  if (page.epc === NONE) {
    k.ev(
      "kernel",
      `${encl.name}+${hex(offset)} is evicted: the ioctl loads it back first.`,
      "encl.c: sgx_encl_load_page()",
    );
    const err = reloadPage(k, encl, page);
    if (err) return failedWith(k, "page.load", err === "EBUSY" ? "EAGAIN" : "EFAULT");
  }
  passCheck(k, "page.load");
  return page;
}

/** sgx_enclave_etrack(): ETRACK, IPI and one retry if it fails, then IPI. */
function enclaveEtrack(k: Kernel, encl: Encl): boolean {
  if (k.config.noEtrack) {
    // What-if "no-etrack" (docs/scenario-format.md, Kernel versions and what-ifs).
    k.ev(
      "kernel",
      "What-if no-etrack: the kernel skips sgx_enclave_etrack() (no ETRACK, no IPI).",
      "ioctl.c: sgx_enclave_etrack()",
    );
    return true;
  }
  let out = ETRACK(k.cpu, encl.secsEpc);
  if (out !== 0) {
    k.ev(
      "kernel",
      "ETRACK failed: the kernel IPIs the enclave's CPUs and retries once.",
      "ioctl.c: sgx_enclave_etrack()",
    );
    ipiEnclave(k, encl);
    out = ETRACK(k.cpu, encl.secsEpc);
    if (out !== 0) return false;
  }
  ipiEnclave(k, encl);
  return true;
}

export function ioctlRestrictPermissions(k: Kernel, encl: Encl, a: RestrictPermissionsArg): SyscallResult {
  return drain(restrictPermissionsSteps(k, encl, a));
}

/** ioctl.c: sgx_ioc_enclave_restrict_permissions(), yielding at its lock boundaries. */
function* restrictPermissionsSteps(
  k: Kernel,
  encl: Encl,
  a: RestrictPermissionsArg,
): Generator<string, SyscallResult> {
  const fn = "sgx_ioc_enclave_restrict_permissions()";
  const notReady = sgx2NotReady(k, encl);
  if (notReady) return notReady;
  const range = validateOffsetLength(k, encl, a.offset, a.length);
  if (range.kind === "bad") return refuseRange(k, range.why, fn);
  passCheck(k, "range");
  if (check(k, "rp.bits", (a.permissions & ~7) !== 0))
    return refuse(k, "EINVAL", "permissions has bits other than R, W and X", fn);
  if (check(k, "rp.wr", (a.permissions & E_W) !== 0 && !(a.permissions & E_R)))
    return refuse(k, "EINVAL", "permissions has W without R", fn);
  if (check(k, "rp.inout", a.result !== 0 || a.count !== 0))
    return refuse(k, "EINVAL", "result and count must be 0 on input", fn);
  if (range.kind === "wrapped")
    return wrappedRangeFaults(k, encl, range.first, fn, { result: "0x0", count: "0x0" });
  const { offset, length } = range;
  let result = 0;
  const inner = "ioctl.c: sgx_enclave_restrict_permissions()";
  const restrictLocked = (c: number): string | undefined => {
    const page = loadPage(k, encl, offset + c);
    if (typeof page === "string") return page;
    if (!k.config.noTypeCheck && check(k, "rp.reg", page.type !== PT_REG)) {
      k.ev(
        "kernel",
        () =>
          `${encl.name}+${hex(offset + c)} is not a REG page in the kernel's records: EMODPR is only for REG pages.`,
        inner,
      );
      return "EINVAL";
    }
    const out = EMODPR(k.cpu, a.permissions, page.epc);
    if (check(k, "rp.emodpr", isFault(out) || out !== 0)) {
      if (!isFault(out)) result = out;
      return "EFAULT";
    }
    if (check(k, "etrack", !enclaveEtrack(k, encl))) return "EFAULT";
    return undefined;
  };
  const { done: c, errno } = yield* eachPageSteps(
    k,
    length,
    function* (c) {
      reclaimDirect(k);
      yield RESTRICT_LOCK;
      const err = restrictLocked(c);
      yield RESTRICT_UNLOCK;
      return err;
    },
    (n) => `... and the same EMODPR + ETRACK for the other ${n} page(s).`,
    inner,
  );
  const arg: Record<string, string> = { result: hex(result), count: hex(c) };
  if (errno) return stoppedAt(k, encl, offset + c, errno, fn, arg);
  k.ev(
    "kernel",
    "Done. The kernel changes neither vm_max_prot_bits nor the PTEs: the enclave must EACCEPT with PR to finish.",
    inner,
  );
  return ok(arg);
}

export function ioctlModifyTypes(k: Kernel, encl: Encl, a: ModifyTypesArg): SyscallResult {
  return drain(modifyTypesSteps(k, encl, a));
}

/** ioctl.c: sgx_ioc_enclave_modify_types(), yielding at its lock boundaries. */
function* modifyTypesSteps(k: Kernel, encl: Encl, a: ModifyTypesArg): Generator<string, SyscallResult> {
  const fn = "sgx_ioc_enclave_modify_types()";
  const notReady = sgx2NotReady(k, encl);
  if (notReady) return notReady;
  const range = validateOffsetLength(k, encl, a.offset, a.length);
  if (range.kind === "bad") return refuseRange(k, range.why, fn);
  passCheck(k, "range");
  if (check(k, "mt.mask", (a.page_type & ~0xff) !== 0))
    return refuse(k, "EINVAL", "page_type has bits above 7", fn);
  if (check(k, "mt.inout", a.result !== 0 || a.count !== 0))
    return refuse(k, "EINVAL", "result and count must be 0 on input", fn);
  if (check(k, "mt.type", a.page_type !== PT_TCS && a.page_type !== PT_TRIM))
    return refuse(
      k,
      "EINVAL",
      "page_type must be SGX_PAGE_TYPE_TCS or SGX_PAGE_TYPE_TRIM",
      "ioctl.c: sgx_enclave_modify_types()",
      { result: "0x0", count: "0x0" },
    );
  if (range.kind === "wrapped")
    return wrappedRangeFaults(k, encl, range.first, fn, { result: "0x0", count: "0x0" });
  const { offset, length } = range;
  const inner = "ioctl.c: sgx_enclave_modify_types()";
  let result = 0;
  const { done: c, errno } = yield* eachPageSteps(
    k,
    length,
    (c) =>
      modifyOne(k, encl, offset + c, a.page_type, inner, (r) => {
        result = r;
      }),
    (n) => `... and the same EMODT + ETRACK for the other ${n} page(s).`,
    inner,
  );
  const arg = { result: hex(result), count: hex(c) };
  if (errno) return stoppedAt(k, encl, offset + c, errno, fn, arg);
  return ok(arg);
}

function* modifyOne(
  k: Kernel,
  encl: Encl,
  offset: number,
  newType: number,
  src: KernelSource,
  setResult: (r: number) => void,
): Generator<string, string | undefined> {
  reclaimDirect(k);
  yield MODIFY_LOCK;
  const page = loadPage(k, encl, offset);
  if (typeof page === "string") {
    yield MODIFY_UNLOCK;
    return page;
  }
  const from = page.type;
  if (
    !k.config.noTypeCheck &&
    check(
      k,
      "mt.from",
      !(
        (from === PT_REG && (newType === PT_TCS || newType === PT_TRIM)) ||
        (from === PT_TCS && newType === PT_TRIM)
      ),
    )
  ) {
    k.ev(
      "kernel",
      `The kernel allows only REG→TCS, REG→TRIM and TCS→TRIM; this page is ${pageTypeLabel(from)}.`,
      src,
    );
    yield MODIFY_UNLOCK;
    return "EINVAL";
  }
  const savedProt = page.vmMaxProt;
  if (newType === PT_TCS) {
    if (check(k, "mt.tcs.prot", (page.vmMaxProt & (E_R | E_W)) !== (E_R | E_W))) {
      k.ev(
        "kernel",
        `A new TCS needs the page's original permissions to include RW; vm_max_prot_bits is ${permsText(page.vmMaxProt)}.`,
        src,
      );
      yield MODIFY_UNLOCK;
      return "EPERM";
    }
    // ioctl.c: sgx_enclave_modify_types(): vm_max_prot_bits = RW first, then
    // sgx_unmark_page_reclaimable() (EAGAIN restores it), then sgx_zap_enclave_ptes() with
    // encl->lock dropped.
    page.vmMaxProt = 3;
    k.ev(
      "kernel",
      "vm_max_prot_bits becomes RW: a TCS page is always RW from the kernel's side (and never executable).",
      src,
    );
    if (check(k, "mt.tcs.reclaim", !unmarkForIoctl(k, page.epc))) {
      page.vmMaxProt = savedProt;
      yield MODIFY_UNLOCK;
      return "EAGAIN";
    }
    markBusy(k, encl, page);
    yield MODIFY_ZAP_UNLOCK;
    if (k.mm.zapPte(encl.addrOf(page)))
      k.ev("mm", `PTE of ${encl.name}+${hex(offset)} zapped (sgx_zap_enclave_ptes()).`, src);
    yield MODIFY_ZAP_RELOCK;
    encl.busy.delete(page.index);
    k.markReclaimable(page.epc);
  }
  const out = EMODT(k.cpu, newType << SECINFO_PT_SHIFT, page.epc);
  if (check(k, "mt.emodt", isFault(out) || out !== 0)) {
    page.vmMaxProt = savedProt;
    if (!isFault(out)) setResult(out);
    yield MODIFY_UNLOCK;
    return "EFAULT";
  }
  if (check(k, "etrack", !enclaveEtrack(k, encl))) {
    yield MODIFY_UNLOCK;
    return "EFAULT";
  }
  page.type = newType;
  yield MODIFY_UNLOCK;
  return undefined;
}

/**
 * main.c: sgx_unmark_page_reclaimable(): -EBUSY only while the reclaimer has the page; a page
 * already off the list (another ioctl took it off, reachable with "no-ioctl-busy") is not an error.
 */
function unmarkForIoctl(k: Kernel, epc: number): boolean {
  if (k.reclaiming?.has(epc)) return false;
  if (k.isOnActiveList(epc)) k.unmarkReclaimable(epc);
  return true;
}

/**
 * "x86/sgx: Fix two data races in EAUG/EREMOVE flows" (v6.6+edmm-races): mark the page busy
 * before dropping encl->lock, so a fault in the window backs off instead of mapping it.
 */
function markBusy(k: Kernel, encl: Encl, page: EnclPage): void {
  if (!k.config.busyBeforeUnlock) return;
  encl.busy.add(page.index);
  k.ev(
    "kernel",
    () =>
      `${encl.name}+${hex(page.index * 4096)} is marked busy before encl->lock is dropped: a fault on it now backs off.`,
    "ioctl.c (x86/sgx: Fix two data races in EAUG/EREMOVE flows)",
  );
}

export function ioctlRemovePages(k: Kernel, encl: Encl, a: RemovePagesArg): SyscallResult {
  return drain(removePagesSteps(k, encl, a));
}

/** ioctl.c: sgx_ioc_enclave_remove_pages(), yielding at its lock boundaries. */
function* removePagesSteps(k: Kernel, encl: Encl, a: RemovePagesArg): Generator<string, SyscallResult> {
  const fn = "sgx_ioc_enclave_remove_pages()";
  const notReady = sgx2NotReady(k, encl);
  if (notReady) return notReady;
  const range = validateOffsetLength(k, encl, a.offset, a.length);
  if (range.kind === "bad") return refuseRange(k, range.why, fn);
  passCheck(k, "range");
  if (check(k, "rm.count", a.count !== 0)) return refuse(k, "EINVAL", "count must be 0 on input", fn);
  if (range.kind === "wrapped") return wrappedRangeFaults(k, encl, range.first, fn, { count: "0x0" });
  const { offset, length } = range;
  const inner = "ioctl.c: sgx_encl_remove_pages()";
  const { done: c, errno } = yield* eachPageSteps(
    k,
    length,
    (c) => removeOne(k, encl, offset + c, inner),
    (n) => `... and the same EMODPR probe + EREMOVE for the other ${n} page(s).`,
    inner,
  );
  const arg = { count: hex(c) };
  if (errno) return stoppedAt(k, encl, offset + c, errno, fn, arg);
  return ok(arg);
}

function* removeOne(
  k: Kernel,
  encl: Encl,
  offset: number,
  src: KernelSource,
): Generator<string, string | undefined> {
  reclaimDirect(k);
  yield REMOVE_LOCK;
  const err = removeChecks(k, encl, offset, src);
  if (typeof err === "string") {
    yield REMOVE_UNLOCK;
    return err;
  }
  const page = err;
  // The page as this ioctl knows it: its record may be gone when the lock is taken again.
  const { index, epc } = page;
  // "Do not keep encl->lock because of dependency on mmap_lock acquired in sgx_zap_enclave_ptes()."
  markBusy(k, encl, page);
  yield REMOVE_ZAP_UNLOCK;
  if (k.mm.zapPte(encl.base + index * 4096)) k.ev("mm", `PTE of ${encl.name}+${hex(offset)} zapped.`, src);
  yield REMOVE_ZAP_RELOCK;
  if (encl.pages.get(index)?.epc !== epc)
    // Only "no-ioctl-busy" reaches this: another REMOVE_PAGES freed the entry in the window.
    oops(
      k,
      "sgx_encl_remove_pages",
      "BUG: KASAN: use-after-free in sgx_encl_remove_pages",
      "Another REMOVE_PAGES on this enclave removed the page and kfree()d its sgx_encl_page while this one had dropped encl->lock; the SGX_ENCL_IOCTL bit that would have refused the second ioctl with EBUSY is what the no-ioctl-busy what-if took away.",
      src,
    );
  if (EREMOVE(k.cpu, epc) === 0) k.freePage(epc);
  else
    k.ev(
      "kernel",
      "EREMOVE failed: the kernel warns and leaks the page.",
      "encl.c: sgx_encl_free_epc_page()",
    );
  encl.secsChildCnt--;
  encl.busy.delete(index);
  encl.pages.delete(index);
  encl.pageCnt--;
  yield REMOVE_UNLOCK;
  return undefined;
}

/** sgx_encl_remove_pages() under encl->lock, before the lock is dropped: the page, or the errno. */
function removeChecks(k: Kernel, encl: Encl, offset: number, src: KernelSource): EnclPage | string {
  const page = loadPage(k, encl, offset);
  if (typeof page === "string") return page;
  if (check(k, "rm.trim", page.type !== PT_TRIM)) {
    k.ev(
      "kernel",
      `${encl.name}+${hex(offset)} is ${pageTypeLabel(page.type)}, not TRIM: only trimmed pages can be removed.`,
      src,
    );
    return "EPERM";
  }
  // Probe: EMODPR(RWX) returns SGX_PAGE_NOT_MODIFIABLE while the trim is unaccepted (MODIFIED=1), #PF once accepted.
  if (k.config.noAcceptProbe) {
    // What-if "no-accept-probe" (docs/scenario-format.md, Kernel versions and what-ifs).
    k.ev(
      "kernel",
      "What-if no-accept-probe: the kernel skips the EMODPR probe and goes straight to EREMOVE.",
      src,
    );
  } else {
    k.ev("kernel", "Probe with EMODPR(RWX): only a #PF proves the enclave has EACCEPTed the trim.", src);
    const out = EMODPR(k.cpu, 7, page.epc);
    if (check(k, "rm.accepted", !(isFault(out) && out.vector === 14))) {
      k.ev("kernel", "The probe did not fault: the enclave has not accepted the trim.", src);
      return "EPERM";
    }
  }
  if (check(k, "rm.reclaim", !unmarkForIoctl(k, page.epc))) return "EBUSY";
  return page;
}

/** The SGX2 ioctls whose page loops yield at lock boundaries (a race can interleave them). */
export function sgx2IoctlSteps(
  k: Kernel,
  encl: Encl,
  a: RestrictPermissionsArg | ModifyTypesArg | RemovePagesArg,
  cmd:
    | "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS"
    | "SGX_IOC_ENCLAVE_MODIFY_TYPES"
    | "SGX_IOC_ENCLAVE_REMOVE_PAGES",
): Generator<string, SyscallResult> {
  if (cmd === "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS")
    return restrictPermissionsSteps(k, encl, a as RestrictPermissionsArg);
  if (cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES") return modifyTypesSteps(k, encl, a as ModifyTypesArg);
  return removePagesSteps(k, encl, a as RemovePagesArg);
}
