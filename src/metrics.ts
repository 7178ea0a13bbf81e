import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from './core/message.ts';
import type { JobOutcome } from './readiness/schedule/outcome.ts';

/**
 * What the bot counts, for GET /metrics (Prometheus text format). prom-client stays behind
 * this module: the rest of the code sees only these named counters and timings. Every
 * label value is from a closed set (platform names, HTTP status codes, API method names,
 * outcomes, store method names), never a user, chat or message id, so the number of series
 * stays bounded. docs/operations.md ("Metrics and logs") lists every metric.
 */

/** A counter with these labels. */
export interface Count<L extends Record<string, string>> {
  inc(labels: L, by?: number): void;
}
/** A histogram of seconds with these labels. */
export interface Timing<L extends Record<string, string>> {
  observe(labels: L, seconds: number): void;
}

/** How a question was answered: a confident answer, "did you mean" choices, or neither. */
export type AnswerOutcome = 'answered' | 'did-you-mean' | 'none';
/**
 * What came of a sign-off request (a reply, a button, a web click), once per request:
 * recorded (at least one item changed), unchanged (already in that state, or someone else
 * was first), refused (the person may not), unknown-item (no such number), failed (the store
 * refused the write), no-checklist (a reply under something that is not a checklist, or no
 * project bound in the chat).
 */
export type SignoffOutcome = 'recorded' | 'unchanged' | 'refused' | 'unknown-item' | 'failed' | 'no-checklist';

/** Acknowledged-but-unfinished events, as the store has them (all replicas' on PostgreSQL). */
export interface InboxDepth {
  pending: number;
  /** Seconds since the oldest of them was received; 0 when none. */
  oldestAgeSeconds: number;
}

export interface Metrics {
  /** The Content-Type of text(). */
  readonly contentType: string;
  /** Every metric in the Prometheus text exposition format (reads the inbox gauges first). */
  text(): Promise<string>;
  /** Webhook requests (POST /feishu/events, /slack/events) by the status answered. */
  webhookRequests: Count<{ platform: Platform; status: string }>;
  /** From the request's arrival to the acknowledgement (a 2xx answer) of a webhook. */
  ackSeconds: Timing<{ platform: Platform }>;
  answers: Count<{ platform: Platform; outcome: AnswerOutcome }>;
  /** Each HTTP call to a platform's API (retries counted one by one); status is the HTTP status or "error" (no answer). */
  platformCalls: Count<{ platform: Platform; method: string; status: string }>;
  /** The calls a platform refused for a rate limit (HTTP 429, or Feishu's rate-limit codes). */
  platformRateLimited: Count<{ platform: Platform; method: string }>;
  /** Each project the daily job looked at, by what it did (schedule/job.ts JobOutcome). */
  dailyPosts: Count<{ platform: Platform; outcome: JobOutcome }>;
  signoffs: Count<{ action: 'confirm' | 'undo'; outcome: SignoffOutcome }>;
  /** Every Store method call (see store/instrumented.ts); outcome ok or error. */
  storeSeconds: Timing<{ method: string; outcome: 'ok' | 'error' }>;
  /** Where the inbox gauges are read from at scrape time (the app sets it once its store is open). */
  readInbox(source: () => Promise<InboxDepth>): void;
  /** Where the count of projects whose go-live year's holidays are unknown comes from, at scrape time. */
  readCalendarGaps(source: () => Promise<number>): void;
}

export interface MetricsOptions {
  /** prom-client's process and Node.js metrics (memory, CPU, event-loop lag, GC); default true. */
  process?: boolean;
}

/** Histogram buckets, in seconds: acknowledgements are expected within milliseconds. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * A fresh set of metrics over a Registry of its own (not prom-client's global one), so
 * several apps in one process (tests, replicas) each count only their own.
 */
export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.process ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends Record<string, string>>(name: string, help: string, labelNames: (keyof L & string)[]): Count<L> => {
    const c = new Counter({ name, help, labelNames, registers });
    return { inc: (labels, by = 1) => c.inc(labels, by) };
  };
  const timing = <L extends Record<string, string>>(name: string, help: string, labelNames: (keyof L & string)[], buckets: number[]): Timing<L> => {
    const h = new Histogram({ name, help, labelNames, buckets, registers });
    return { observe: (labels, seconds) => h.observe(labels, seconds) };
  };

  let inboxSource: (() => Promise<InboxDepth>) | undefined;
  // Both gauges from one store read per scrape: the first collect() reads, the second reuses it.
  let reading: Promise<InboxDepth | undefined> | undefined;
  const readOnce = () =>
    (reading ??= (async () => {
      if (!inboxSource) return undefined;
      // A store that does not answer within a second leaves the gauges unknown (NaN), not the scrape failed.
      const timeout = new Promise<undefined>((r) => setTimeout(r, 1000, undefined).unref());
      return Promise.race([inboxSource().catch(() => undefined), timeout]);
    })().finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    name: 'oa_inbox_pending_events',
    help: 'Events acknowledged to a platform and not yet finished (being handled, or waiting to be tried again). NaN when the store did not answer.',
    registers,
    async collect() {
      const d = await readOnce();
      this.set(d ? d.pending : Number.NaN);
    },
  });
  new Gauge({
    name: 'oa_inbox_oldest_pending_age_seconds',
    help: 'Age of the oldest acknowledged event not yet finished; 0 when there is none, NaN when the store did not answer.',
    registers,
    async collect() {
      const d = await readOnce();
      this.set(d ? d.oldestAgeSeconds : Number.NaN);
    },
  });

  let gapSource: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'oa_projects_calendar_unknown',
    help: "Projects whose go-live year's holidays are not in data/calendar/, from 60 days before that year's first posting day (import it: cli calendar import). NaN when the store did not answer.",
    registers,
    async collect() {
      this.set(gapSource ? await gapSource().catch(() => Number.NaN) : 0);
    },
  });

  return {
    contentType: registry.contentType,
    text: () => registry.metrics(),
    webhookRequests: counter('oa_webhook_requests_total', 'Webhook requests (POST /feishu/events, /slack/events) by platform and HTTP status answered.', ['platform', 'status']),
    ackSeconds: timing('oa_ack_duration_seconds', 'Time from a webhook request to its acknowledgement (2xx answer), by platform.', ['platform'], ACK_BUCKETS),
    answers: counter('oa_answers_total', 'Questions answered, by platform and outcome: answered, did-you-mean, none.', ['platform', 'outcome']),
    platformCalls: counter('oa_platform_api_calls_total', "HTTP calls to a platform's API, each retry counted, by platform, API method and HTTP status (error: no answer).", ['platform', 'method', 'status']),
    platformRateLimited: counter('oa_platform_api_rate_limited_total', "Platform API calls refused for a rate limit (HTTP 429, or Feishu's rate-limit codes), by platform and API method.", ['platform', 'method']),
    dailyPosts: counter('oa_daily_posts_total', 'Projects the daily checklist job looked at, by platform and outcome (posted, final, already-posted, busy, not-working-day, before-time, finished, failed).', ['platform', 'outcome']),
    signoffs: counter('oa_signoffs_total', 'Sign-off requests (confirm, undo), by outcome: recorded, unchanged, refused, unknown-item, failed, no-checklist.', ['action', 'outcome']),
    storeSeconds: timing('oa_store_operation_duration_seconds', 'Store operations (lowdb or PostgreSQL), by Store method and outcome (ok, error).', ['method', 'outcome'], STORE_BUCKETS),
    readInbox(source) {
      inboxSource = source;
    },
    readCalendarGaps(source) {
      gapSource = source;
    },
  };
}
