import { loadConfig } from '../config.ts';
import { createEngine } from '../qa/engine.ts';
import type { Answerer } from '../qa/types.ts';
import { loadRulebook } from '../rulebook/load.ts';
import type { Rulebook } from '../rulebook/model.ts';

/** What a CLI command gets: output streams and lazy loaders, so tests can run commands in-process. */
export interface CliContext {
  out(line: string): void;
  err(line: string): void;
  stdin(): AsyncIterable<string>;
  env: Record<string, string | undefined>;
  /** DATA_DIR from the validated configuration. */
  dataDir(): string;
  load(): { rulebook: Rulebook; answerer: Answerer; implementerName?: string };
}

export function processContext(env = process.env): CliContext {
  let loaded: ReturnType<CliContext['load']> | undefined;
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    async *stdin() {
      const { createInterface } = await import('node:readline');
      yield* createInterface({ input: process.stdin, crlfDelay: Infinity });
    },
    env,
    dataDir: () => loadConfig(env).dataDir,
    load() {
      if (!loaded) {
        const config = loadConfig(env);
        const rulebook = loadRulebook(config.dataDir);
        loaded = { rulebook, answerer: createEngine(rulebook), implementerName: config.implementerName };
      }
      return loaded;
    },
  };
}
