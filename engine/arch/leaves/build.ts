// SGX1 enclave build leaves: ECREATE, EADD, EEXTEND, EINIT (SDM Vol. 3D, ENCLS leaf pages).
// Checks run in the SDM's order; the first failing one decides the outcome. Concurrency checks
// ("EPC page in use by another leaf") cannot fail in this single-threaded model and are omitted.

import {
  E_RWX,
  PT_REG,
  PT_SECS,
  PT_TCS,
  SECINFO_PT_SHIFT,
  SECINFO_R,
  SECINFO_RESERVED_MASK,
  SECINFO_W,
  secinfoPageType,
} from "../../vocabulary/epcm.ts";
import {
  ATTR_INIT,
  ATTR_KNOWN,
  ATTR_MODE64BIT,
  PAGE_SIZE,
  SGX_INVALID_ATTRIBUTE,
  SGX_INVALID_MEASUREMENT,
  TCS_AEP,
  TCS_CSSA_NSSA,
  TCS_FLAGS,
  TCS_FSGSLIMIT,
  TCS_STATE,
} from "../constants.ts";
import { type Cpu, gp, isFault, type Outcome, pfEncls } from "../cpu.ts";
import { NONE, type SecsState } from "../epc.ts";
import { measure } from "../measure.ts";
import { logLeaf } from "./log.ts";

/** The SECS image given to ECREATE (the fields the model uses). */
export type SecsImage = Pick<
  SecsState,
  "baseaddr" | "size" | "ssaFrameSize" | "attributes" | "xfrm" | "miscselect"
>;

/** Largest enclave this model's CPU supports (CPUID.(EAX=12H,ECX=0):EDX MaxEnclaveSize_64). */
export const MAX_ENCLAVE_SIZE_64 = 2 ** 47;
/** ATTRIBUTES bits the model's CPU supports (others are reserved → #GP in ECREATE). */
const SUPPORTED_ATTRIBUTES = ATTR_KNOWN;
/** MISCSELECT bits supported: EXINFO (bit 0). */
const SUPPORTED_MISCSELECT = 0x1;

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n));
}

/** ENCLS[ECREATE]: turn a free EPC page into the SECS of a new, uninitialized enclave. */
export function ECREATE(
  cpu: Cpu,
  target: number,
  image: SecsImage,
  secinfo = PT_SECS << SECINFO_PT_SHIFT,
): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (secinfo & SECINFO_RESERVED_MASK || secinfoPageType(secinfo) !== PT_SECS)
      return gp("SECINFO reserved bits set or PT is not PT_SECS");
    if (epc.isValid(target)) return pfEncls(target, "target EPCM entry is already VALID");
    // SECS content checks, all #GP(0).
    if ((image.xfrm & 3) !== 3) return gp("SECS.XFRM[1:0] must both be set (x87 and SSE)");
    if (image.miscselect & ~SUPPORTED_MISCSELECT) return gp("SECS.MISCSELECT has unsupported bits");
    if (image.ssaFrameSize < 1) return gp("SECS.SSAFRAMESIZE is too small for the XSAVE, GPR and MISC areas");
    if (image.attributes & ATTR_MODE64BIT && image.baseaddr >= 2 ** 47)
      return gp("SECS.BASEADDR is not canonical");
    // SDM ECREATE (SDM: ECREATE): a 32-bit enclave's BASEADDR must lie below 4 GiB.
    if (!(image.attributes & ATTR_MODE64BIT) && image.baseaddr >= 2 ** 32)
      return gp("SECS.BASEADDR is above 4 GiB in a 32-bit enclave");
    if (image.size >= MAX_ENCLAVE_SIZE_64) return gp("SECS.SIZE is at least 2^MaxEnclaveSize_64");
    if (image.size < 8192 || !isPowerOfTwo(image.size))
      return gp("SECS.SIZE is below 8 KiB or not a power of two");
    if (image.baseaddr % image.size !== 0) return gp("SECS.BASEADDR is not naturally aligned to SECS.SIZE");
    if (image.attributes & ~SUPPORTED_ATTRIBUTES) return gp("SECS.ATTRIBUTES has unsupported bits");
    epc.set(target, 0, PT_SECS, NONE, 0);
    epc.zeroPage(target);
    epc.secs.set(target, {
      eid: cpu.newEid(),
      baseaddr: image.baseaddr,
      size: image.size,
      ssaFrameSize: image.ssaFrameSize,
      attributes: image.attributes & ~ATTR_INIT,
      xfrm: image.xfrm,
      miscselect: image.miscselect,
      initialized: false,
      childCount: 0,
      measurement: measure(0, "ECREATE", image.ssaFrameSize, image.size),
      epoch: 0,
      tracked: new Set(),
    });
    return 0;
  })();
  logLeaf(
    cpu,
    "ECREATE",
    target,
    out,
    "creates the SECS: the enclave exists, uninitialized, with no pages yet",
  );
  return out;
}

/** TCS bytes from this offset on are reserved (SDM "Layout of Thread Control Structure"). */
export const TCS_RESERVED = 72;

/** FSLIMIT (bits 31:0) and GSLIMIT (bits 63:32) must both end in 0xFFF in a 32-bit enclave. */
export function fsGsLimitsOk(limits: bigint): boolean {
  return (limits & 0xfffn) === 0xfffn && ((limits >> 32n) & 0xfffn) === 0xfffn;
}

/** Contents EADD copies in: 8-byte words by byte offset. */
export type PageWords = Iterable<[number, bigint]>;

/** ENCLS[EADD]: copy a page into the EPC as a child of an uninitialized enclave. */
export function EADD(
  cpu: Cpu,
  target: number,
  linaddr: number,
  secsEpc: number,
  secinfo: number,
  words: PageWords = [],
): Outcome {
  const { epc } = cpu;
  const pt = secinfoPageType(secinfo);
  const copied = Array.from(words);
  const out = ((): Outcome => {
    if (!epc.inEpc(target)) return pfEncls(target, "target page is not in the EPC");
    if (linaddr % PAGE_SIZE !== 0) return gp("PAGEINFO.LINADDR is not 4 KiB aligned");
    if (!epc.inEpc(secsEpc)) return pfEncls(secsEpc, "PAGEINFO.SECS is not in the EPC");
    // Only bits 7:6 and 63:16 are reserved; PENDING/MODIFIED/PR are ignored and set to 0 (SDM: SECINFO, EADD).
    if (secinfo & SECINFO_RESERVED_MASK || (pt !== PT_REG && pt !== PT_TCS))
      return gp("SECINFO reserved fields set, or PT is neither PT_REG nor PT_TCS");
    if (epc.isValid(target)) return pfEncls(target, "target EPCM entry is already VALID");
    const secs = cpu.secsOf(secsEpc);
    if (!secs) return pfEncls(secsEpc, "PAGEINFO.SECS is not a valid PT_SECS page");
    if (pt === PT_TCS) {
      // SDM EADD (SDM: EADD): the copied TCS's reserved area (offset 72 on) must be zero, and a
      // 32-bit enclave's FSLIMIT/GSLIMIT must have their low 12 bits set.
      const image = new Map(copied);
      for (const [off, value] of image)
        if (off >= TCS_RESERVED && value !== 0n) return gp("the TCS's reserved area is not zero");
      const limits = image.get(TCS_FSGSLIMIT) ?? 0n;
      if (!(secs.attributes & ATTR_MODE64BIT) && !fsGsLimitsOk(limits))
        return gp("a 32-bit enclave's TCS.FSLIMIT/GSLIMIT low 12 bits are not all ones");
    }
    if (pt === PT_REG && secinfo & SECINFO_W && !(secinfo & SECINFO_R)) return gp("PT_REG with W=1 and R=0");
    if (linaddr < secs.baseaddr || linaddr >= secs.baseaddr + secs.size)
      return gp("PAGEINFO.LINADDR is outside the enclave's ELRANGE");
    if (secs.initialized) return gp("the enclave is already initialized (EADD is build-time only)");
    epc.zeroPage(target);
    for (const [off, value] of copied) epc.writeWord(target, off, value);
    let perms = secinfo & E_RWX;
    if (pt === PT_TCS) {
      // EADD forces a TCS's EPCM permissions to 0 and clears FLAGS.DBGOPTIN, CSSA, AEP and STATE.
      perms = 0;
      epc.writeWord(target, TCS_STATE, 0n);
      epc.writeWord(target, TCS_FLAGS, epc.readWord(target, TCS_FLAGS) & ~1n);
      epc.writeWord(target, TCS_CSSA_NSSA, epc.readWord(target, TCS_CSSA_NSSA) & 0xffffffff00000000n);
      epc.writeWord(target, TCS_AEP, 0n);
    }
    // SDM EADD: a TCS's SECINFO R/W/X are forced to 0 before SECINFO is measured.
    const measured = pt === PT_TCS ? secinfo & ~E_RWX : secinfo;
    secs.measurement = measure(secs.measurement, "EADD", linaddr - secs.baseaddr, measured);
    epc.set(target, perms, pt, secsEpc, linaddr);
    secs.childCount++;
    return 0;
  })();
  logLeaf(
    cpu,
    "EADD",
    target,
    out,
    `copies the page into the EPC at ${cpu.label(linaddr)} and measures its SECINFO`,
  );
  return out;
}

/** ENCLS[EEXTEND]: measure 256 bytes of an added page into MRENCLAVE. */
export function EEXTEND(cpu: Cpu, secsEpc: number, target: number, chunk: number, quiet = false): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(secsEpc)) return pfEncls(secsEpc, "SECS is not in the EPC");
    if (chunk % 256 !== 0 || chunk < 0 || chunk >= PAGE_SIZE) return gp("the chunk is not 256-byte aligned");
    if (!epc.inEpc(target)) return pfEncls(target, "the chunk's page is not in the EPC");
    if (!epc.isValid(target) || (epc.pt[target] !== PT_REG && epc.pt[target] !== PT_TCS))
      return pfEncls(target, "the chunk's page is not a valid PT_REG or PT_TCS page");
    if (epc.owner[target] !== secsEpc) return gp("RBX is not the SECS of the page");
    const secs = cpu.secsOf(secsEpc);
    if (!secs || secs.initialized) return gp("the enclave's measurement is final (already initialized)");
    let digest = measure(secs.measurement, "EEXTEND", epc.linaddr[target] - secs.baseaddr + chunk);
    for (let off = chunk; off < chunk + 256; off += 8) {
      const w = epc.readWord(target, off);
      if (w !== 0n) digest = measure(digest, "W", off, Number(w & 0xffffffffn), Number(w >> 32n));
    }
    secs.measurement = digest;
    return 0;
  })();
  if (!quiet || isFault(out))
    logLeaf(cpu, "EEXTEND", target, out, "measures 256 bytes of the page into MRENCLAVE");
  return out;
}

/** The SIGSTRUCT fields EINIT checks (the signature itself is taken as valid: the model has no RSA). */
export interface Sigstruct {
  /** MRENCLAVE the signer expects: "match" = the enclave's own measurement. */
  enclavehash: "match" | string;
  attributes: number;
  attributesMask: number;
  xfrm: number;
  xfrmMask: number;
  miscselect: number;
  miscMask: number;
}

/** ENCLS[EINIT]: check the SIGSTRUCT against the enclave and mark it initialized. */
export function EINIT(cpu: Cpu, secsEpc: number, sig: Sigstruct): Outcome {
  const { epc } = cpu;
  const out = ((): Outcome => {
    if (!epc.inEpc(secsEpc)) return pfEncls(secsEpc, "SECS is not in the EPC");
    const secs = cpu.secsOf(secsEpc);
    if (!secs) return pfEncls(secsEpc, "the SECS operand is not a valid PT_SECS page");
    if (secs.initialized) return gp("the enclave is already initialized");
    // SDM EINIT order (SDM: EINIT): signature (valid here), then MRENCLAVE, then attributes/XFRM, MISCSELECT.
    if (sig.enclavehash !== "match") return SGX_INVALID_MEASUREMENT;
    if (
      (secs.attributes & sig.attributesMask) !== (sig.attributes & sig.attributesMask) ||
      (secs.xfrm & sig.xfrmMask) !== (sig.xfrm & sig.xfrmMask)
    )
      return SGX_INVALID_ATTRIBUTE;
    if ((secs.miscselect & sig.miscMask) !== (sig.miscselect & sig.miscMask)) return SGX_INVALID_ATTRIBUTE;
    secs.initialized = true;
    secs.attributes |= ATTR_INIT;
    return 0;
  })();
  logLeaf(
    cpu,
    "EINIT",
    secsEpc,
    out,
    "checks the SIGSTRUCT against the measurement and sets ATTRIBUTES.INIT",
  );
  return out;
}
