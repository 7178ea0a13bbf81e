import { runCli } from '../../src/cli/main.ts';

/** `npm run cli -- <args>` in-process, with the environment given and what it printed. */
export async function cliRun(env: Record<string, string>, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => void out.push(l), err: (l) => void err.push(l), env, stdin: async function* () {}, dataDir: () => env.DATA_DIR ?? 'data', load: () => { throw new Error('not needed'); } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
