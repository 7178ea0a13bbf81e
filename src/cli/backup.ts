import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { describeUrl } from '../store/postgres.ts';
import { counts, describeCounts, readLowdbSnapshot, readPostgresSnapshot, Snapshot, writeLowdbSnapshot, writePostgresSnapshot } from '../store/snapshot.ts';
import type { CliContext } from './context.ts';

export const BACKUP_HELP = 'backup --out FILE [--from data/db.json|postgres://…]   a consistent snapshot of the store, also while the bot runs';
export const RESTORE_HELP = 'restore --from FILE [--to data/db.json|postgres://…]   into a new file or an empty schema; refused while a bot holds it';

/** The backup file: the store's snapshot with what it is, for restore to check before it writes. */
const BackupFile = z.strictObject({
  format: z.literal('oa-golive-bot-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  source: z.enum(['lowdb', 'postgres']),
  counts: z.record(z.string(), z.number()),
  data: Snapshot,
});

const isUrl = (s: string) => /^postgres(ql)?:\/\//.test(s);
const where = (s: string) => (isUrl(s) ? describeUrl(s) : s);

function options(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) m.set(a.slice(0, eq), a.slice(eq + 1));
    else m.set(a, args[++i] ?? '');
  }
  return m;
}

/** `backup --out FILE`: the configured store (or --from), written whole or not at all. */
export async function backupCommand(args: string[], ctx: CliContext): Promise<number> {
  const o = options(args);
  const out = o.get('--out');
  if (!out) {
    ctx.err(`usage: ${BACKUP_HELP}`);
    return 2;
  }
  if (existsSync(out)) {
    ctx.err(`${out} already exists; choose a new file (a backup never overwrites one)`);
    return 1;
  }
  const config = loadConfig(ctx.env);
  const from = o.get('--from') ?? config.databaseUrl ?? config.dbFile;
  const data = isUrl(from) ? await readPostgresSnapshot(from) : readLowdbSnapshot(from);
  const file: z.infer<typeof BackupFile> = { format: 'oa-golive-bot-backup', version: 1, createdAt: new Date().toISOString(), source: isUrl(from) ? 'postgres' : 'lowdb', counts: counts(data), data };
  // Temp file, then rename: a backup cut short is never mistaken for one.
  writeFileSync(`${out}.tmp`, JSON.stringify(file));
  renameSync(`${out}.tmp`, out);
  ctx.out(`${where(from)} → ${out}: ${describeCounts(data)}`);
  return 0;
}

/** `restore --from FILE`: into the configured store (or --to), which must be new and not held by a bot. */
export async function restoreCommand(args: string[], ctx: CliContext): Promise<number> {
  const o = options(args);
  const from = o.get('--from');
  if (!from) {
    ctx.err(`usage: ${RESTORE_HELP}`);
    return 2;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(from, 'utf8'));
  } catch (e) {
    ctx.err(`${from} is not a readable backup (${(e as Error).message}); nothing was written`);
    return 1;
  }
  const parsed = BackupFile.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    ctx.err(`${from}: ${i.path.join('.') || '(top level)'}: ${i.message}; this is not a backup this bot wrote (or it was changed); nothing was written`);
    return 1;
  }
  const config = loadConfig(ctx.env);
  const to = o.get('--to') ?? config.databaseUrl ?? config.dbFile;
  const snap = parsed.data.data;
  if (isUrl(to)) await writePostgresSnapshot(to, snap);
  else await writeLowdbSnapshot(to, snap);
  ctx.out(`${from} (${parsed.data.source}, ${parsed.data.createdAt}) → ${where(to)}: ${describeCounts(snap)}. Start the bot on it.`);
  return 0;
}
