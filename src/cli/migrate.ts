import { loadConfig } from '../config.ts';
import { takeLock } from '../store/lock.ts';
import { describeUrl } from '../store/postgres.ts';
import { describeCounts, readLowdbSnapshot, writePostgresSnapshot } from '../store/snapshot.ts';
import type { CliContext } from './context.ts';

const USAGE = 'usage: migrate --from data/db.json --to postgres://user@host:5432/db [--dry-run]';

/**
 * `migrate --from FILE --to URL`: copies a lowdb installation into an empty PostgreSQL
 * schema in one transaction (all or nothing), keeping sign-off sequence numbers, then
 * checks that every sign-off arrived. The source file is only read, and held meanwhile so
 * no bot writes to it; a schema a running bot holds is refused.
 */
export async function migrateCommand(args: string[], ctx: CliContext): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const config = loadConfig(ctx.env);
  const from = opt('--from') ?? config.dbFile;
  const target = opt('--to') ?? config.databaseUrl;
  if (!target || target.startsWith('--')) {
    ctx.err(`${USAGE}\n--to (or DATABASE_URL) is missing`);
    return 2;
  }
  const to: string = target;
  const dry = args.includes('--dry-run');
  // A bot still writing to the file would lose what it writes after the copy.
  const lock = dry ? undefined : takeLock(from);
  try {
    return await copy();
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.includes('nothing was') ? msg.replace('nothing was written', 'nothing was copied') : `${msg}; nothing was copied`);
  } finally {
    lock?.release();
  }

  async function copy(): Promise<number> {
    const snap = readLowdbSnapshot(from);
    ctx.out(`${from}: ${describeCounts(snap)}`);
    if (dry) return 0;
    await writePostgresSnapshot(to, snap);
    ctx.out(`copied into ${describeUrl(to)}; all ${snap.signoffs.length} sign-offs verified. Set DATABASE_URL to it and restart the bot; keep ${from} as a backup.`);
    return 0;
  }
}
