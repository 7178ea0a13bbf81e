import type { Role } from '../store/records.ts';

/** The people of the playground's demo group; their default roles are set when a demo project is bound. */
export interface DemoUser {
  id: string;
  name: { zh: string; en: string };
  role: Role | null;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'zhangsan', name: { zh: '张三', en: 'Zhang San' }, role: 'customer-lead' },
  { id: 'lisi', name: { zh: '李四', en: 'Li Si' }, role: 'vendor-pm' },
  { id: 'wangwu', name: { zh: '王五', en: 'Wang Wu' }, role: 'it-lead' },
  { id: 'zhaoliu', name: { zh: '赵六', en: 'Zhao Liu' }, role: null },
];

export const demoUser = (id: string) => DEMO_USERS.find((u) => u.id === id);

/** Chat ids of playground groups: short, URL- and id-safe. */
export const CHAT_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
