// A minimal protocol-buffers writer (wire types varint and length-delimited): enough to build an ONNX model in memory.

/** One message being written: fields appended in order, nested messages as bytes. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number | bigint): void {
    // int64 fields take negative values as ten-byte two's complement; QDF's are all >= 0 (dims, versions, enums).
    let v = BigInt(value);
    if (v < 0n) v = BigInt.asUintN(64, v);
    const out: number[] = [];
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? byte | 0x80 : byte);
    } while (v > 0n);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wireType: 0 | 2): void {
    this.varint((field << 3) | wireType);
  }

  /** An integer field (int32, int64, enum), as a varint. */
  int(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  /** A bytes field (raw_data, nested messages). */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message field. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
