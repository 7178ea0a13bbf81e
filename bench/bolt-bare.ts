/**
 * The reference for bench/load.ts: a bare Bolt app on Bolt's own HTTPReceiver, with a
 * listener that does nothing (Bolt acks events itself). Prints `listening <url>`.
 *   SLACK_SIGNING_SECRET=... npx tsx bench/bolt-bare.ts
 */
import bolt from '@slack/bolt';

const receiver = new bolt.HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET!, endpoints: '/slack/events' });
const app = new bolt.App({ receiver, token: 'xoxb-bench', tokenVerificationEnabled: false, botId: 'BBOT0001', botUserId: 'UBOT0001', logLevel: bolt.LogLevel.ERROR });
app.event('app_mention', async () => {});
const server = await receiver.start({ port: 0, host: '127.0.0.1' });
const addr = server.address();
console.log(`listening http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
