import type { ProjectRecord } from '../../src/store/store.ts';

/** A bound Feishu project in Shanghai going live on 2026-10-20; override what a test needs. */
export const shanghaiProject = (over: Partial<ProjectRecord> = {}): ProjectRecord => ({
  id: 'feishu:oc_1',
  platform: 'feishu',
  chatId: 'oc_1',
  name: 'ACME OA',
  goLive: '2026-10-20',
  timeZone: 'Asia/Shanghai',
  postTime: '09:00',
  lang: 'zh',
  adminId: 'ou_admin',
  roles: [],
  source: 'chat',
  createdAt: '2026-09-01T09:00:00+08:00',
  updatedAt: '2026-09-01T09:00:00+08:00',
  ...over,
});
