import type { IncomingHttpHeaders } from 'node:http';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../src/server/json-depth.ts';
import { decrypt, sameHex, sign } from './crypto.ts';

export const MAX_SKEW_MS = 5 * 60 * 1000;

export type Checked =
  | { ok: true; outer: Record<string, unknown>; inner: Record<string, any>; challenge?: string }
  | { ok: false; status: 400 | 401; reason: string };

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Our own gate in front of the SDK's dispatcher, over the raw bytes: the SDK checks a
 * signature over re-serialised JSON, has no replay window and never compares the token.
 * With an encrypt key every body must be encrypted and (except the URL challenge, which
 * Feishu does not sign) signed within 5 minutes; the verification token, which sits inside
 * the decrypted body, must match when configured.
 */
export function checkFeishuRequest(
  raw: Buffer,
  headers: IncomingHttpHeaders,
  cfg: { encryptKey?: string; verificationToken?: string },
  nowMs: number,
): Checked {
  let outer: unknown;
  try {
    outer = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'malformed JSON' };
  }
  if (!isObject(outer)) return { ok: false, status: 400, reason: 'body is not a JSON object' };

  let inner: Record<string, any> = outer;
  if (cfg.encryptKey) {
    if (typeof outer.encrypt !== 'string') return { ok: false, status: 401, reason: 'body is not encrypted but FEISHU_ENCRYPT_KEY is set' };
    let plain: string;
    try {
      plain = decrypt(cfg.encryptKey, outer.encrypt);
    } catch {
      return { ok: false, status: 401, reason: 'body does not decrypt with FEISHU_ENCRYPT_KEY' };
    }
    // Feishu only ever encrypts JSON objects: anything else was encrypted with another key
    // (CBC padding passes by chance about once in 256 tries), so it is unauthenticated: 401.
    if (jsonTooDeep(plain)) return { ok: false, status: 400, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
    try {
      const parsed: unknown = JSON.parse(plain);
      if (!isObject(parsed)) return { ok: false, status: 401, reason: 'decrypted body is not a JSON object' };
      inner = parsed;
    } catch {
      return { ok: false, status: 401, reason: 'body does not decrypt with FEISHU_ENCRYPT_KEY' };
    }
  } else if ('encrypt' in outer) {
    return { ok: false, status: 400, reason: 'encrypted body but FEISHU_ENCRYPT_KEY is not set' };
  }

  const isChallenge = inner.type === 'url_verification';
  if (cfg.encryptKey && !isChallenge) {
    const ts = header(headers, 'x-lark-request-timestamp');
    const nonce = header(headers, 'x-lark-request-nonce');
    const sig = header(headers, 'x-lark-signature');
    if (!ts || !nonce || !sig) return { ok: false, status: 401, reason: 'signature headers missing' };
    if (!sameHex(sign(ts, nonce, cfg.encryptKey, raw), sig)) return { ok: false, status: 401, reason: 'wrong signature' };
    const t = Number(ts) * 1000;
    if (!Number.isFinite(t) || Math.abs(nowMs - t) > MAX_SKEW_MS) return { ok: false, status: 401, reason: 'stale timestamp' };
  }

  if (cfg.verificationToken) {
    const token = isObject(inner.header) ? inner.header.token : inner.token;
    if (token !== cfg.verificationToken) return { ok: false, status: 401, reason: 'wrong verification token' };
  }
  return isChallenge ? { ok: true, outer, inner, challenge: String(inner.challenge ?? '') } : { ok: true, outer, inner };
}
