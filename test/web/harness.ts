/**
 * Browser test harness: the real server (startApp, no platform credentials, temp DB_FILE,
 * port 0) and Debian's headless Chromium through playwright-core. Screenshots go to
 * test-artifacts/ (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/log.ts';
import { startApp, type RunningApp } from '../../src/wire.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export async function startWebApp(env: Record<string, string> = {}, opts: { clock?: Clock } = {}): Promise<{ app: RunningApp; url: string; logs: string[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'oa-web-test-'));
  const logs: string[] = [];
  const log = createLogger('debug', [], (l) => void logs.push(l));
  const config = loadConfig({ DATA_DIR: 'data', DB_FILE: join(dir, 'db.json'), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', ...env });
  const app = await startApp(config, { log, port: 0, clock: opts.clock });
  return {
    app,
    url: app.url,
    logs,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const shot = (name: string) => join(ARTIFACTS, `${name}.png`);

/** The element's text now, or '' while it is not there (for expect.poll). */
export const text = (l: Locator) => l.innerText({ timeout: 1000 }).catch(() => '');
