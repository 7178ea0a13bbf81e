import type { Config } from '../config.ts';
import { openLowdbStore } from './lowdb.ts';
import { openPostgresStore, type PostgresOptions } from './postgres.ts';
import type { Store } from './store.ts';

/**
 * DATABASE_URL selects PostgreSQL (several replicas); without it, the lowdb file (one
 * writing process). `readOnly`: a look at a lowdb store the running bot holds (the CLI).
 */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dbFile'>, opts: PostgresOptions & { readOnly?: boolean } = {}): Promise<Store> {
  return config.databaseUrl ? openPostgresStore(config.databaseUrl, opts) : openLowdbStore(config.dbFile, { readOnly: opts.readOnly });
}
