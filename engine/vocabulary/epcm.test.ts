import { describe, expect, it } from "vitest";
import {
  E_BLOCKED,
  E_PENDING,
  E_PR,
  E_R,
  E_VALID,
  E_W,
  E_X,
  epcmFlagNames,
  epcmFlagsOf,
  hex,
  PAGE_TYPE_NAMES,
  pageTypeLabel,
  pageTypeName,
  pageTypeValue,
  parsePerms,
  permsText,
  SECINFO_PT_SHIFT,
  secinfoPageType,
} from "./index.ts";

describe("vocabulary", () => {
  it("names the page types by their SDM values", () => {
    expect(PAGE_TYPE_NAMES.map((n) => pageTypeValue(n))).toEqual([0, 1, 2, 3, 4]);
    expect(pageTypeName(1)).toBe("TCS");
    expect(pageTypeName(5)).toBeUndefined();
    expect(pageTypeName(1.5)).toBeUndefined();
    expect(pageTypeLabel(7)).toBe("type 7");
    expect(pageTypeValue("PT_REG")).toBe(-1);
    expect(secinfoPageType((2 << SECINFO_PT_SHIFT) | 3)).toBe(2);
  });

  it("writes and reads permission letters", () => {
    expect(permsText(E_R | E_W)).toBe("RW-");
    expect(permsText(0xff)).toBe("RWX");
    expect(permsText(5n)).toBe("R-X");
    for (let b = 0; b < 8; b++) expect(parsePerms(permsText(b))).toBe(b);
    expect(parsePerms("WR-")).toBe(-1);
    expect(parsePerms("rw-")).toBe(-1);
  });

  it("lists EPCM flags in the trace's order and rebuilds the flag byte from trace fields", () => {
    expect(epcmFlagNames(E_BLOCKED | E_PENDING | E_PR | E_VALID | E_X)).toEqual(["PENDING", "PR", "BLOCKED"]);
    const entry = { valid: true, perms: "R-X", pending: true, modified: false, pr: false, blocked: true };
    expect(epcmFlagsOf(entry)).toBe(E_VALID | E_R | E_X | E_PENDING | E_BLOCKED);
  });

  it("writes hex as the trace does", () => {
    expect(hex(0)).toBe("0x0");
    expect(hex(0xc000)).toBe("0xc000");
    expect(hex(2n ** 63n)).toBe("0x8000000000000000");
  });
});
