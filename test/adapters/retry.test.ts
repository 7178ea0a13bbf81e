import { describe, expect, it } from 'vitest';
import { classifyFeishuError, FeishuApiError } from '../../adapters/feishu/transport.ts';
import { headerDelayMs, withRetry } from '../../adapters/retry.ts';
import { classifySlackError } from '../../adapters/slack/transport.ts';
import { createLogger } from '../../src/core/log.ts';

function recorder() {
  const lines: string[] = [];
  return { log: createLogger('debug', [], (l) => void lines.push(l)), lines };
}

describe('withRetry', () => {
  it('waits what the platform asked for, capped, then succeeds', async () => {
    const waits: number[] = [];
    const { log } = recorder();
    let n = 0;
    const out = await withRetry(
      'op',
      async () => {
        if (++n < 3) throw new Error('429');
        return 'ok';
      },
      () => ({ retry: true, afterMs: n === 1 ? 2000 : 120_000 }),
      { log, policy: { attempts: 4, baseMs: 10, maxDelayMs: 30_000, sleep: async (ms) => void waits.push(ms) } },
    );
    expect(out).toBe('ok');
    expect(waits).toEqual([2000, 30_000]);
  });

  it('stops after the bounded number of attempts and logs the failure once with its fields', async () => {
    const { log, lines } = recorder();
    let n = 0;
    await expect(
      withRetry('feishu reply', async () => { n++; throw new Error('boom'); }, () => ({ retry: true }), {
        log,
        fields: { messageId: 'om_1' },
        policy: { attempts: 3, baseMs: 1, maxDelayMs: 5, sleep: async () => {} },
      }),
    ).rejects.toThrow('boom');
    expect(n).toBe(3);
    const errors = lines.filter((l) => l.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('om_1');
  });

  it('does not retry what is not retryable', async () => {
    const { log } = recorder();
    let n = 0;
    await expect(withRetry('op', async () => { n++; throw new Error('bad request'); }, () => ({ retry: false }), { log })).rejects.toThrow();
    expect(n).toBe(1);
  });
});

describe('classifiers', () => {
  it('reads Retry-After and x-ogw-ratelimit-reset as seconds', () => {
    expect(headerDelayMs('3')).toBe(3000);
    expect(headerDelayMs(undefined)).toBeUndefined();
    expect(classifyFeishuError({ response: { status: 429, headers: { 'x-ogw-ratelimit-reset': '2' } } })).toEqual({ retry: true, afterMs: 2000 });
    expect(classifyFeishuError({ response: { status: 503, headers: {} } })).toEqual({ retry: true, afterMs: undefined });
    expect(classifyFeishuError({ response: { status: 400, headers: {}, data: { code: 230001 } } })).toEqual({ retry: false });
    expect(classifyFeishuError(new FeishuApiError(99991400, 'rate limited'))).toEqual({ retry: true });
    expect(classifyFeishuError(new FeishuApiError(230002, 'bot not in chat'))).toEqual({ retry: false });
  });

  it('Slack: rate limit and 5xx retry; platform errors do not', () => {
    expect(classifySlackError({ code: 'slack_webapi_rate_limited_error', retryAfter: 4 })).toEqual({ retry: true, afterMs: 4000 });
    expect(classifySlackError({ code: 'slack_webapi_http_error', statusCode: 502, headers: {} })).toEqual({ retry: true, afterMs: undefined });
    expect(classifySlackError({ code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } })).toEqual({ retry: false });
  });
});
