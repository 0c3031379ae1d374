// Restricted pickle reader: decodes only the data-carrying subset of Python's pickle that torch state_dicts use, and never runs code.
//
// A pickle is a program for a stack machine whose GLOBAL + REDUCE opcodes call arbitrary Python functions. Here a
// GLOBAL outside a short allow-list stops the read at once, and REDUCE of an allowed global builds a plain record
// (an empty dict, a TensorRef) instead of calling anything. Every read is bounds-checked and every opcode does
// bounded work, so any input ends in a value or a TorchCheckpointError.

/** Every failure of the torch importer: a message that says what is wrong with the file. */
export class TorchCheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TorchCheckpointError";
  }
}

export function fail(message: string): never {
  throw new TorchCheckpointError(message);
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
/** dict or collections.OrderedDict; keys keep insertion order. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
}
class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}
/** A storage named by a persistent id: its bytes live outside the pickle. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly typeName: string,
    readonly dtype: string,
    /** Elements the pid declares (for a legacy view: the view's size). */
    readonly numel: number,
    /** Legacy views only: start of the view inside storage `key`. */
    readonly viewOffset = 0,
  ) {}
}
/** What torch._utils._rebuild_tensor_v2 would build, as data. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}
type PyKey = string | number | bigint | boolean | null;
export type PyValue = PyKey | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | StorageRef | TensorRef;

/** torch.*Storage class -> dtype, so that a storage of another type can be refused by name. */
const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  ComplexFloatStorage: "complex64",
  ComplexDoubleStorage: "complex128",
};
export const ELEMENT_SIZES: Record<string, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1, complex64: 8, complex128: 16,
};

const ALLOWED_TEXT = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage";

function allowedGlobal(module: string, name: string, torch: boolean): boolean {
  if (module === "collections" && name === "OrderedDict") return true;
  if (!torch) return false;
  if (module === "torch._utils") return name === "_rebuild_tensor_v2" || name === "_rebuild_parameter";
  return module === "torch" && Object.hasOwn(STORAGE_DTYPES, name);
}

interface PickleOptions {
  /** Allow the torch globals; without it only collections.OrderedDict may be named. */
  torch?: boolean;
  /** Turns a persistent id into a value; without it BINPERSID is refused. */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** Names the stream in messages, e.g. "data.pkl". */
  what?: string;
}

const MAX_MARK_DEPTH = 1000;
const MAX_STACK_DEPTH = 100_000;

const OPCODE_NAMES: Record<number, string> = {
  0x28: "MARK", 0x2e: "STOP", 0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4a: "BININT",
  0x4b: "BININT1", 0x4c: "LONG", 0x4d: "BININT2", 0x4e: "NONE", 0x50: "PERSID", 0x51: "BINPERSID", 0x52: "REDUCE",
  0x53: "STRING", 0x54: "BINSTRING", 0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x58: "BINUNICODE", 0x61: "APPEND",
  0x62: "BUILD", 0x63: "GLOBAL", 0x64: "DICT", 0x7d: "EMPTY_DICT", 0x65: "APPENDS", 0x67: "GET", 0x68: "BINGET",
  0x69: "INST", 0x6a: "LONG_BINGET", 0x6c: "LIST", 0x5d: "EMPTY_LIST", 0x6f: "OBJ", 0x70: "PUT", 0x71: "BINPUT",
  0x72: "LONG_BINPUT", 0x73: "SETITEM", 0x74: "TUPLE", 0x29: "EMPTY_TUPLE", 0x75: "SETITEMS", 0x47: "BINFLOAT",
  0x80: "PROTO", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x85: "TUPLE1", 0x86: "TUPLE2", 0x87: "TUPLE3",
  0x88: "NEWTRUE", 0x89: "NEWFALSE", 0x8a: "LONG1", 0x8b: "LONG4", 0x42: "BINBYTES", 0x43: "SHORT_BINBYTES",
  0x8c: "SHORT_BINUNICODE", 0x8d: "BINUNICODE8", 0x8e: "BINBYTES8", 0x8f: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET",
  0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL", 0x94: "MEMOIZE", 0x95: "FRAME", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER",
  0x98: "READONLY_BUFFER",
};

/** A short description of a value's type for messages (never recursive: values may be cyclic). */
function describe(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || typeof v === "bigint") return "int";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "list";
  if (v instanceof PyTuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyDict) return "dict";
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof StorageRef) return "storage";
  return "tensor";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads one pickle starting at `start`; returns its value and the offset just after its STOP. */
export function readPickle(bytes: Uint8Array, start = 0, options: PickleOptions = {}): { value: PyValue; end: number } {
  const what = options.what ? ` in ${options.what}` : "";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let pos = start;
  let opPos = start;
  let opName = "";

  const at = () => `${opName} at byte ${opPos}${what}`;
  const need = (n: number): number => {
    if (n > bytes.length - pos) fail(`truncated pickle: ${at()} needs ${n} bytes, only ${bytes.length - pos} left`);
    const p = pos;
    pos += n;
    return p;
  };
  const push = (v: PyValue) => {
    if (stack.length >= MAX_STACK_DEPTH) fail(`pickle nesting too deep: more than ${MAX_STACK_DEPTH} values on the stack (${at()})`);
    stack.push(v);
  };
  const pop = (): PyValue => {
    if (stack.length === 0 || stack.length <= (marks[marks.length - 1] ?? -1)) fail(`invalid pickle: ${at()} finds no value on the stack`);
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0 || stack.length <= (marks[marks.length - 1] ?? -1)) fail(`invalid pickle: ${at()} finds no value on the stack`);
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) fail(`invalid pickle: ${at()} without a MARK`);
    return stack.splice(m);
  };
  const text = (p: number, n: number): string => {
    try {
      return utf8.decode(bytes.subarray(p, p + n));
    } catch {
      return fail(`invalid pickle: ${at()} holds a string that is not valid UTF-8`);
    }
  };
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) fail(`truncated pickle: ${at()} has no end of line`);
    const s = text(pos, nl - pos);
    pos = nl + 1;
    return s;
  };
  const length64 = (): number => {
    const p = need(8);
    const n = view.getUint32(p + 4, true) * 2 ** 32 + view.getUint32(p, true);
    if (n > bytes.length - pos) fail(`truncated pickle: ${at()} declares ${n} bytes, only ${bytes.length - pos} left`);
    return n;
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) fail(`invalid pickle: ${at()} reads memo entry ${i}, which was never stored`);
    push(memo.get(i)!);
  };
  const setItems = (dict: PyValue, items: PyValue[]) => {
    if (!(dict instanceof PyDict)) fail(`invalid pickle: ${at()} stores items into a ${describe(dict)}, not a dict`);
    if (items.length % 2 !== 0) fail(`invalid pickle: ${at()} has an odd number of keys and values`);
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      if (k !== null && typeof k === "object") fail(`unsupported pickle: ${at()} uses a ${describe(k)} as a dict key`);
      dict.map.set(k, items[i + 1]!);
    }
  };
  const global = (module: string, name: string): PyGlobal => {
    // The allow-list is checked here, before any REDUCE could use the global: nothing outside it is ever resolved.
    if (!allowedGlobal(module, name, options.torch === true)) {
      fail(`forbidden global ${module}.${name} (${at()}): refused without running anything; only ${options.torch ? ALLOWED_TEXT : "collections.OrderedDict"} may appear`);
    }
    return new PyGlobal(module, name);
  };

  for (;;) {
    opPos = pos;
    if (pos >= bytes.length) fail(`truncated pickle: the stream${what} ends at byte ${pos} before its STOP opcode`);
    const op = bytes[pos++]!;
    opName = OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, "0")}`;
    switch (op) {
      case 0x80: { // PROTO
        const v = bytes[need(1)]!;
        if (v > 5) fail(`unsupported pickle protocol ${v} (${at()})`);
        break;
      }
      case 0x95: // FRAME: only a hint for buffered readers; the frame's bytes are read as ordinary opcodes.
        length64();
        break;
      case 0x2e: { // STOP
        if (marks.length !== 0 || stack.length !== 1) fail(`invalid pickle: ${at()} with ${stack.length} values and ${marks.length} open MARKs`);
        return { value: stack[0]!, end: pos };
      }
      case 0x28: // MARK
        if (marks.length >= MAX_MARK_DEPTH) fail(`pickle nesting too deep: more than ${MAX_MARK_DEPTH} open MARKs (${at()})`);
        marks.push(stack.length);
        break;
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: push(bytes[need(1)]!); break; // BININT1
      case 0x4d: push(view.getUint16(need(2), true)); break; // BININT2
      case 0x8a: { // LONG1: little-endian two's complement
        const n = bytes[need(1)]!;
        const p = need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[p + i]!);
        if (n > 0 && bytes[p + n - 1]! >= 0x80) v -= 1n << BigInt(8 * n);
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: { // BINUNICODE
        const n = view.getUint32(need(4), true);
        push(text(need(n), n));
        break;
      }
      case 0x8c: { // SHORT_BINUNICODE
        const n = bytes[need(1)]!;
        push(text(need(n), n));
        break;
      }
      case 0x8d: { // BINUNICODE8
        const n = length64();
        push(text(need(n), n));
        break;
      }
      case 0x42: { // BINBYTES
        const n = view.getUint32(need(4), true);
        push(bytes.slice(need(n), pos));
        break;
      }
      case 0x43: { // SHORT_BINBYTES
        const n = bytes[need(1)]!;
        push(bytes.slice(need(n), pos));
        break;
      }
      case 0x8e: { // BINBYTES8
        const n = length64();
        push(bytes.slice(need(n), pos));
        break;
      }
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { // TUPLE2
        const b = pop();
        push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: { // TUPLE3
        const c = pop();
        const b = pop();
        push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x6c: push(popMark()); break; // LIST
      case 0x64: { // DICT
        const d = new PyDict();
        setItems(d, popMark());
        push(d);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail(`invalid pickle: ${at()} appends to a ${describe(list)}, not a list`);
        list.push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail(`invalid pickle: ${at()} appends to a ${describe(list)}, not a list`);
        for (const v of items) list.push(v);
        break;
      }
      case 0x71: memo.set(bytes[need(1)]!, top()); break; // BINPUT
      case 0x72: memo.set(view.getUint32(need(4), true), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: memoGet(bytes[need(1)]!); break; // BINGET
      case 0x6a: memoGet(view.getUint32(need(4), true)); break; // LONG_BINGET
      case 0x63: { // GLOBAL
        const module = line();
        push(global(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail(`invalid pickle: ${at()} needs two strings`);
        push(global(module, name));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        push(reduce(pop(), args, at()));
        break;
      }
      case 0x62: { // BUILD: only OrderedDict's state (torch's _metadata attribute), which is not needed and dropped
        pop();
        if (!(top() instanceof PyDict)) fail(`unsupported pickle: ${at()} sets the state of a ${describe(top())}; only dicts are accepted`);
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) fail(`unexpected persistent id (${at()}): this pickle may not reference external data`);
        push(options.persistentLoad(pid));
        break;
      }
      default:
        if (OPCODE_NAMES[op]) fail(`unsupported pickle opcode ${opName} (at byte ${opPos}${what})`);
        fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, "0")} at byte ${opPos}${what}: not a pickle, or a corrupt one`);
    }
  }
}

/** A non-negative safe integer (pickled ints may be bigints). */
export function index(v: PyValue, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(`${what} must be a non-negative integer, got ${typeof v === "bigint" ? String(v) : describe(v)}`);
  return v;
}

function intTuple(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple)) fail(`${what} must be a tuple of integers, got ${describe(v)}`);
  return v.items.map((x, i) => index(x, `${what}[${i}]`));
}

/** REDUCE of an allowed global, interpreted as data: nothing is called. */
function reduce(fn: PyValue, args: PyValue, at: string): PyValue {
  if (!(fn instanceof PyGlobal)) fail(`unsupported pickle: ${at} calls a ${describe(fn)}; only allowed globals may be reduced`);
  if (!(args instanceof PyTuple)) fail(`invalid pickle: ${at} gives ${fn.qualified} arguments that are not a tuple`);
  const a = args.items;
  switch (fn.qualified) {
    case "collections.OrderedDict":
      if (a.length !== 0) fail(`unsupported pickle: ${at} builds an OrderedDict from arguments; only OrderedDict() is accepted`);
      return new PyDict();
    case "torch._utils._rebuild_tensor_v2": {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (a.length !== 6 && a.length !== 7) fail(`invalid tensor (${at}): _rebuild_tensor_v2 takes 6 or 7 arguments, got ${a.length}`);
      const storage = a[0]!;
      if (!(storage instanceof StorageRef)) fail(`invalid tensor (${at}): its storage is a ${describe(storage)}, not a storage persistent id`);
      const shape = intTuple(a[2]!, `tensor size (${at})`);
      const stride = intTuple(a[3]!, `tensor stride (${at})`);
      if (shape.length !== stride.length) fail(`invalid tensor (${at}): size has ${shape.length} dimensions but stride has ${stride.length}`);
      return new TensorRef(storage, index(a[1]!, `tensor storage offset (${at})`), shape, stride);
    }
    case "torch._utils._rebuild_parameter": {
      // (data, requires_grad, backward_hooks): a Parameter is its data tensor here.
      if (a.length !== 3 || !(a[0] instanceof TensorRef)) fail(`invalid parameter (${at}): _rebuild_parameter needs (tensor, requires_grad, hooks)`);
      return a[0];
    }
    default:
      return fail(`unsupported pickle: ${at} calls ${fn.qualified}, which may only appear as a storage type`);
  }
}

/** The storage named by a torch persistent id: ('storage', torch.XStorage, key, location, numel[, view_metadata]). */
function storageFromPid(pid: PyValue, legacy: boolean): StorageRef {
  if (!(pid instanceof PyTuple)) fail(`invalid persistent id: a ${describe(pid)}, not a tuple`);
  const [kind, cls, key, , numel, view] = pid.items;
  if (kind !== "storage") fail(`unsupported persistent id kind ${typeof kind === "string" ? JSON.stringify(kind) : describe(kind ?? null)}; only 'storage' is known`);
  if (pid.items.length !== (legacy ? 6 : 5)) fail(`invalid storage persistent id: ${pid.items.length} items, expected ${legacy ? 6 : 5}`);
  if (!(cls instanceof PyGlobal) || cls.module !== "torch" || !Object.hasOwn(STORAGE_DTYPES, cls.name)) {
    fail(`invalid storage persistent id: storage type is ${describe(cls ?? null)}, not a torch.*Storage`);
  }
  if (typeof key !== "string") fail(`invalid storage persistent id: key is a ${describe(key ?? null)}, not a string`);
  const n = index(numel ?? null, `numel of storage ${JSON.stringify(key)}`);
  const dtype = STORAGE_DTYPES[cls.name]!;
  if (!legacy || view === null) return new StorageRef(key, cls.qualified, dtype, n);
  // Legacy view: (view_key, offset, view_size) into the root storage `key`.
  if (!(view instanceof PyTuple) || view.items.length !== 3) fail(`invalid storage view of ${JSON.stringify(key)}: expected (key, offset, size)`);
  const viewOffset = index(view.items[1]!, `offset of view into storage ${JSON.stringify(key)}`);
  const viewSize = index(view.items[2]!, `size of view into storage ${JSON.stringify(key)}`);
  if (viewOffset + viewSize > n) fail(`storage view [${viewOffset}, ${viewOffset + viewSize}) lies outside storage ${JSON.stringify(key)} of ${n} elements`);
  return new StorageRef(key, cls.qualified, dtype, viewSize, viewOffset);
}

/** A torch.load-able state_dict: its (name, tensor) entries in order. */
export function stateDictEntries(v: PyValue): [string, TensorRef][] {
  if (!(v instanceof PyDict)) fail(`the checkpoint holds a ${describe(v)}, not a state_dict (a dict of tensors)`);
  const out: [string, TensorRef][] = [];
  for (const [k, t] of v.map) {
    if (typeof k !== "string") fail(`state_dict key ${String(k)} is not a string`);
    if (!(t instanceof TensorRef)) fail(`state_dict entry ${JSON.stringify(k)} is a ${describe(t)}, not a tensor`);
    out.push([k, t]);
  }
  return out;
}

/** A checkpoint as read from either format: the tensor records and the raw bytes of every storage they use. */
export interface TorchCheckpoint {
  format: "legacy" | "zip";
  entries: [string, TensorRef][];
  /** storage key -> its bytes (little-endian elements). */
  storages: Map<string, Uint8Array>;
}

/** Records each storage a pickle references, refusing one key used with two types. */
export function storageCollector(legacy: boolean): { load: (pid: PyValue) => StorageRef; seen: Map<string, StorageRef> } {
  const seen = new Map<string, StorageRef>();
  const load = (pid: PyValue) => {
    const s = storageFromPid(pid, legacy);
    const prev = seen.get(s.key);
    if (prev && prev.typeName !== s.typeName) fail(`storage ${JSON.stringify(s.key)} is used as both ${prev.typeName} and ${s.typeName}`);
    if (!prev) seen.set(s.key, s);
    return s;
  };
  return { load, seen };
}
