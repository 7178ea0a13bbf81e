import { createHmac } from 'node:crypto';
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = () => z.preprocess(blankIsUnset, z.string().optional());
/** Messages per second or minute the transports allow themselves (adapters/rate-limit.ts); 0 = no limit. */
const rate = (dflt: number) => z.preprocess(blankIsUnset, z.coerce.number().int('must be a whole number of messages (0 = no limit)').min(0).default(dflt));

const EnvSchema = z.object({
  // Read by src/env-file.ts before this schema (the file to take variables from; default ./.env).
  ENV_FILE: opt(),
  PORT: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(blankIsUnset, z.string().default('127.0.0.1')),
  TRUST_PROXY: z.preprocess(blankIsUnset, z.enum(['true', 'false']).default('false')),
  DATA_DIR: z.preprocess(blankIsUnset, z.string().default('data')),
  DB_FILE: opt(),
  DATABASE_URL: opt(),
  ADMIN_TOKEN: z.preprocess(blankIsUnset, z.string().min(32, 'must be at least 32 characters; make one with: openssl rand -hex 32').optional()),
  IMPLEMENTER_NAME: opt(),
  PUBLIC_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/, error: 'must be the http(s) address people reach the bot at, e.g. https://oabot.example.com' }).optional()),
  TRAINING_CODE_SECRET: z.preprocess(blankIsUnset, z.string().min(16, 'must be at least 16 characters; make one with: openssl rand -hex 32').optional()),
  EVIDENCE_MAX_BYTES: z.preprocess(blankIsUnset, z.coerce.number().int('must be a whole number of bytes').min(1).default(20 * 1024 * 1024)),
  LOG_LEVEL: z.preprocess(blankIsUnset, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  INBOX_LEASE_SECONDS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(3600).default(120)),
  REVIEW_REFRESH_SECONDS: z.preprocess(blankIsUnset, z.coerce.number().min(0.05).max(3600).default(30)),
  FEISHU_APP_ID: opt(),
  FEISHU_APP_SECRET: opt(),
  FEISHU_VERIFICATION_TOKEN: opt(),
  FEISHU_ENCRYPT_KEY: opt(),
  FEISHU_DOMAIN: z.preprocess(
    blankIsUnset,
    z
      .string()
      .default('feishu')
      .refine((v) => v === 'feishu' || v === 'lark' || /^https?:\/\/[^/\s]+/.test(v), "must be 'feishu', 'lark' or a base URL such as https://open.feishu.cn"),
  ),
  FEISHU_MODE: z.preprocess(blankIsUnset, z.enum(['http', 'ws']).default('http')),
  // Feishu's send-message API: 50/s and 1000/min per app, 5/s per group shared by the group's bots
  // (open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create; docs/operations.md).
  FEISHU_RATE_PER_SECOND: rate(50),
  FEISHU_RATE_PER_MINUTE: rate(1000),
  FEISHU_CHAT_RATE_PER_SECOND: rate(5),
  SLACK_BOT_TOKEN: opt(),
  SLACK_SIGNING_SECRET: opt(),
  SLACK_APP_TOKEN: opt(),
  SLACK_API_URL: opt(),
  // chat.postMessage: 1/s per channel (bursts may not be displayed) plus a workspace-wide limit Slack
  // gives no figure for (docs.slack.dev/apis/web-api/rate-limits; docs/operations.md).
  SLACK_RATE_PER_SECOND: rate(50),
  SLACK_CHAT_RATE_PER_SECOND: rate(1),
});

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  verificationToken?: string;
  encryptKey?: string;
  domain: string;
  mode: 'http' | 'ws';
  /** Sends per second and per minute for the app, per second for one chat; 0 = no limit. */
  rate: { perSecond: number; perMinute: number; chatPerSecond: number };
}
export interface SlackConfig {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  /** chat.postMessage calls per second for the app and for one channel; 0 = no limit. */
  rate: { perSecond: number; chatPerSecond: number };
}

export interface Config {
  port: number;
  host: string;
  /** Believe X-Forwarded-For/-Proto (client address, https) only behind a reverse proxy that sets them. */
  trustProxy: boolean;
  dataDir: string;
  dbFile: string;
  databaseUrl?: string;
  adminToken?: string;
  /** Shown in answers in place of the implementer named in the source rulebook. */
  implementerName?: string;
  /** Where people reach the web pages (the daily card links to the project's dashboard page); unset: no link. */
  publicUrl?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The largest file kept as sign-off evidence (bytes); a larger one is recorded as missing. */
  evidenceMaxBytes: number;
  /**
   * The secret the training check-in codes are derived from (src/training/code.ts): the same on
   * every replica. TRAINING_CODE_SECRET, else derived from ADMIN_TOKEN; absent when neither is
   * set (each process then makes its own at start, src/readiness/index.ts).
   */
  trainingCodeSecret?: string;
  /** Where trainingCodeSecret came from, for the start-up log (never the value). */
  trainingCodeSecretFrom?: 'TRAINING_CODE_SECRET' | 'ADMIN_TOKEN';
  /**
   * How long an acknowledged event may stay unfinished before another process (or this
   * one, after a failure) handles it again: longer than the slowest handling, retries included.
   */
  inboxLeaseMs: number;
  /** How often each process reads review decisions taken elsewhere (another replica, the CLI). */
  reviewRefreshMs: number;
  feishu?: FeishuConfig;
  slack?: SlackConfig;
  /** Why a platform is off, one line each, for the start-up log. */
  disabled: string[];
}

/** Validates the environment; a half-configured platform is an error that names what is missing. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`${first} (see .env.example)`);
  }
  const e = parsed.data;
  const disabled: string[] = [];
  const missing = (names: string[]) => names.filter((n) => !(e as Record<string, unknown>)[n]);

  let feishu: FeishuConfig | undefined;
  const feishuNeeds = ['FEISHU_APP_ID', 'FEISHU_APP_SECRET'];
  const fm = missing(feishuNeeds);
  if (fm.length === 0) {
    feishu = {
      appId: e.FEISHU_APP_ID!,
      appSecret: e.FEISHU_APP_SECRET!,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      domain: e.FEISHU_DOMAIN,
      mode: e.FEISHU_MODE,
      rate: { perSecond: e.FEISHU_RATE_PER_SECOND, perMinute: e.FEISHU_RATE_PER_MINUTE, chatPerSecond: e.FEISHU_CHAT_RATE_PER_SECOND },
    };
  } else if (fm.length < feishuNeeds.length || e.FEISHU_VERIFICATION_TOKEN || e.FEISHU_ENCRYPT_KEY) {
    throw new ConfigError(`${fm.join(' and ')} ${fm.length > 1 ? 'are' : 'is'} missing: Feishu is half configured (see .env.example)`);
  } else {
    disabled.push('Feishu is off: FEISHU_APP_ID and FEISHU_APP_SECRET are not set');
  }

  let slack: SlackConfig | undefined;
  const slackNeeds = e.SLACK_APP_TOKEN ? ['SLACK_BOT_TOKEN'] : ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'];
  const sm = missing(slackNeeds);
  if (sm.length === 0) {
    slack = {
      botToken: e.SLACK_BOT_TOKEN!,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      rate: { perSecond: e.SLACK_RATE_PER_SECOND, chatPerSecond: e.SLACK_CHAT_RATE_PER_SECOND },
    };
  } else if (sm.length < slackNeeds.length || e.SLACK_APP_TOKEN) {
    throw new ConfigError(`${sm.join(' and ')} ${sm.length > 1 ? 'are' : 'is'} missing: Slack is half configured (see .env.example)`);
  } else {
    disabled.push('Slack is off: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set');
  }

  return {
    port: e.PORT,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY === 'true',
    dataDir: e.DATA_DIR,
    dbFile: e.DB_FILE ?? `${e.DATA_DIR}/db.json`,
    databaseUrl: e.DATABASE_URL,
    adminToken: e.ADMIN_TOKEN,
    implementerName: e.IMPLEMENTER_NAME,
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/+$/, '') } : {}),
    logLevel: e.LOG_LEVEL,
    evidenceMaxBytes: e.EVIDENCE_MAX_BYTES,
    ...(e.TRAINING_CODE_SECRET
      ? { trainingCodeSecret: e.TRAINING_CODE_SECRET, trainingCodeSecretFrom: 'TRAINING_CODE_SECRET' as const }
      : e.ADMIN_TOKEN
        ? { trainingCodeSecret: createHmac('sha256', e.ADMIN_TOKEN).update('oa-training-code-secret').digest('hex'), trainingCodeSecretFrom: 'ADMIN_TOKEN' as const }
        : {}),
    inboxLeaseMs: e.INBOX_LEASE_SECONDS * 1000,
    reviewRefreshMs: e.REVIEW_REFRESH_SECONDS * 1000,
    feishu,
    slack,
    disabled,
  };
}
