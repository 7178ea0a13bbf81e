/**
 * `npm run bench:slow-bodies`: what unauthenticated slow clients cost. Starts the bot (no
 * platform credentials besides a Feishu verification token, lowdb in a temp folder), opens N
 * connections to the Feishu webhook that each announce a 1 MB body and send 64 kB every
 * second, and prints the server's RSS before, at the peak and after, and how many of the
 * connections the server closed within BODY_TIMEOUT_MS + a few seconds. The same again for
 * Slack without its signature headers (refused before the body is read).
 */
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/core/log.ts';
import { BODY_TIMEOUT_MS } from '../src/server/body.ts';
import { startApp } from '../src/wire.ts';

const N = Number(process.argv.find((a) => a.startsWith('--connections='))?.split('=')[1] ?? 200);
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'slow-bodies-'));
const config = loadConfig({ DATA_DIR: 'data', DB_FILE: join(dir, 'db.json'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 'secret-x', FEISHU_VERIFICATION_TOKEN: 'verify-x', SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'signing-secret-x', FEISHU_DOMAIN: 'http://127.0.0.1:9', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
const app = await startApp(config, { log: createLogger('error', [], () => {}), port: 0 });
const { port } = new URL(app.url);

async function attack(path: string, headers: string): Promise<{ closed: number; peak: number }> {
  let closed = 0;
  let peak = mb();
  const sockets = Array.from({ length: N }, () => {
    const s = connect(Number(port), '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => closed++);
    s.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024}\r\n${headers}\r\n{"a":"`);
    return s;
  });
  const deadline = Date.now() + BODY_TIMEOUT_MS + 5_000;
  while (Date.now() < deadline && closed < N) {
    for (const s of sockets) if (!s.destroyed) s.write('x'.repeat(64 * 1024));
    peak = Math.max(peak, mb());
    await sleep(1_000);
  }
  for (const s of sockets) s.destroy();
  return { closed, peak };
}

const before = mb();
console.log(`${N} slow connections, each announcing 1 MB and sending 64 kB a second; body timeout ${BODY_TIMEOUT_MS / 1000} s`);
const f = await attack('/feishu/events', '');
console.log(`feishu webhook: RSS ${before} MB before, ${f.peak} MB at the peak (+${f.peak - before} MB); ${f.closed}/${N} closed by the server within ${(BODY_TIMEOUT_MS + 5_000) / 1000} s`);
await sleep(2_000);
const mid = mb();
const s = await attack('/slack/events', '');
console.log(`slack webhook, no signature headers: RSS ${mid} MB before, ${s.peak} MB at the peak (+${s.peak - mid} MB); ${s.closed}/${N} closed by the server`);
await app.close();
rmSync(dir, { recursive: true, force: true });
