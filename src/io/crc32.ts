// CRC-32 (IEEE 802.3, as zlib and PNG use it), for PNG chunks and checkpoint checksums.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a running CRC (start with 0xffffffff; xor the end result with 0xffffffff). */
function crc32Update(crc: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

/** The finished CRC-32 of the concatenated chunks, as an unsigned 32-bit number. */
export function crc32(chunks: Iterable<Uint8Array>): number {
  let c = 0xffffffff;
  for (const bytes of chunks) c = crc32Update(c, bytes);
  return (c ^ 0xffffffff) >>> 0;
}
