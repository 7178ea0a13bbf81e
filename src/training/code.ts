import { createHmac } from 'node:crypto';

/**
 * The short check-in code the trainer's screen shows (/training/:id/code), new every minute,
 * so a click from one's desk does not count as being in the room. Derived, not stored: any
 * replica computes the same code from the session id, the minute and a server secret.
 */
export const CODE_PERIOD_MS = 60_000;

export function checkInCode(secret: string, sessionId: string, at: Date): string {
  const minute = Math.floor(at.getTime() / CODE_PERIOD_MS);
  const mac = createHmac('sha256', secret).update(`oa-training-code:${sessionId}:${minute}`).digest();
  return String(mac.readUInt32BE(0) % 10_000).padStart(4, '0');
}

/** The code typed now or in the minute before (a code read just before it changed still counts). */
export function codeMatches(secret: string, sessionId: string, at: Date, typed: string): boolean {
  const t = typed.trim().normalize('NFKC');
  return [0, 1].some((back) => checkInCode(secret, sessionId, new Date(at.getTime() - back * CODE_PERIOD_MS)) === t);
}
