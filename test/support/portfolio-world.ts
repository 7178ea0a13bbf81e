import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewSignoffEvent, ProjectRecord, Store } from '../../src/store/store.ts';
import { template } from './checklist-world.ts';
import { shanghaiProject } from './fixtures.ts';

/**
 * Six projects for the dashboard's front page (test/web-portfolio.test.ts, test/web/portfolio.test.ts):
 * two overdue, two at risk (an item due in two days; a go-live year with no calendar), two on
 * track, on Feishu, Slack and the playground, one in Berlin, one with markup in its names.
 */

export { template };

const item = (id: string) => template.byId.get(id)!;

export function event(p: ProjectRecord, over: Partial<NewSignoffEvent> & Pick<NewSignoffEvent, 'itemId' | 'at'>): NewSignoffEvent {
  return {
    projectId: p.id,
    platform: p.platform,
    action: 'confirm',
    itemText: item(over.itemId)?.text[p.lang] ?? over.itemId,
    userId: 'ou_pm',
    userName: '李工',
    role: 'vendor-pm',
    via: 'reply',
    evidenceMessageId: `om_${over.itemId}_${over.at}`,
    text: '确认',
    ...over,
  };
}

// 2026-11-20 (a Friday) 10:00 in Shanghai.
export const NOW = '2026-11-20T02:00:00Z';
export const EVIL = '<script>alert("x")</script> & Co';
export const EVIL_PERSON = '<img src=x onerror=alert(1)>';

/** Six projects: two overdue, two at risk (an item due in two days; a go-live year with no calendar), two on track. */
export const projects: ProjectRecord[] = [
  shanghaiProject({ id: 'feishu:oc_p1', chatId: 'oc_p1', name: 'P1 华东', goLive: '2026-12-01', createdAt: '2026-10-20T09:00:00+08:00' }),
  shanghaiProject({ id: 'slack:C0P2', platform: 'slack', chatId: 'C0P2', name: 'P2 South', goLive: '2026-11-25', lang: 'en', createdAt: '2026-10-15T09:00:00+08:00' }),
  shanghaiProject({ id: 'slack:C0P3', platform: 'slack', chatId: 'C0P3', name: EVIL, goLive: '2026-12-22', createdAt: '2026-11-02T09:00:00+08:00', roles: [{ userId: 'U0EVIL', name: EVIL_PERSON, role: 'vendor-pm' }] }),
  shanghaiProject({ id: 'feishu:oc_p4', chatId: 'oc_p4', name: 'P4 明年', goLive: '2027-03-01', createdAt: '2026-11-01T09:00:00+08:00' }),
  shanghaiProject({ id: 'web:p5', platform: 'web', chatId: 'p5', name: 'P5 试用', goLive: '2026-12-31', createdAt: '2026-11-10T09:00:00+08:00' }),
  shanghaiProject({
    id: 'feishu:oc_p6',
    chatId: 'oc_p6',
    name: 'P6 Berlin',
    goLive: '2027-02-15',
    timeZone: 'Europe/Berlin',
    lang: 'en',
    adminName: 'Chen',
    createdAt: '2026-11-16T09:00:00+01:00',
    roles: [
      { userId: 'ou_anna', name: 'Anna', role: 'customer-lead', grantedBy: 'ou_admin', grantedByName: 'Chen', acceptedAt: '2026-11-16T10:00:00+01:00', org: 'T1' },
      { userId: 'ou_pm', name: 'Li', role: 'vendor-pm', declared: true },
      { userId: 'ou_it', name: 'Ivo', role: 'it-lead', pending: true, grantedBy: 'ou_admin', grantedByName: 'Chen' },
    ],
  }),
];
export const ALL = ['feishu:oc_p1', 'slack:C0P2', 'slack:C0P3', 'feishu:oc_p4', 'web:p5', 'feishu:oc_p6'];
export const P = (...n: number[]) => n.map((i) => ALL[i - 1]);

export async function seedPortfolio(store: Store) {
  for (const p of projects) await store.putProject(p);
  const [p1, , , , , p6] = projects as [ProjectRecord, ProjectRecord, ProjectRecord, ProjectRecord, ProjectRecord, ProjectRecord];
  await store.appendSignoffs([
    event(p1, { itemId: 'training-approach-agreed', at: '2026-11-02T10:00:00+08:00' }),
    event(p1, { itemId: 'training-duties-agreed', at: '2026-11-10T09:12:00+08:00' }),
  ]);
  await store.appendSignoffs([
    event(p6, { itemId: 'training-approach-agreed', at: '2026-11-18T21:30:00+08:00', userName: 'Li', text: 'confirm 1', roleGrant: { source: 'file' } }),
    event(p6, { itemId: 'leaders-training-scheduled', at: '2026-11-19T09:00:00+01:00', userId: 'ou_anna', userName: 'Anna', role: 'customer-lead', text: 'confirm 5', roleGrant: { source: 'chat', by: 'ou_admin', byName: 'Chen', acceptedAt: '2026-11-16T10:00:00+01:00', org: 'T1', orgChecked: true } }),
    event(p6, { itemId: 'leaders-training-scheduled', action: 'undo', at: '2026-11-20T08:15:00+01:00', userId: 'ou_anna', userName: 'Anna', role: 'customer-lead', text: 'undo 5' }),
  ]);
}


/** A copy of data/ whose calendar knows only the bundled years (up to 2026): 2027 is unknown, so P4 is at risk. */
export function portfolioDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portfolio-data-'));
  cpSync('data', dir, { recursive: true, filter: (f) => !/calendar\/20(2[7-9]|[3-9]\d)\.yaml$/.test(f) && !/db\.|\.jsonl$|\.lock$/.test(f) });
  return dir;
}
