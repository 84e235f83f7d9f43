import { describe, expect, it } from "vitest";
import { faultLabel, vectorName } from "./faults.ts";

describe("vectorName", () => {
  it("uses the SDM mnemonics", () => {
    expect(vectorName(14)).toBe("#PF");
    expect(vectorName(13)).toBe("#GP");
    expect(vectorName(99)).toBe("vector 99");
  });
});

describe("fault labels and bits", () => {
  it("formats a fault as the SDM writes it", () => {
    expect(faultLabel(14, "0x8007")).toBe("#PF 0x8007");
    expect(faultLabel(13, undefined)).toBe("#GP 0x0");
  });
});
