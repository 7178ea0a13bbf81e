import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The bot as a real process (`node --import tsx src/main.ts`), so a test can kill -9 it.
 * Resolves once it logged "listening", with its URL.
 */
export interface BotProcess {
  url: string;
  proc: ChildProcess;
  output: string[];
  /** SIGKILL, no shutdown hooks; resolves when the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnBot(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start in ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    const onData = (b: Buffer) => {
      output.push(b.toString());
      const m = /"msg":"listening".*?"url":"([^"]+)"/.exec(output.join(''));
      if (m) {
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
