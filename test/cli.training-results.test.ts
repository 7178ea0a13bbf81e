import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../src/store/chain.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { Session } from '../src/training/model.ts';
import { trainingReport } from '../src/training/report-model.ts';
import { cardText } from '../src/core/card.ts';
import { externalResultsCard } from '../src/training/exam-card.ts';
import { cliRun } from './helpers/cli.ts';
import { shanghaiProject } from './support/fixtures.ts';

/**
 * `npm run cli -- training results`: the results of an exam held outside the bot, from a CSV, kept on
 * the session with a training-exam event (all rows or none), counted by the training report.
 */

const P = 'feishu:oc_1';

/** A lowdb store with the project and a held session (#1, in the past) and a cancelled one (#2), closed for the CLI. */
async function world() {
  const dir = mkdtempSync(join(tmpdir(), 'training-results-'));
  const file = join(dir, 'db.json');
  const s = await openLowdbStore(file);
  await s.bindProject(shanghaiProject({ goLive: '2026-12-20' }));
  for (const cancelled of [false, true])
    await s.addSession(P, (no) => ({
      result: no,
      session: Session.parse({ id: `${P}#${no}`, projectId: P, no, title: `S${no}`, audience: 'key-users', delivery: { kind: 'onsite', place: 'A' }, start: '2026-01-10T14:00', end: '2026-01-10T16:00', trainer: 'vendor', capacity: 10, signedUp: ['ou_a', 'ou_b', 'ou_c'], cancelled }),
    }));
  await s.close();
  const input = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const look = async () => {
    const r = await openLowdbStore(file, { readOnly: true });
    try {
      return { session: (await r.getSession(P, 1))!, trail: await r.listSignoffs(P) };
    } finally {
      await r.close();
    }
  };
  return { file, env: { DATA_DIR: 'data', DB_FILE: file }, input, look };
}

const run = (env: Record<string, string>, ...args: string[]) => cliRun(env, ['training', 'results', '--project', P, ...args]);

describe('training results: an external exam from a CSV', () => {
  it('keeps every row with the pass mark or the file\'s own verdict, audited; the report counts them', async () => {
    const w = await world();
    const f = w.input('exam.csv', '\ufeff姓名,用户,分数,是否通过\r\n王芳,ou_a,85,\r\n李雷,ou_b,55%,\r\n"韩,梅",ou_c,40,是\r\n');
    const dry = await run(w.env, '--session', '1', f, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run: 3 results, 2 passed (pass mark 60%)');
    expect((await w.look()).session.externalExam).toBeUndefined();
    const r = await run(w.env, '--session', '1', f);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const { session, trail } = await w.look();
    expect(session.externalExam).toMatchObject({ file: 'exam.csv', passMark: 60, results: [{ userId: 'ou_a', percent: 85, passed: true }, { userId: 'ou_b', percent: 55, passed: false }, { userId: 'ou_c', percent: 40, passed: true }] });
    expect(session.names).toMatchObject({ ou_a: '王芳', ou_c: '韩,梅' });
    expect(trail.at(-1)).toMatchObject({ action: 'training-exam', via: 'cli', detail: expect.stringContaining('导入外部考试成绩:exam.csv,3 人,2 人通过(及格线 60%)') });
    expect(verifyChain(P, trail).ok).toBe(true);
    // 考试成绩 1: everyone for those who run the session, one's own for the others.
    const all = cardText(externalResultsCard(session, 'zh'));
    expect(all).toContain('外部考试(exam.csv),及格线 60%。3 人,2 人通过');
    expect(all).toContain('李雷:55% 未通过');
    const own = cardText(externalResultsCard(session, 'zh', { id: 'ou_b', name: '李雷', isBot: false }));
    expect(own).toContain('55% 未通过');
    expect(own).not.toContain('85%');
    const report = trainingReport([session], '2026-01-10T17:00', { percent: 60, audience: 'key-users', by: 'x', at: 'x' });
    expect(report.sessions[0]!.exam).toEqual({ closed: true, taken: 3, passed: 2 });
    // Nobody stayed to a second check, so nobody counts toward the goal yet.
    expect(report.goal).toMatchObject({ invited: 3, met: 0 });
    // Again with correct/total: replaces the earlier import, said in the trail.
    const g = w.input('exam2.csv', 'user,correct,total\nou_b,8,10\n');
    expect((await run(w.env, '--session', '1', g, '--pass', '80')).code).toBe(0);
    const again = await w.look();
    expect(again.session.externalExam!.results).toEqual([{ userId: 'ou_b', correct: 8, total: 10, percent: 80, passed: true }]);
    expect(again.trail.at(-1)!.detail).toContain('替换上次导入');
  });

  it('names file, line and column of every bad row, and writes nothing; a cancelled or unknown session is refused', async () => {
    const w = await world();
    const before = readFileSync(w.file, 'utf8');
    const bad = w.input('bad.csv', 'user,score,passed\nou_a,120,\n,50,\nou_b,70,maybe\nou_a,60,\n');
    const r = await run(w.env, '--session', '1', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:2: score: "120" is not a percent from 0 to 100`);
    expect(r.err).toContain(`${bad}:3: user: the user id is missing`);
    expect(r.err).toContain(`${bad}:4: passed: "maybe" is not yes or no`);
    expect(r.err).toContain(`${bad}:5: user: ou_a is already on line 2`);
    expect(r.err).toContain('4 problems');
    const cols = w.input('cols.csv', 'user,points\nou_a,5\n');
    expect((await run(w.env, '--session', '1', cols)).err).toContain(`${cols}:1: points: unknown column`);
    const good = w.input('good.csv', 'user,score\nou_a,90\n');
    expect((await run(w.env, '--session', '2', good)).err).toContain('Session #2 was cancelled');
    expect((await run(w.env, '--session', '9', good)).err).toContain('no session #9');
    expect((await run(w.env, good)).code).toBe(2);
    expect(readFileSync(w.file, 'utf8')).toBe(before);
    const after = await w.look();
    expect(after.session.externalExam).toBeUndefined();
    expect(after.trail).toEqual([]);
  });
});
