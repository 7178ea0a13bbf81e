import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The bot as a real process (`node --import tsx src/main.ts`), so a test can kill -9 it.
 * Resolves once it logged "listening", with its URL.
 *
 * It reads no .env (ENV_FILE=/dev/null) unless `env` says otherwise. Options: `cwd` (the
 * working directory; the module paths are made absolute), `command` (another way to start it,
 * e.g. `{ file: 'npm', args: ['start'] }` or the built `node dist/src/main.js`).
 */
export interface BotProcess {
  url: string;
  proc: ChildProcess;
  output: string[];
  /** SIGKILL, no shutdown hooks; resolves when the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  timeoutMs?: number;
  cwd?: string;
  command?: { file: string; args: string[] };
}

/** The environment every bot child starts from (plus what the test gives). */
export function childEnv(env: Record<string, string | undefined>): Record<string, string> {
  const all = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ENV_FILE: '/dev/null', ...env };
  // undefined: not in the child's environment at all (e.g. PORT, to let a .env file set it)
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

/** `node --import tsx src/main.ts`, with absolute paths (so it runs from any working directory). */
export function tsxMain(): { file: string; args: string[] } {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file: process.execPath, args: ['--import', loader, resolve('src/main.ts')] };
}

export async function spawnBot(env: Record<string, string | undefined>, opts: number | SpawnOptions = {}): Promise<BotProcess> {
  const o = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const cmd = o.command ?? (o.cwd ? tsxMain() : { file: process.execPath, args: ['--import', 'tsx', 'src/main.ts'] });
  const proc = spawn(cmd.file, cmd.args, { cwd: o.cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start in ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    let listening = false;
    const onData = (b: Buffer) => {
      output.push(b.toString());
      // Only until it listens: joining the whole output again for every later chunk (an access
      // log line per request under load) made the parent, not the bot, the bottleneck.
      if (listening) return;
      const m = /"msg":"listening".*?"url":"([^"]+)"/.exec(output.join(''));
      if (m) {
        listening = true;
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code} before listening:\n${output.join('')}`));
    });
  });
  return {
    url,
    proc,
    output,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a command to its end: its exit code, signal and output (stdout and stderr together). */
export function runToExit(cmd: { file: string; args: string[] }, env: Record<string, string | undefined>, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; ms: number }> {
  const t0 = Date.now();
  const proc = spawn(cmd.file, cmd.args, { cwd: opts.cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`${cmd.file} ${cmd.args.join(' ')} did not exit in ${opts.timeoutMs ?? 30_000} ms:\n${output}`));
    }, opts.timeoutMs ?? 30_000);
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, output, ms: Date.now() - t0 });
    });
  });
}
