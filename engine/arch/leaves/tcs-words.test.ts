import { describe, expect, it } from "vitest";
import { TCS_CSSA_NSSA } from "../constants.ts";
import { Cpu } from "../cpu.ts";
import { tcsCssa, tcsNssa } from "./enclu.ts";

describe("CSSA and NSSA of the TCS word at offset 24", () => {
  it("split as the BigInt masks split them, on both sides of 2^53 and for negative words", () => {
    const cpu = new Cpu(8, true);
    const words = [
      0n,
      1n,
      (1n << 32n) | 5n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      (0x1fffffn << 32n) | 0xffffffffn,
      0x200000n << 32n,
      2n ** 64n - 1n,
      -1n,
      -(2n ** 53n),
    ];
    for (const w of words) {
      cpu.epc.writeWord(3, TCS_CSSA_NSSA, w);
      expect([tcsCssa(cpu, 3), tcsNssa(cpu, 3)]).toEqual([Number(w & 0xffffffffn), Number(w >> 32n)]);
    }
  });
});
