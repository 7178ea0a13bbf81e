import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Feishu's encryption: AES-256-CBC, key = sha256(encryptKey), IV = first 16 bytes of the data.
const keyOf = (encryptKey: string) => createHash('sha256').update(encryptKey).digest();

export function decrypt(encryptKey: string, b64: string): string {
  const data = Buffer.from(b64, 'base64');
  const d = createDecipheriv('aes-256-cbc', keyOf(encryptKey), data.subarray(0, 16));
  return Buffer.concat([d.update(data.subarray(16)), d.final()]).toString('utf8');
}

export function encrypt(encryptKey: string, plain: string): string {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
}

/** x-lark-signature: sha256(timestamp + nonce + encryptKey + raw body), hex. */
export function sign(timestamp: string, nonce: string, encryptKey: string, rawBody: string | Buffer): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
