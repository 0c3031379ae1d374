// Reader for PyTorch's legacy (pre-1.6, non-zip) checkpoint layout: five pickles, then the raw storages.
import {
  TorchCheckpointError, ELEMENT_SIZES, PyDict, fail, readPickle, stateDictEntries, storageCollector,
  type PyValue, type TorchCheckpoint,
} from "./pickle.js";

/** torch.serialization.MAGIC_NUMBER, the first pickle of every legacy file. */
export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001;

/**
 * Layout (torch.serialization._legacy_save): pickle(magic), pickle(protocol version), pickle(sys_info),
 * pickle(state_dict with storage persistent ids), pickle(list of storage keys), then per key in that order
 * an int64 element count and the elements.
 */
export function readLegacyCheckpoint(bytes: Uint8Array): TorchCheckpoint {
  if (bytes.length === 0 || bytes[0] !== 0x80) {
    fail("not a PyTorch checkpoint: neither a zip archive nor a legacy pickle stream (no pickle PROTO opcode at byte 0)");
  }
  let pos = 0;
  const next = (what: string, options: Parameters<typeof readPickle>[2] = {}): PyValue => {
    try {
      const r = readPickle(bytes, pos, { torch: true, ...options, what });
      pos = r.end;
      return r.value;
    } catch (e) {
      if (e instanceof TorchCheckpointError) throw new TorchCheckpointError(`legacy checkpoint: ${e.message}`, { cause: e });
      throw e;
    }
  };

  const magic = next("pickle 1 of 5 (magic number)");
  if (magic !== LEGACY_MAGIC) {
    fail(`not a PyTorch legacy checkpoint: wrong magic number ${typeof magic === "bigint" || typeof magic === "number" ? `0x${magic.toString(16)}` : `(a ${typeof magic})`}, expected 0x${LEGACY_MAGIC.toString(16)}`);
  }
  const version = next("pickle 2 of 5 (protocol version)");
  if (version !== LEGACY_PROTOCOL_VERSION) fail(`legacy checkpoint: unsupported protocol version ${String(version)}, expected ${LEGACY_PROTOCOL_VERSION}`);
  const sysInfo = next("pickle 3 of 5 (sys_info)");
  if (!(sysInfo instanceof PyDict)) fail("legacy checkpoint: sys_info is not a dict");
  if (sysInfo.map.get("little_endian") !== true) fail("legacy checkpoint: written on a big-endian machine (or sys_info lacks little_endian); only little-endian files are supported");

  const collector = storageCollector(true);
  const entries = stateDictEntries(next("pickle 4 of 5 (state_dict)", { persistentLoad: collector.load }));
  const keys = next("pickle 5 of 5 (storage keys)");
  if (!Array.isArray(keys)) fail("legacy checkpoint: the storage key list is not a list");

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, Uint8Array>();
  for (const key of keys) {
    if (typeof key !== "string") fail("legacy checkpoint: a storage key is not a string");
    if (storages.has(key)) fail(`legacy checkpoint: storage ${JSON.stringify(key)} is listed twice`);
    const ref = collector.seen.get(key);
    if (!ref) fail(`legacy checkpoint: storage ${JSON.stringify(key)} is listed but no tensor uses it`);
    if (bytes.length - pos < 8) fail(`truncated legacy checkpoint: the size of storage ${JSON.stringify(key)} is missing at byte ${pos}`);
    const high = view.getUint32(pos + 4, true);
    const count = view.getUint32(pos, true);
    pos += 8;
    const nbytes = count * ELEMENT_SIZES[ref.dtype]!;
    if (high !== 0 || nbytes > bytes.length - pos) {
      fail(`truncated legacy checkpoint: storage ${JSON.stringify(key)} declares ${high * 2 ** 32 + count} elements of ${ref.dtype} but only ${bytes.length - pos} bytes are left`);
    }
    storages.set(key, bytes.subarray(pos, pos + nbytes));
    pos += nbytes;
  }
  if (pos !== bytes.length) fail(`legacy checkpoint: ${bytes.length - pos} unexpected bytes after the last storage (at byte ${pos})`);
  return { format: "legacy", entries, storages };
}
