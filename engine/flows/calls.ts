// What the selftest enclave runs once entered (selftests defines.h: enum encl_op_type), as
// contract calls (docs/scenario-format.md, Enclave calls). Numbers are written as lowercase hex.

import { hex } from "../vocabulary/hex.ts";

/** The enclave operation to run after EENTER (the selftest enclave's `encl_op_*`). */
export type Call = Record<string, unknown> & { call: string };

// ENCL_OP_* of the selftest enclave (selftests defines.h: enum encl_op_type), as contract calls.
export const write = (addr: number, value: string): Call => ({ call: "write", addr: hex(addr), value });
export const read = (addr: number): Call => ({ call: "read", addr: hex(addr) });
export const exec = (addr: number): Call => ({ call: "exec", addr: hex(addr) });
export const nop = (): Call => ({ call: "nop" });
export const eaccept = (addr: number, secinfo: string): Call => ({
  call: "EACCEPT",
  addr: hex(addr),
  secinfo,
});
export const emodpe = (addr: number, secinfo: string): Call => ({ call: "EMODPE", addr: hex(addr), secinfo });
export const eacceptcopy = (addr: number, src: number, secinfo: string): Call => ({
  call: "EACCEPTCOPY",
  addr: hex(addr),
  src: hex(src),
  secinfo,
});
export const initTcs = (addr: number, ssa: number, entry: number): Call => ({
  call: "init_tcs",
  addr: hex(addr),
  ssa: hex(ssa),
  entry: hex(entry),
});
