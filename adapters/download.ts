import { AttachmentError } from '../src/core/transport.ts';

/**
 * Reads a download's body, at most `maxBytes`: a larger one is cut off as soon as it shows
 * (Content-Length, or the bytes as they arrive) and rejected as 'too-large'.
 */
export async function readLimited(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new AttachmentError('too-large', `${declared} bytes`, declared);
  }
  const chunks: Uint8Array[] = [];
  let n = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.byteLength;
      if (n > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new AttachmentError('too-large', `more than ${maxBytes} bytes`, n);
      }
      chunks.push(value);
    }
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}
