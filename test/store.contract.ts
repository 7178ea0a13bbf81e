import { decideAnswer, decideEndExam, decideStartExam, loadExamBanks, type ExamDecision } from '../src/training/exam.ts';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { shanghaiProject } from './support/fixtures.ts';
import type { ChecklistMessage, NewSignoffEvent, ProjectRecord, Store } from '../src/store/store.ts';
import { verifyChain } from '../src/store/chain.ts';
import { decideCancelSignUp, decideCheckIn, decideCreate, decideSignUp, type TrainingDecision } from '../src/training/decide.ts';
import type { Stamp } from '../src/readiness/model/authority.ts';

/**
 * What every Store implementation must do. `open()` gives a fresh, empty store;
 * `reopen()` (optional) opens the same storage again, as after a restart.
 */
export interface StoreFixture {
  open(): Promise<Store>;
  reopen?(): Promise<Store>;
}

const project = shanghaiProject;

const message = (over: Partial<ChecklistMessage> = {}): ChecklistMessage => ({
  projectId: 'feishu:oc_1',
  platform: 'feishu',
  chatId: 'oc_1',
  messageId: 'om_1',
  items: ['a', 'b'],
  postedAt: '2026-10-09T09:00:00+08:00',
  kind: 'daily',
  ...over,
});

const signoff = (over: Partial<NewSignoffEvent> = {}): NewSignoffEvent => ({
  projectId: 'feishu:oc_1',
  action: 'confirm',
  itemId: 'training-plan-signed',
  itemText: '培训方案和时间计划已由客户项目负责人签字确认',
  userId: 'ou_lead',
  userName: 'Lead',
  role: 'customer-lead',
  at: '2026-10-09T09:12:00+08:00',
  via: 'reply',
  platform: 'feishu',
  evidenceMessageId: 'om_reply',
  text: '确认 3',
  ...over,
});

// Training: a session planned by the admin of `project`, and the stamp of each action.
const stamp = (text: string): Stamp => ({ at: '2026-10-09T09:12:00+08:00', via: 'button', platform: 'feishu', evidenceMessageId: 'om_card', text });
const weekdays = { isWorkingDay: (d: string) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()) };
const NOW = '2026-10-09T09:12';
const draft = { date: '2026-10-15', from: '14:00', to: '16:00', audience: 'middle' as const, delivery: { kind: 'onsite' as const, place: '三楼会议室' } };
const write = (d: TrainingDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });

export function storeContract(name: string, fixture: StoreFixture): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    afterEach(async () => store?.close());

    it('binds a project once and rebinding changes name and date but keeps admin and roles', async () => {
      store = await fixture.open();
      expect((await store.bindProject(project())).created).toBe(true);
      await store.changeProject('feishu:oc_1', (p) => ({ result: 0, project: { ...p, roles: [{ userId: 'ou_lead', name: 'Lead', role: 'customer-lead' }] } }));
      const again = await store.bindProject(project({ goLive: '2026-11-02', name: 'ACME OA 2', adminId: 'ou_other' }));
      expect(again.created).toBe(false);
      expect(again.project).toMatchObject({ goLive: '2026-11-02', name: 'ACME OA 2', adminId: 'ou_admin', roles: [{ userId: 'ou_lead', role: 'customer-lead' }] });
      expect(await store.listProjects()).toHaveLength(1);
    });

    it('changes the schedule, and leaves unknown projects alone', async () => {
      store = await fixture.open();
      await store.bindProject(project());
      expect((await store.updateSchedule('feishu:oc_1', { postTime: '08:30' }, 't'))?.postTime).toBe('08:30');
      expect(await store.updateSchedule('nope', { postTime: '08:30' }, 't')).toBeUndefined();
    });

    it('changes a project and appends its audit events in one step, or neither', async () => {
      store = await fixture.open();
      await store.bindProject(project());
      await store.appendSignoffs([signoff()]);
      const roleEvent = signoff({ action: 'role-accept', itemId: 'role:customer-lead', itemText: '客户项目负责人', subjectId: 'ou_lead', subjectName: 'Lead', org: 'T1', text: '接受角色' });
      const out = await store.changeProject('feishu:oc_1', (p) => ({
        result: 'ok',
        project: { ...p, roles: [{ userId: 'ou_lead', role: 'customer-lead', acceptedAt: 't', org: 'T1' }], customerOrg: { id: 'T1', source: 'first-lead', by: 'ou_lead' } },
        events: [roleEvent],
      }));
      expect(out?.result).toBe('ok');
      expect(out?.events).toEqual([{ ...roleEvent, seq: 2, prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
      expect(await store.getProject('feishu:oc_1')).toMatchObject({ roles: [{ userId: 'ou_lead', role: 'customer-lead', org: 'T1' }], customerOrg: { id: 'T1', source: 'first-lead' } });
      // A sign-off keeps how its signer held the role.
      const grant = { source: 'chat' as const, by: 'ou_admin', byName: 'Admin', acceptedAt: 't', org: 'T1', orgChecked: true };
      await store.recordSignoffs([signoff({ itemId: 'x', roleGrant: grant })]);
      expect((await store.listSignoffs('feishu:oc_1')).map((e) => [e.seq, e.action, e.subjectId, e.roleGrant])).toEqual([
        [1, 'confirm', undefined, undefined],
        [2, 'role-accept', 'ou_lead', undefined],
        [3, 'confirm', undefined, grant],
      ]);

      // A refusal writes nothing; a broken event stops the change too.
      const before = await store.getProject('feishu:oc_1');
      expect((await store.changeProject('feishu:oc_1', () => ({ result: 'no' })))?.events).toEqual([]);
      await expect(store.changeProject('feishu:oc_1', (p) => ({ result: 1, project: { ...p, roles: [] }, events: [{ ...roleEvent, action: 'bogus' as never }] }))).rejects.toThrow();
      expect(await store.getProject('feishu:oc_1')).toEqual(before);
      expect(await store.listSignoffs('feishu:oc_1')).toHaveLength(3);
      expect(await store.changeProject('nope', () => ({ result: 1 }))).toBeUndefined();
    });

    it('loses no change when two callers change one project at once', async () => {
      store = await fixture.open();
      await store.bindProject(project());
      const add = (userId: string) =>
        store.changeProject('feishu:oc_1', (p) => ({ result: userId, project: { ...p, roles: [...p.roles, { userId, role: 'it-lead' as const, pending: true }] }, events: [signoff({ action: 'role-nominate', itemId: 'role:it-lead', subjectId: userId })] }));
      await Promise.all(['a', 'b', 'c', 'd'].map(add));
      expect((await store.getProject('feishu:oc_1'))!.roles.map((r) => r.userId).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect((await store.listSignoffs('feishu:oc_1')).map((e) => e.subjectId).sort()).toEqual(['a', 'b', 'c', 'd']);
    });

    it('tells whether a key was claimed within a time, without claiming it', async () => {
      store = await fixture.open();
      const t0 = new Date('2026-10-01T00:00:00Z');
      expect(await store.hasEvent('k', t0, 60_000)).toBe(false);
      expect(await store.hasEvent('k', t0, 60_000)).toBe(false); // asking claims nothing
      await store.claimEvent('k', t0, 86_400_000);
      expect(await store.hasEvent('k', new Date(t0.getTime() + 30_000), 60_000)).toBe(true);
      expect(await store.hasEvent('k', new Date(t0.getTime() + 90_000), 60_000)).toBe(false);
    });

    it('sees a delivery key once, among concurrent callers, until it expires', async () => {
      store = await fixture.open();
      const t0 = new Date('2026-10-09T01:00:00Z');
      const firsts = await Promise.all(Array.from({ length: 10 }, () => store.claimEvent('slack:Ev1', t0, 60_000)));
      expect(firsts.filter(Boolean)).toHaveLength(1);
      expect(await store.claimEvent('slack:Ev1', new Date(t0.getTime() + 59_999), 60_000)).toBe(false);
      expect(await store.claimEvent('slack:Ev2', new Date(t0.getTime() + 59_999), 60_000)).toBe(true);
      expect(await store.claimEvent('slack:Ev1', new Date(t0.getTime() + 60_001), 60_000)).toBe(true);
    });

    it('keeps the votes in order, one per click even when a click is handled twice', async () => {
      store = await fixture.open();
      const vote = (eventId: string | undefined, v: 'up' | 'down') => ({ question: '培训人数多怎么办', ruleId: '5.2-10', vote: v, platform: 'slack' as const, userId: 'U1', at: '2026-10-09T09:00:00+08:00', ...(eventId ? { eventId } : {}) });
      await store.addFeedback(vote('slack:click:T1', 'down'));
      await store.addFeedback(vote('slack:click:T1', 'down')); // the same click, after a crash
      await store.addFeedback(vote('slack:click:T2', 'up'));
      await store.addFeedback(vote(undefined, 'up'));
      await store.addFeedback(vote(undefined, 'up'));
      expect((await store.listFeedback()).map((f) => [f.eventId ?? null, f.vote])).toEqual([
        ['slack:click:T1', 'down'],
        ['slack:click:T2', 'up'],
        [null, 'up'],
        [null, 'up'],
      ]);
    });

    it('keeps one vote per person per answer: a second click changes it, the same click again changes nothing', async () => {
      store = await fixture.open();
      const vote = (eventId: string, userId: string, v: 'up' | 'down') => ({ question: '培训人数多怎么办', ruleId: '5.2-10', vote: v, platform: 'slack' as const, userId, at: '2026-10-09T09:00:00+08:00', eventId, answerKey: 'slack:C1:1700.1' });
      expect(await store.addFeedback(vote('slack:c1', 'U1', 'down'))).toBe('new');
      expect(await store.addFeedback(vote('slack:c1', 'U1', 'down'))).toBe('unchanged'); // the same click after a crash
      expect(await store.addFeedback(vote('slack:c2', 'U1', 'down'))).toBe('unchanged'); // stuffing
      expect(await store.addFeedback(vote('slack:c3', 'U1', 'up'))).toBe('changed');
      expect(await store.addFeedback(vote('slack:c4', 'U2', 'down'))).toBe('new');
      expect((await store.listFeedback()).map((f) => [f.userId, f.vote])).toEqual([['U1', 'up'], ['U2', 'down']]);
    });

    it('keeps review items once per event, decides only open ones, and takes a 👎 reason only from the voter', async () => {
      store = await fixture.open();
      const item = (eventId: string, question: string) => ({
        question, lang: 'zh' as const, reason: 'unsure' as const, ruleId: '5.2-10', offered: ['5.2-10', '5.2-9'],
        platform: 'slack' as const, projectId: null, userId: 'U1', at: '2026-10-09T09:00:00+08:00', eventId,
      });
      const a = await store.addReview(item('slack:Ev1', '一场来了两百人'));
      expect(await store.addReview(item('slack:Ev1', '一场来了两百人'))).toEqual(a); // handled again after a crash
      const b = await store.addReview({ ...item('slack:Ev2', '答非所问'), reason: 'down' });
      const c = await store.addReview(item('slack:Ev3', '今天吃什么'));
      expect([a.id < b.id, b.id < c.id, a.status]).toEqual([true, true, 'open']);

      expect(await store.setReviewReason(b.id, 'U2', 'wrong-rule')).toBe(false); // not the voter
      expect(await store.setReviewReason(b.id, 'U1', 'wrong-rule')).toBe(true);

      const at = '2026-10-10T10:00:00+08:00';
      const accepted = await store.decideReview([a.id], { status: 'accepted', ruleId: '5.2-10', by: 'owner', at });
      expect(accepted.map((r) => [r.id, r.status, r.decidedRuleId, r.decidedBy])).toEqual([[a.id, 'accepted', '5.2-10', 'owner']]);
      expect(await store.decideReview([a.id, c.id], { status: 'dismissed', by: 'owner', at })).toHaveLength(1); // a is decided already
      expect((await store.listReview(['open'])).map((r) => [r.id, r.downReason])).toEqual([[b.id, 'wrong-rule']]);
      expect((await store.listReview()).map((r) => r.status)).toEqual(['accepted', 'open', 'dismissed']);
    });

    it('hands a post claim to exactly one of many concurrent callers', async () => {
      store = await fixture.open();
      const now = new Date('2026-10-09T01:00:00Z');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimPost('p', '2026-10-09', now, 600_000)));
      expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r === 'busy')).toHaveLength(19);
    });

    it('never hands out a sent post again, and retries a claim whose send never completed', async () => {
      store = await fixture.open();
      const t0 = new Date('2026-10-09T01:00:00Z');
      expect(await store.claimPost('p', 'd1', t0, 600_000)).toBe('claimed');
      expect(await store.claimPost('p', 'd1', new Date(t0.getTime() + 599_000), 600_000)).toBe('busy');
      // Taken over: the dead caller may have sent it, so the new one is told to look first.
      expect(await store.claimPost('p', 'd1', new Date(t0.getTime() + 600_000), 600_000)).toBe('reclaimed');
      expect((await store.getPost('p', 'd1'))?.attempts).toBe(2);
      await store.completePost('p', 'd1', message({ projectId: 'p' }));
      expect(await store.claimPost('p', 'd1', new Date(t0.getTime() + 9e9), 600_000)).toBe('sent');
      await store.releasePost('p', 'd1');
      expect((await store.getPost('p', 'd1'))?.status).toBe('sent');
      // A failed send releases its claim, so the next run may try at once (a timed-out send may have been posted).
      expect(await store.claimPost('p', 'd2', t0, 600_000)).toBe('claimed');
      await store.releasePost('p', 'd2');
      expect(await store.claimPost('p', 'd2', t0, 600_000)).toBe('reclaimed');
      expect(await store.claimPost('p', 'd2', t0, 600_000)).toBe('busy');
    });

    it('finishes a claim of a post that is not a checklist without adding a checklist message', async () => {
      store = await fixture.open();
      const t0 = new Date('2026-12-09T01:00:00Z');
      const slot = 'training:3:remind-day:2026-12-10T14:00';
      const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimPost('feishu:oc_1', slot, t0, 600_000)));
      expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
      await store.finishPost('feishu:oc_1', slot, 'om_reminder', t0);
      expect(await store.getPost('feishu:oc_1', slot)).toMatchObject({ status: 'sent', messageId: 'om_reminder' });
      expect(await store.claimPost('feishu:oc_1', slot, new Date(t0.getTime() + 9e9), 600_000)).toBe('sent');
      await store.releasePost('feishu:oc_1', slot);
      expect((await store.getPost('feishu:oc_1', slot))?.status).toBe('sent');
      expect(await store.latestChecklistMessage('feishu:oc_1')).toBeUndefined();
    });

    it('finds checklist messages by chat and message id, and the latest per project', async () => {
      store = await fixture.open();
      await store.completePost('feishu:oc_1', '2026-10-09', message());
      await store.addChecklistMessage(message({ messageId: 'om_2', kind: 'manual', items: ['b', 'a'] }));
      expect((await store.findChecklistMessage('feishu', 'oc_1', 'om_1'))?.items).toEqual(['a', 'b']);
      expect(await store.findChecklistMessage('feishu', 'oc_other', 'om_1')).toBeUndefined();
      expect(await store.findChecklistMessage('slack', 'oc_1', 'om_1')).toBeUndefined();
      expect((await store.latestChecklistMessage('feishu:oc_1'))?.messageId).toBe('om_2');
      expect(await store.latestChecklistMessage('other')).toBeUndefined();
    });

    it('appends sign-offs with increasing sequence numbers, even concurrently, and lists them per project', async () => {
      store = await fixture.open();
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.appendSignoffs([signoff({ evidenceMessageId: `om_${i}` })])));
      await store.appendSignoffs([signoff({ projectId: 'other' })]);
      const list = await store.listSignoffs('feishu:oc_1');
      expect(list).toHaveLength(10);
      expect(new Set(list.map((e) => e.seq)).size).toBe(10);
      expect(list.map((e) => e.seq)).toEqual([...list.map((e) => e.seq)].sort((a, b) => a - b));
      expect(list[0]).toMatchObject({ text: '确认 3', evidenceMessageId: expect.any(String), at: '2026-10-09T09:12:00+08:00' });
      // A report generated is an audit event too (src/reports; PostgreSQL migration 8 lets the action in).
      const [report] = await store.appendSignoffs([signoff({ action: 'report', itemId: 'report:check', itemText: '上线前检查报告 (PDF)', role: 'member', via: 'cli', evidenceMessageId: `sha256:${'a'.repeat(64)}`, text: 'check pdf zh' })]);
      expect((await store.listSignoffs('feishu:oc_1')).at(-1)).toEqual(report);
    });

    it('records a confirm or undo only when it changes the item, once among concurrent writers', async () => {
      store = await fixture.open();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.recordSignoffs([signoff({ userId: `u${i}`, evidenceMessageId: `om_${i}` })])));
      expect(results.flat()).toHaveLength(1);
      // Confirmed already: a second confirm changes nothing; an undo does, once; then a confirm again.
      expect(await store.recordSignoffs([signoff()])).toEqual([]);
      const undos = await Promise.all([1, 2, 3].map(() => store.recordSignoffs([signoff({ action: 'undo' })])));
      expect(undos.flat()).toHaveLength(1);
      expect(await store.recordSignoffs([signoff({ action: 'undo' })])).toEqual([]);
      // A batch keeps the changes and drops the rest; another project's item is its own.
      const batch = await store.recordSignoffs([signoff(), signoff({ itemId: 'b' }), signoff({ itemId: 'b' }), signoff({ projectId: 'other' })]);
      expect(batch.map((e) => [e.projectId, e.itemId])).toEqual([['feishu:oc_1', 'training-plan-signed'], ['feishu:oc_1', 'b'], ['other', 'training-plan-signed']]);
      expect((await store.listSignoffs('feishu:oc_1')).map((e) => `${e.action} ${e.itemId}`)).toEqual(['confirm training-plan-signed', 'undo training-plan-signed', 'confirm training-plan-signed', 'confirm b']);
      await expect(store.recordSignoffs([signoff({ itemId: 'c' }), { ...signoff(), userId: '' }])).rejects.toThrow();
      expect((await store.listSignoffs('feishu:oc_1')).some((e) => e.itemId === 'c')).toBe(false);
    });

    it('writes a batch of sign-offs all or nothing', async () => {
      store = await fixture.open();
      const bad = { ...signoff(), userId: '' };
      await expect(store.appendSignoffs([signoff(), bad])).rejects.toThrow();
      expect(await store.listSignoffs('feishu:oc_1')).toEqual([]);
    });

    it('keeps everything it acknowledged across a restart', async () => {
      if (!fixture.reopen) return;
      store = await fixture.open();
      await store.bindProject(project());
      await store.claimPost('feishu:oc_1', '2026-10-09', new Date(), 600_000);
      await store.completePost('feishu:oc_1', '2026-10-09', message());
      await store.appendSignoffs([signoff()]);
      await store.close();
      store = await fixture.reopen();
      expect(await store.getProject('feishu:oc_1')).toMatchObject({ name: 'ACME OA' });
      expect(await store.claimPost('feishu:oc_1', '2026-10-09', new Date(), 600_000)).toBe('sent');
      expect(await store.listSignoffs('feishu:oc_1')).toHaveLength(1);
    });

    it('keeps training sessions per project, numbered, written with their audit events in one step, across a restart', async () => {
      store = await fixture.open();
      const p = project();
      const admin = { id: 'ou_admin', name: 'Admin' };
      const create = (projectId: string, capacity: number, reason?: string) =>
        store.addSession(projectId, (no) => write(decideCreate({ ...p, id: projectId }, no, { ...draft, capacity, ...(reason ? { overrideReason: reason } : {}) }, admin, stamp('新建培训'), weekdays, NOW)));
      const [a, b] = await Promise.all([create('feishu:oc_1', 40), create('feishu:oc_1', 80, '全员宣贯,另有分场答疑')]);
      expect([a.session?.no, b.session?.no].sort()).toEqual([1, 2]);
      expect((await create('other', 10)).session?.no).toBe(1); // numbered per project
      // Refused (over 60 without a reason): nothing written, not even a number used up.
      const refused = await create('feishu:oc_1', 90);
      expect(refused).toMatchObject({ result: { ok: false, rule: '5.2-10' }, events: [] });
      expect(refused.session).toBeUndefined();
      expect((await create('feishu:oc_1', 20)).session?.no).toBe(3);
      const list = await store.listSessions('feishu:oc_1');
      expect(list.map((x) => [x.no, x.capacity, x.id])).toEqual([[1, expect.any(Number), 'feishu:oc_1#1'], [2, expect.any(Number), 'feishu:oc_1#2'], [3, 20, 'feishu:oc_1#3']]);
      const big = list.find((x) => x.capacity === 80)!;
      expect(big.override).toEqual({ by: 'ou_admin', reason: '全员宣贯,另有分场答疑' });
      expect(await store.getSession('feishu:oc_1', big.no)).toEqual(big);
      expect(await store.getSession('feishu:oc_1', 99)).toBeUndefined();
      const trail = await store.listSignoffs('feishu:oc_1');
      expect(trail.map((e) => e.action).sort()).toEqual(['training-create', 'training-create', 'training-create', 'training-override']);
      expect(trail.find((e) => e.action === 'training-override')).toMatchObject({ itemId: `training:${big.no}`, userId: 'ou_admin', role: 'admin', detail: expect.stringContaining('全员宣贯,另有分场答疑') });
      expect(verifyChain('feishu:oc_1', trail).ok).toBe(true);
      // A decision that changes nothing writes nothing; an unknown session is undefined; a broken one stops the write.
      expect(await store.changeSession('feishu:oc_1', 99, (x) => ({ result: x.no }))).toBeUndefined();
      await expect(store.changeSession('feishu:oc_1', 3, (x) => ({ result: 0, session: { ...x, no: 1 } }))).rejects.toThrow();
      await expect(store.changeSession('feishu:oc_1', 3, (x) => ({ result: 0, session: { ...x, capacity: -1 } }))).rejects.toThrow();
      expect((await store.getSession('feishu:oc_1', 3))?.capacity).toBe(20);
      if (!fixture.reopen) return;
      await store.close();
      store = await fixture.reopen();
      expect(await store.listSessions('feishu:oc_1')).toEqual(list);
    });

    it('keeps an exam on its session (bank, answers, results) with its training-exam events, across a restart', async () => {
      store = await fixture.open();
      const p = project();
      const bank = loadExamBanks('data/training')[0]!;
      const wx = (d: ExamDecision) => (d.ok && d.events.length ? { result: d, session: d.session, events: d.events } : { result: d });
      const made = await store.addSession(p.id, (no) => write(decideCreate(p, no, draft, { id: 'ou_admin' }, stamp('新建培训'), weekdays, NOW)));
      const no = made.session!.no;
      const s0 = (await store.getSession(p.id, no))!;
      await store.changeSession(p.id, no, (s) => wx(decideStartExam(p, s, bank, { id: 'ou_admin' }, stamp('开始考试'), s0.start)));
      await store.changeSession(p.id, no, (s) => {
        // As if ou_a had checked in (who may answer), without keeping the check-in: the exam is what is tested here.
        const d = decideAnswer({ ...s, checkIns: [...s.checkIns, { userId: 'ou_a', kind: 'check-in', at: 'x' }] }, { id: 'ou_a' }, 0, 0, 'x');
        return d.ok ? { result: d as ExamDecision, session: { ...d.session, checkIns: s.checkIns }, events: [] } : { result: d as ExamDecision };
      });
      await store.changeSession(p.id, no, (s) => wx(decideEndExam(p, s, { id: 'ou_admin' }, stamp('结束考试'))));
      const kept = (await store.getSession(p.id, no))!;
      expect(kept.exam).toMatchObject({ bank: { module: bank.module }, answers: { ou_a: { [bank.questions[0]!.id]: 0 } }, results: [{ userId: 'ou_a', correct: 1, total: 5, passed: false }] });
      const trail = await store.listSignoffs(p.id);
      expect(trail.filter((e) => e.action === 'training-exam')).toHaveLength(2);
      expect(verifyChain(p.id, trail).ok).toBe(true);
      if (!fixture.reopen) return;
      await store.close();
      store = await fixture.reopen();
      expect((await store.getSession(p.id, no))?.exam).toEqual(kept.exam);
    });

    it('signs up to capacity and no further when many click at once, then the waitlist; a cancel moves the first waiting up', async () => {
      store = await fixture.open();
      const p = project();
      const made = await store.addSession(p.id, (no) => write(decideCreate(p, no, { ...draft, capacity: 3 }, { id: 'ou_admin' }, stamp('新建培训'), weekdays, NOW)));
      const no = made.session!.no;
      const users = Array.from({ length: 12 }, (_, i) => `ou_u${i}`);
      const clicks = await Promise.all(users.map((u) => store.changeSession(p.id, no, (x) => write(decideSignUp(p, x, { id: u, name: `U${u.slice(4)}` }, stamp('[button] training signup'), NOW)))));
      const outcomes = clicks.map((c) => (c!.result.ok ? c!.result.outcome : 'refused'));
      expect(outcomes.filter((o) => o === 'signed-up')).toHaveLength(3);
      expect(outcomes.filter((o) => o === 'waitlisted')).toHaveLength(9);
      const full = (await store.getSession(p.id, no))!;
      expect(full.signedUp).toHaveLength(3);
      expect(full.waitlist).toHaveLength(9);
      expect(new Set([...full.signedUp, ...full.waitlist])).toEqual(new Set(users));
      // The same person again changes nothing.
      const again = await store.changeSession(p.id, no, (x) => write(decideSignUp(p, x, { id: full.signedUp[0]! }, stamp('again'), NOW)));
      expect(again).toMatchObject({ result: { outcome: 'already' }, events: [] });

      // A seat given up goes to the first on the waitlist, recorded as two events in one write.
      const [leaver] = full.signedUp;
      const [first, second] = full.waitlist;
      const cancel = await store.changeSession(p.id, no, (x) => write(decideCancelSignUp(p, x, { id: leaver! }, stamp('[button] training cancel'), NOW)));
      expect(cancel?.result).toMatchObject({ ok: true, outcome: 'unsigned', movedUp: [first] });
      expect(cancel?.events.map((e) => [e.action, e.userId, e.subjectId ?? null])).toEqual([['training-unsignup', leaver, null], ['training-moveup', leaver, first]]);
      const after = (await store.getSession(p.id, no))!;
      expect(after.signedUp).toEqual([...full.signedUp.slice(1), first]);
      expect(after.waitlist[0]).toBe(second);
      expect(after.names[first!]).toBe(`U${first!.slice(4)}`);
      // A check-in is kept on the session and in the trail.
      const checked = await store.changeSession(p.id, no, (x) => write(decideCheckIn(p, x, { id: first! }, stamp('签到'), '2026-10-15T13:50', 'check-in', { matches: () => false })));
      expect(checked?.result).toMatchObject({ ok: true, outcome: 'checked-in' });
      expect((await store.getSession(p.id, no))!.checkIns).toEqual([{ userId: first, kind: 'check-in', at: '2026-10-09T09:12:00+08:00', signedUp: true }]);

      const trail = await store.listSignoffs(p.id);
      expect(trail.filter((e) => e.action === 'training-signup')).toHaveLength(3);
      expect(trail.filter((e) => e.action === 'training-waitlist')).toHaveLength(9);
      expect(trail.at(-1)).toMatchObject({ action: 'training-checkin', itemId: `training:${no}`, userId: first });
      expect(verifyChain(p.id, trail)).toMatchObject({ ok: true, events: 1 + 12 + 2 + 1 });
    });

    it('keeps evidence records and their bytes, by content hash, across a restart', async () => {
      store = await fixture.open();
      const [e] = await store.appendSignoffs([signoff()]);
      const bytes = new TextEncoder().encode('%PDF-1.4 signed training plan');
      const sha = createHash('sha256').update(bytes).digest('hex');
      const base = { projectId: 'feishu:oc_1', signoffSeq: e!.seq, messageId: 'om_file', at: '2026-10-09T09:12:00+08:00' };
      const file = await store.addEvidence({ ...base, name: '培训计划.pdf', mime: 'application/pdf', size: 0, source: 'feishu-file', status: 'stored' }, bytes);
      expect(file).toMatchObject({ id: expect.any(Number), name: '培训计划.pdf', size: bytes.byteLength, sha256: sha, status: 'stored' });
      const link = await store.addEvidence({ ...base, name: 'https://mail.example.com/a/1', mime: 'text/uri-list', size: 0, source: 'link', url: 'https://mail.example.com/a/1', status: 'stored' });
      const missing = await store.addEvidence({ ...base, name: 'huge.zip', mime: 'application/zip', size: 30_000_000, source: 'feishu-file', status: 'missing', reason: 'larger than 20 MB' });
      // The same content again is one file; another project's evidence is its own.
      await store.addEvidence({ ...base, projectId: 'other', name: 'copy.pdf', mime: 'application/pdf', size: 0, source: 'slack-file', status: 'stored' }, bytes);
      await expect(store.addEvidence({ ...base, name: 'x', mime: 'x', size: -1, source: 'link', status: 'stored' })).rejects.toThrow();
      expect(await store.listEvidence('feishu:oc_1')).toEqual([file, link, missing]);
      expect(await store.getEvidence(missing.id)).toEqual(missing);
      expect(await store.getEvidence(99_999)).toBeUndefined();
      expect(Buffer.from((await store.readEvidence(sha))!).toString()).toBe('%PDF-1.4 signed training plan');
      expect(await store.readEvidence('0'.repeat(64))).toBeUndefined();
      if (!fixture.reopen) return;
      await store.close();
      store = await fixture.reopen();
      expect(await store.listEvidence('feishu:oc_1')).toEqual([file, link, missing]);
      expect(Buffer.from((await store.readEvidence(sha))!).toString()).toBe('%PDF-1.4 signed training plan');
    });
  });
}
