// Reader for PyTorch's zip checkpoint layout (torch >= 1.6): <archive>/data.pkl plus one file <archive>/data/<key> per storage.
import { unzipSync } from "fflate";
import { ELEMENT_SIZES, TorchCheckpointError, fail, readPickle, stateDictEntries, storageCollector, type TorchCheckpoint } from "./pickle.js";

/** 'PK\x03\x04': a zip local file header, how torch.load itself tells the formats apart. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

// Read first: the pickle and the byte order. Storages are inflated only once the pickle says which ones a tensor
// uses (an unreferenced entry, however large it expands, is never inflated), each bounded by its declared size.
const FRAME = /^[^/]+\/(data\.pkl|byteorder)$/;
const MAX_ENTRIES = 100_000;
const MAX_ENTRY_BYTES = 2 ** 31 - 1;
const MAX_TOTAL_BYTES = 2 ** 32;
/** Deflate cannot expand more than about 1032:1; a larger declared size is a lie meant to make us allocate. */
const MAX_DEFLATE_RATIO = 1100;

/**
 * The entries `limit` names (it gives each wanted name its largest allowed size, undefined for the rest), checked
 * against the central directory before anything is inflated; `total` bounds the wanted entries' declared sizes.
 */
function unzip(bytes: Uint8Array, limit: (name: string) => number | undefined, total: number): Record<string, Uint8Array> {
  let seen = 0;
  let packed = 0;
  let unpacked = 0;
  try {
    return unzipSync(bytes, {
      // The filter runs once per central-directory entry before anything is inflated, so it also bounds the
      // work fflate does on a corrupt entry count.
      filter: (f) => {
        if (++seen > MAX_ENTRIES) fail(`zip archive has more than ${MAX_ENTRIES} entries`);
        const most = limit(f.name);
        if (most === undefined) return false;
        if (f.originalSize > most) fail(`zip entry ${JSON.stringify(f.name)} expands to ${f.originalSize} bytes, more than the ${most} it may hold`);
        if (f.size > bytes.length) fail(`zip entry ${JSON.stringify(f.name)} claims ${f.size} bytes, more than the whole file`);
        if (f.originalSize > MAX_ENTRY_BYTES) fail(`zip entry ${JSON.stringify(f.name)} is too large (${f.originalSize} bytes)`);
        if (f.compression === 0 && f.originalSize !== f.size) fail(`zip entry ${JSON.stringify(f.name)} is stored but its sizes differ`);
        if (f.compression !== 0 && f.originalSize > Math.max(1024, f.size * MAX_DEFLATE_RATIO)) {
          fail(`zip entry ${JSON.stringify(f.name)} declares an impossible expansion to ${f.originalSize} bytes`);
        }
        // Entries may overlap in a crafted zip; more packed bytes than the file has means they do.
        packed += f.size;
        unpacked += f.originalSize;
        if (packed > bytes.length) fail("zip entries overlap (their sizes add up to more than the file)");
        if (unpacked > total) fail(`zip archive's entries expand to more than ${total} bytes`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof TorchCheckpointError) throw e;
    throw new TorchCheckpointError(`invalid zip archive (truncated or corrupt): ${(e as Error).message ?? String(e)}`, { cause: e });
  }
}

export function readZipCheckpoint(bytes: Uint8Array): TorchCheckpoint {
  const files = unzip(bytes, (name) => (FRAME.test(name) ? MAX_ENTRY_BYTES : undefined), MAX_TOTAL_BYTES);
  const pkls = Object.keys(files).filter((n) => n.endsWith("/data.pkl"));
  if (pkls.length === 0) fail("zip archive has no <archive>/data.pkl: not a PyTorch checkpoint");
  if (pkls.length > 1) fail(`zip archive has ${pkls.length} data.pkl files (${pkls.join(", ")}); expected one`);
  const prefix = pkls[0]!.slice(0, -"data.pkl".length);
  const data = files[pkls[0]!]!;

  const order = files[`${prefix}byteorder`];
  if (order !== undefined && new TextDecoder().decode(order) !== "little") fail("zip checkpoint: byteorder is not 'little'; only little-endian files are supported");

  const collector = storageCollector(false);
  let end: number;
  let value;
  try {
    ({ value, end } = readPickle(data, 0, { torch: true, persistentLoad: collector.load, what: `${prefix}data.pkl` }));
  } catch (e) {
    if (e instanceof TorchCheckpointError) throw new TorchCheckpointError(`zip checkpoint: ${e.message}`, { cause: e });
    throw e;
  }
  if (end !== data.length) fail(`zip checkpoint: ${data.length - end} unexpected bytes after the pickle in ${prefix}data.pkl`);
  const entries = stateDictEntries(value);

  // Only the storages the state_dict's tensors use, each at most the bytes its persistent id declares.
  const declared = new Map<string, number>();
  for (const [, t] of entries) declared.set(`${prefix}data/${t.storage.key}`, collector.seen.get(t.storage.key)!.numel * ELEMENT_SIZES[t.storage.dtype]!);
  let sum = 0;
  for (const n of declared.values()) sum += n;
  const inflated = unzip(bytes, (name) => declared.get(name), Math.min(sum, MAX_TOTAL_BYTES));
  const storages = new Map<string, Uint8Array>();
  for (const name of declared.keys()) {
    const key = name.slice(`${prefix}data/`.length);
    const file = Object.hasOwn(inflated, name) ? inflated[name] : undefined;
    if (file === undefined) fail(`zip checkpoint: storage ${JSON.stringify(key)} is missing (no ${name} in the archive)`);
    storages.set(key, file);
  }
  return { format: "zip", entries, storages };
}
