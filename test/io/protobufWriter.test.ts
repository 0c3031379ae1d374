// The protobuf writer's wire format, checked against encodings worked out by hand from the protobuf spec.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProtoWriter } from "../../src/io/protobufWriter.js";

test("varints (1, 300, 2^40), strings and nested messages encode as the spec says", () => {
  assert.equal([...new ProtoWriter().int(1, 1).finish()], [0x08, 0x01]);
  assert.equal([...new ProtoWriter().int(1, 300).finish()], [0x08, 0xac, 0x02]);
  assert.equal([...new ProtoWriter().int(2, 2 ** 40).finish()], [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  assert.equal([...new ProtoWriter().string(2, "ab").finish()], [0x12, 0x02, 0x61, 0x62]);
  assert.equal([...new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish()], [0x1a, 0x03, 0x08, 0x96, 0x01]);
});

test.run();
