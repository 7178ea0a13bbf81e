import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';

describe('.env.example and the Slack manifest', () => {
  it('.env.example lists every variable of src/config.ts, each under a comment', () => {
    const schema = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(readFileSync('src/config.ts', 'utf8'))![1]!;
    const vars = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
    expect(vars.length).toBeGreaterThan(10);
    const lines = readFileSync('.env.example', 'utf8').split('\n');
    for (const v of vars) {
      const i = lines.findIndex((l) => l.startsWith(`${v}=`));
      expect(i, `${v} in .env.example`).toBeGreaterThan(0);
      // the variable sits in a block of assignments that starts right after a comment
      let j = i - 1;
      while (j > 0 && /^[A-Z0-9_]+=/.test(lines[j]!)) j--;
      expect(lines[j]!.startsWith('#'), `${v} has a comment`).toBe(true);
    }
  });

  it('the manifest points events and interactivity at /slack/events with the scopes the adapter needs', () => {
    const m = yaml.load(readFileSync('slack-app-manifest.yaml', 'utf8')) as any;
    expect(m.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
    expect(m.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(m.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_mention', 'message.channels', 'message.groups', 'message.im']));
    expect(m.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['app_mentions:read', 'chat:write', 'channels:history', 'groups:history', 'im:history', 'users:read', 'files:read', 'files:write']));
  });
});
