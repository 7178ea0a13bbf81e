import type { Person, Stamp } from '../../src/readiness/model/authority.ts';
import type { NewSignoffEvent, Store } from '../../src/store/store.ts';
import { decideCancel, decideCheckIn, decideCreate, decideSignUp, type SessionDraft } from '../../src/training/decide.ts';
import { decideAnswer, decideEndExam, decideStartExam } from '../../src/training/exam.ts';
import type { ExamBank } from '../../src/training/exam-model.ts';
import type { Session } from '../../src/training/model.ts';
import { shanghaiProject } from './fixtures.ts';

/** A project with four training sessions written through the decide functions, as chat writes them. */

// 2026-12-10 17:00 in Shanghai: sessions #1 and #2 are over (their second checks closed), #3 and #4 to come.
export const NOW = '2026-12-10T09:00:00Z';
export const EVIL_TITLE = '<script>alert(1)</script>';
export const EVIL_NAME = '"><img src=x onerror=alert(1)>';
export const p = shanghaiProject({
  id: 'feishu:oc_train',
  chatId: 'oc_train',
  name: '华东 OA 上线',
  goLive: '2026-12-20',
  roles: [{ userId: 'ou_b', name: EVIL_NAME, role: 'customer-lead', grantedBy: 'ou_admin', grantedAt: '2026-09-01T09:00:00+08:00', acceptedAt: '2026-09-01T09:05:00+08:00' }],
});
export const admin: Person = { id: 'ou_admin', name: '陈管理' };
const st = (at: string): Stamp => ({ at: `${at}:00+08:00`, via: 'button', platform: 'feishu', evidenceMessageId: 'om_1', text: 'seed' });
const cal = { isWorkingDay: () => true };
const noCode = { matches: () => false };
export const bank: ExamBank = {
  example: false,
  module: 'oa-basics',
  title: { zh: 'OA 基本使用', en: 'Using OA' },
  passMark: 60,
  questions: [{ id: 'login', text: { zh: '第一次登录先做什么?', en: 'First thing at first login?' }, choices: [{ zh: '改密码', en: 'Change the password' }, { zh: '关浏览器', en: 'Close the browser' }], answer: 'A' }],
};

/** A decision as the store writes it; a refusal here is a mistake in the test. */
const write = (d: { ok: boolean; session?: Session; events?: NewSignoffEvent[] }) => {
  if (!d.ok) throw new Error(`refused: ${JSON.stringify(d)}`);
  return { result: d, session: d.session, events: d.events };
};

/** The sessions the dashboard's training page shows (test/web-training.test.ts over HTTP, test/web/training-page.test.ts in Chromium). */
export async function seedTraining(store: Store): Promise<void> {
  await store.putProject(p);
  const create = (d: SessionDraft) => store.addSession(p.id, (no) => write(decideCreate(p, no, d, admin, st('2026-12-01T09:00'), cal, '2026-12-01T09:00')));
  const change = (no: number, f: (s: Session) => { ok: boolean; session?: Session; events?: NewSignoffEvent[] }) => store.changeSession(p.id, no, (s) => write(f(s)));
  const signUp = (no: number, who: Person) => change(no, (s) => decideSignUp(p, s, who, st('2026-12-02T10:00'), '2026-12-02T10:00'));
  const checkIn = (no: number, who: Person, at: string, kind: 'check-in' | 'second-check' = 'check-in') => change(no, (s) => decideCheckIn(p, s, who, st(at), at, kind, noCode));

  // #1 on site for staff, three seats: a, b (a customer-side manager) and c take them, d waits;
  // a, b and a walk-in check in, only a confirms at the end: b and the walk-in signed in and left.
  await create({ date: '2026-12-10', from: '14:00', to: '16:00', audience: 'staff', title: EVIL_TITLE, departments: ['财务部', '人事部'], delivery: { kind: 'onsite', place: '三楼 <b>会议室</b>' }, capacity: 3 });
  await signUp(1, { id: 'ou_a', name: '王芳' });
  await signUp(1, { id: 'ou_b', name: EVIL_NAME });
  await signUp(1, { id: 'ou_c' }); // no name given: the id is shown
  await signUp(1, { id: 'ou_d', name: '候补甲' });
  await checkIn(1, { id: 'ou_a', name: '王芳' }, '2026-12-10T13:50');
  await checkIn(1, { id: 'ou_b', name: EVIL_NAME }, '2026-12-10T13:55');
  await checkIn(1, { id: 'ou_w', name: '路人乙' }, '2026-12-10T14:05');
  await checkIn(1, { id: 'ou_a', name: '王芳' }, '2026-12-10T15:52', 'second-check');

  // #2 a video meeting for staff given by the customer's admin; no manager came (5.3-5); its exam closed with one pass.
  await create({ date: '2026-12-10', from: '10:00', to: '11:00', audience: 'staff', title: '报销流程', departments: ['财务部'], delivery: { kind: 'video', link: 'https://meet.example.com/j/123?a=1&b=2' }, trainer: 'customer-admin', capacity: 40 });
  await signUp(2, { id: 'ou_e', name: '李雷' });
  await checkIn(2, { id: 'ou_e', name: '李雷' }, '2026-12-10T09:55');
  await change(2, (s) => decideStartExam(p, s, bank, admin, st('2026-12-10T10:50'), '2026-12-10T10:50'));
  await change(2, (s) => decideAnswer(s, { id: 'ou_e', name: '李雷' }, 0, 0, '2026-12-10T10:52:00+08:00'));
  await change(2, (s) => decideEndExam(p, s, admin, st('2026-12-10T10:58')));

  // #3 a recording for leaders above 60, with the override's reason; #4 for middle managers, cancelled.
  await create({ date: '2026-12-11', from: '09:00', to: '10:00', audience: 'leaders', delivery: { kind: 'recorded', link: 'https://video.example.com/v/9' }, capacity: 80, overrideReason: '全体高管一次讲完' });
  await signUp(3, { id: 'ou_l1', name: '高总' });
  await create({ date: '2026-12-12', from: '14:00', to: '15:00', audience: 'middle', title: '中层 · 取消了', delivery: { kind: 'onsite', place: '二楼' }, capacity: 20 });
  await signUp(4, { id: 'ou_m1', name: '中层甲' });
  await change(4, (s) => decideCancel(p, s, admin, st('2026-12-05T09:00')));
}

