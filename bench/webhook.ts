/**
 * How fast the webhooks are acknowledged (Feishu: encrypted + signed; Slack: signed),
 * and how long until the answer reaches the (fake) platform API. Real server, real SDKs.
 *   npx tsx bench/webhook.ts [count]
 * Platforms want the HTTP answer within 3 s; the answer itself comes after it.
 */
import { startTestApp } from '../test/helpers/app.ts';
import { feishuTextEvent } from '../test/helpers/feishu.ts';
import { slackEvent } from '../test/helpers/slack.ts';

const N = Number(process.argv[2] ?? 200);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

const t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
try {
  for (const platform of ['feishu', 'slack'] as const) {
    const ack: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < N; i++) {
      const before = platform === 'feishu' ? t.feishu.sent().length : t.slack.sent().length;
      const t0 = performance.now();
      const res =
        platform === 'feishu'
          ? await t.postFeishu(feishuTextEvent({ text: '@bot 培训人数多怎么办', token: t.env.FEISHU_VERIFICATION_TOKEN }))
          : await t.postSlack(slackEvent({ text: '@bot 培训人数多怎么办' }));
      ack.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${platform}: HTTP ${res.status}`);
      if (platform === 'feishu') await t.feishu.waitSent(before + 1, 10_000);
      else await t.slack.waitSent(before + 1, 10_000);
      answered.push(performance.now() - t0);
    }
    console.log(`${platform}: ${N} questions; HTTP ack ${fmt(ack)}; answer at the API ${fmt(answered)}`);
  }
} finally {
  await t.close();
}
