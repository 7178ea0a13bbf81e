// npm run build [-- --out-dir DIR]: the production build. tsc (tsconfig.build.json) compiles
// src/ and adapters/ to DIR (default dist/; relative .ts imports become .js), then the files the
// code reads beside itself (src/web/static/*) are copied next to the compiled modules. Start it
// with `npm run start:prod` (node dist/src/main.js): plain node, no devDependency.
// Plain JavaScript so that it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const i = process.argv.indexOf('--out-dir');
const out = resolve(i > 0 && process.argv[i + 1] ? process.argv[i + 1] : join(root, 'dist'));

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`build: tsc failed (exit ${r.status ?? r.signal}); nothing to start from ${relative(process.cwd(), out) || out}`);
  process.exit(1);
}

// Everything under src/ and adapters/ that tsc does not compile (static assets), same place under DIR.
let copied = 0;
const copyAssets = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (!/\.(ts|mts|cts)$/.test(name)) {
      cpSync(path, join(out, relative(root, path)));
      copied++;
    }
  }
};
for (const d of ['src', 'adapters']) copyAssets(join(root, d));
console.log(`build: ${relative(process.cwd(), out) || out} (${copied} static files copied); start with: node ${relative(process.cwd(), join(out, 'src/main.js'))}`);
