import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * The PostgreSQL the tests use: DATABASE_URL_TEST, or the local server that .ci/run
 * starts (127.0.0.1:5432, database `test`, trust auth, as the current OS user).
 * DATABASE_URL_TEST=skip skips the PostgreSQL tests with a message; otherwise an
 * unreachable server fails them loudly.
 */
export const PG_SKIP = process.env.DATABASE_URL_TEST === 'skip';
export const PG_BASE_URL = process.env.DATABASE_URL_TEST && !PG_SKIP ? process.env.DATABASE_URL_TEST : `postgres://${userInfo().username}@127.0.0.1:5432/test`;

if (PG_SKIP) console.warn('DATABASE_URL_TEST=skip: the PostgreSQL store tests are skipped');

/** A fresh schema name, unique across parallel test files and runs. */
export function freshSchema(tag = 't'): string {
  return `${tag}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}

export function urlWithSchema(schema: string, base = PG_BASE_URL): string {
  const u = new URL(base);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/** Fails with a message that says what to do, instead of a bare ECONNREFUSED. */
export async function assertPostgresReachable(): Promise<void> {
  const c = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_BASE_URL} (${(e as Error).message}). Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), point DATABASE_URL_TEST at another server, or set DATABASE_URL_TEST=skip to skip these tests.`,
    );
  } finally {
    await c.end().catch(() => {});
  }
}

export async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const c = new pg.Client({ connectionString: PG_BASE_URL });
  await c.connect();
  try {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await c.end();
  }
}
