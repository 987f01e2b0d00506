// An answer's body, read within a byte limit as it streams. fetch decodes gzip and
// deflate itself, chunk by chunk as they are read, so the limit counts decoded bytes and
// a small body that inflates to gigabytes stops at the limit: reading stops, and the
// stream (with its decoder and connection) is cancelled.

/** The decoded body is over the limit. */
export class BodyTooLarge extends Error {}

/** The decoded body of `response`, at most `limit` bytes, else BodyTooLarge. */
export async function readBody(response: Response, limit: number): Promise<Uint8Array> {
  const stream = response.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        throw new BodyTooLarge(`over ${limit} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
