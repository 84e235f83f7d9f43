// Numbers as the trace and the log write them: lowercase hex with a 0x prefix.

/** `0x1f` for 31 (numbers and 64-bit words alike). */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
