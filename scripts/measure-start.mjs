// node scripts/measure-start.mjs "<command>" [runs]: start-up and memory of a way to start the bot.
// Per run: ms from spawn to the first 200 from /healthz, then (2 s later) the RSS of the process that
// uses most (the server) and of the whole process tree (npm, tsx, node). Prints the medians. Run from
// the repository root; uses port 3940 and a temporary DB_FILE; e.g. "npm start", "npm run start:prod".
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const [cmd, runs = '5'] = process.argv.slice(2);
const port = 3940;
const rss = (pid) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return 0; } };
const children = (pid) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid); } catch { return false; } }).map(Number);
const tree = (pid) => [pid, ...children(pid).flatMap(tree)];
const out = [];
for (let i = 0; i < Number(runs); i++) {
  const dir = mkdtempSync(join(tmpdir(), 'measure-'));
  const t0 = performance.now();
  const p = spawn('sh', ['-c', `exec ${cmd}`], { cwd: process.cwd(), env: { ...process.env, PORT: String(port), DB_FILE: join(dir, 'db.json'), ENV_FILE: '/dev/null', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  for (;;) { try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 10)); }
  const ready = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 2000));
  const pids = tree(p.pid);
  const server = Math.max(...pids.map(rss));
  const all = pids.reduce((a, q) => a + rss(q), 0);
  p.kill('SIGTERM');
  await new Promise((r) => p.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  out.push({ ready, server, all, n: pids.length });
}
const med = (k) => out.map((o) => o[k]).sort((a, b) => a - b)[Math.floor(out.length / 2)];
console.log(`${cmd}: median of ${runs}: ready ${med('ready').toFixed(0)} ms, server RSS ${med('server').toFixed(0)} MB, whole tree ${med('all').toFixed(0)} MB (${out[0].n} processes)`);
console.log('  runs:', out.map((o) => `${o.ready.toFixed(0)}ms/${o.server.toFixed(0)}MB/${o.all.toFixed(0)}MB`).join(' '));
