// NumPy .npy (format 1.0): a little-endian float64 C-order matrix, as numpy.load reads it.

/** The bytes of a rows x cols float64 matrix (data row-major, rows * cols values). */
export function encodeNpy(data: Float64Array, rows: number, cols: number): Uint8Array {
  if (data.length !== rows * cols) throw new Error(`npy: ${data.length} values for a ${rows} x ${cols} matrix`);
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // magic (6) + version (2) + header length (2) + header + '\n', padded with spaces to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const out = new Uint8Array(total + data.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, total);
  for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
  return out;
}

/** Reads what encodeNpy writes (float64, C order, 2-D): the matrix and its shape. */
export function decodeNpy(bytes: Uint8Array): { data: Float64Array; rows: number; cols: number } {
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== "NUMPY") throw new Error("npy: not a .npy file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint16(8, true);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + len));
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (!header.includes("'<f8'") || header.includes("'fortran_order': True") || !shape) throw new Error(`npy: unsupported header ${header.trim()}`);
  const rows = Number(shape[1]), cols = Number(shape[2]), data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat64(10 + len + i * 8, true);
  return { data, rows, cols };
}
