// MRENCLAVE stand-in. The SDM builds MRENCLAVE as SHA-256 over ECREATE/EADD/EEXTEND records; the
// model keeps a 32-bit FNV-1a digest over the same records instead, because it only needs to
// know whether SIGSTRUCT.ENCLAVEHASH matches. The digest is never shown as a real MRENCLAVE.

export function measure(digest: number, tag: string, ...fields: number[]): number {
  let h = digest ^ 0x811c9dc5;
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193);
  for (const f of fields) {
    h = Math.imul(h ^ (f & 0xffff), 0x01000193);
    h = Math.imul(h ^ (Math.floor(f / 0x10000) % 0x10000), 0x01000193);
    h = Math.imul(h ^ Math.floor(f / 0x100000000), 0x01000193);
  }
  return h >>> 0;
}
