/** The Confluent Schema Registry wire format: magic byte, schema id, then the Avro body. */
const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

export function frame(schemaId: number, body: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) {
    throw new RangeError(`schema id must be an integer from 0 to 4294967295, got ${schemaId}`);
  }
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeUInt32BE(schemaId, 1);
  out.set(body, HEADER_LENGTH);
  return out;
}

export function unframe(bytes: Uint8Array): { schemaId: number; body: Buffer } {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_LENGTH) {
    throw new TypeError(`not Confluent wire format: ${buffer.length} bytes is shorter than the 5-byte header`);
  }
  const magic = buffer.readUInt8(0);
  if (magic !== MAGIC_BYTE) {
    throw new TypeError(
      `not Confluent wire format: magic byte is 0x${magic.toString(16).padStart(2, "0")}, expected 0x00 (was the message framed by a schema-registry serializer?)`,
    );
  }
  return { schemaId: buffer.readUInt32BE(1), body: buffer.subarray(HEADER_LENGTH) };
}
