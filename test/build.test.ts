import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runToExit, spawnBot } from './helpers/child.ts';

/**
 * The production steps, as the Dockerfile and docs/operations.md run them, in a temporary
 * folder: `npm run build` (here with --out-dir), then package.json, package-lock.json, the
 * build and data/ alone with `npm ci --omit=dev`, started with plain node; it answers /healthz
 * and serves its static files, the CLI runs, and no devDependency (tsx, typescript) is there.
 */
const dir = mkdtempSync(join(tmpdir(), 'oa-bot-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));

describe('npm run build, npm ci --omit=dev, node dist/src/main.js', () => {
  it('builds, installs without devDependencies, starts, answers /healthz and stops on SIGTERM', { timeout: 120_000 }, async () => {
    const build = await runToExit({ file: process.execPath, args: ['scripts/build.mjs', '--out-dir', join(dir, 'dist')] }, {}, { timeoutMs: 90_000 });
    expect(build.code, build.output).toBe(0);
    const js = files(join(dir, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js).toContain(join(dir, 'dist/src/main.js'));
    expect(js).toContain(join(dir, 'dist/src/cli/main.js'));
    expect(existsSync(join(dir, 'dist/src/web/static/app.css'))).toBe(true);
    expect(js.some((f) => f.includes('/test/') || f.includes('/bench/'))).toBe(false);
    // every relative import was rewritten to .js (plain node cannot load .ts)
    for (const f of js) expect(readFileSync(f, 'utf8'), f).not.toMatch(/(?:from |import\()\s*["']\.{1,2}\/[^"']*\.ts["']/);

    for (const f of ['package.json', 'package-lock.json']) cpSync(f, join(dir, f));
    cpSync('data', join(dir, 'data'), { recursive: true, filter: (src) => !/\.(lock|jsonl)$|db\.json/.test(src) });
    const install = await runToExit({ file: 'npm', args: ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'] }, {}, { cwd: dir, timeoutMs: 90_000 });
    expect(install.code, install.output).toBe(0);
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild']) expect(existsSync(join(dir, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(dir, 'node_modules/koa'))).toBe(true);

    const bot = await spawnBot({ DB_FILE: join(dir, 'db.json') }, { cwd: dir, command: { file: process.execPath, args: ['dist/src/main.js'] } });
    try {
      const health = await fetch(`${bot.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, store: true });
      const css = await fetch(`${bot.url}/static/app.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toBe(readFileSync('src/web/static/app.css', 'utf8'));
    } finally {
      await bot.stop();
    }
    expect(bot.proc.exitCode).toBe(0);
    expect(existsSync(join(dir, 'db.lock'))).toBe(false);

    const cli = await runToExit({ file: process.execPath, args: ['dist/src/cli/main.js', 'rulebook', 'check'] }, {}, { cwd: dir });
    expect(cli.code, cli.output).toBe(0);
    expect(resolve(dir)).not.toBe(resolve('.'));
  });
});
