import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config.ts';

export interface EnvFileRead {
  /** Absolute path of the file looked for. */
  file: string;
  /** false: the default .env is not there (that is fine; ENV_FILE naming a missing file is an error). */
  found: boolean;
  /** Variables taken from the file. */
  applied: number;
  /** Variables the file sets that the environment already had: the environment wins. */
  kept: number;
}

/**
 * Reads `.env` in the working directory, or the file ENV_FILE names (relative to the working
 * directory), into `env`: KEY=VALUE lines, # comments, single, double or back quotes, `export `
 * prefixes (Node's own parser, util.parseEnv, the one behind `node --env-file`). A variable the
 * environment already has is left as it is, so `PORT=4000 npm start` beats the file. Returns what
 * it did, never a value: the start-up log says which file was read.
 */
export function loadEnvFile(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): EnvFileRead {
  const named = env.ENV_FILE?.trim();
  const file = resolve(cwd, named || '.env');
  if (!existsSync(file)) {
    if (named) throw new ConfigError(`ENV_FILE: ${file} does not exist (unset ENV_FILE to read .env, if any)`);
    return { file, found: false, applied: 0, kept: 0 };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${named ? 'ENV_FILE: ' : ''}${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let applied = 0;
  let kept = 0;
  for (const [k, v] of Object.entries(parseEnv(text))) {
    if (v === undefined || k === 'ENV_FILE') continue; // which file to read is the environment's choice
    if (env[k] !== undefined) kept++;
    else {
      env[k] = v;
      applied++;
    }
  }
  return { file, found: true, applied, kept };
}
