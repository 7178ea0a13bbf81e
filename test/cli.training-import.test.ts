import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadRulebook } from '../src/rulebook/load.ts';
import { verifyChain } from '../src/store/chain.ts';
import { openLowdbStore } from '../src/store/lowdb.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { SessionChange, Store } from '../src/store/store.ts';
import { decideCreate, type TrainingDecision } from '../src/training/decide.ts';
import { parseCsv } from '../src/training/import.ts';
import { cliRun } from './helpers/cli.ts';
import { PG_SKIP, assertPostgresReachable, dropSchemas, freshSchema, urlWithSchema } from './helpers/postgres.ts';
import { shanghaiProject } from './support/fixtures.ts';

/**
 * `npm run cli -- training import`: a CSV or YAML plan of sessions goes through the chat's
 * decision (decideCreate) with its audit events, all rows or none, on a real lowdb store (and
 * PostgreSQL), at a fixed moment: 2026-12-01 10:00 in Shanghai (a Tuesday).
 */

const P = 'feishu:oc_1';
const NOW = new Date('2026-12-01T02:00:00Z');
const rulebook = loadRulebook('data');
const rule5210 = rulebook.byId.get('5.2-10')!;
const countermeasure = rule5210.kind === 'risk' ? rule5210.countermeasure.zh : '';

const tmp = () => mkdtempSync(join(tmpdir(), 'training-import-'));
const input = (dir: string, name: string, text: string | Buffer) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

/** A lowdb store with the project (admin ou_admin, a customer-lead), closed: the CLI opens it. */
async function lowdbWithProject(): Promise<{ dir: string; file: string; env: Record<string, string> }> {
  const dir = tmp();
  const file = join(dir, 'db.json');
  const s = await openLowdbStore(file);
  await s.bindProject(shanghaiProject({ goLive: '2026-12-20', roles: [{ userId: 'ou_lead', role: 'customer-lead', acceptedAt: 'x' }] }));
  await s.close();
  return { dir, file, env: { DATA_DIR: 'data', DB_FILE: file } };
}

async function look<T>(file: string, f: (s: Store) => Promise<T>): Promise<T> {
  const s = await openLowdbStore(file, { readOnly: true });
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

const importArgs = (file: string, ...more: string[]) => ['training', 'import', '--project', P, file, ...more];

/** BOM, CRLF, a title with a quoted comma, Chinese words, a place over two lines, a Saturday. */
const GOOD_CSV =
  '\uFEFFtitle,audience,departments,start,end,place,link,recorded,trainer,capacity,code,override reason\r\n' +
  '"报销流程,审批与退回",中层管理,财务部、人事部,2026-12-10 14:00,16:00,三楼会议室,,,客户,40,true,\r\n' +
  'OA basics,key users,"Sales, Marketing|HR",2026-12-11 09:30,2026-12-11 11:00,"二楼\r\n""培训室""",,,vendor,,false,\r\n' +
  '周六答疑,普通员工,,2026-12-12 10:00,11:00,,https://meeting.example.com/j/123,,厂商,30,,\r\n';

describe('npm run cli -- training import', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('reads RFC 4180 CSV: BOM, CRLF, quoted commas, quotes and line breaks, with the line each record starts on', () => {
    const r = parseCsv('\uFEFFa,b\r\n"x, y","1\n2"\n"say ""hi""",\n\nlast,');
    expect(r).toEqual({ records: [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x, y', '1\n2'] }, { line: 4, fields: ['say "hi"', ''] }, { line: 6, fields: ['last', ''] }] });
    expect(parseCsv('a\n"open\nstill')).toEqual({ error: { line: 2, message: expect.stringContaining('not closed') } });
    expect(parseCsv('a\n"x"y')).toEqual({ error: { line: 2, message: expect.stringContaining('after a closing quote') } });
  });

  it('imports a good CSV (BOM, quoted commas, Chinese words) as the chat would create it, each session an audit event via cli, and the chain verifies', async () => {
    const { dir, file, env } = await lowdbWithProject();
    // One session planned in chat first: the file's sessions are numbered after it, on the same chain.
    const s = await openLowdbStore(file);
    const p = (await s.getProject(P))!;
    const st = { at: '2026-12-01T10:00:00+08:00', via: 'reply' as const, platform: 'feishu' as const, evidenceMessageId: 'om_1', text: '新建培训 12-09 14:00-15:00 员工 地点 A' };
    await s.addSession(P, (no): SessionChange<TrainingDecision> => {
      const d = decideCreate(p, no, { date: '2026-12-09', from: '14:00', to: '15:00', audience: 'staff', delivery: { kind: 'onsite', place: 'A' } }, { id: 'ou_admin' }, st, { isWorkingDay: () => true }, '2026-12-01T10:00');
      return d.ok ? { result: d, session: d.session, events: d.events } : { result: d };
    });
    await s.close();

    const csv = input(dir, 'plan.csv', GOOD_CSV);
    const r = await cliRun(env, importArgs(csv));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('created #2 报销流程,审批与退回 · 2026-12-10 14:00–16:00');
    expect(r.out).toMatch(/created #4 周六答疑 · 2026-12-12 10:00–11:00 .*warning: 2026-12-12 is not a working day/);
    expect(r.out).toContain('imported 3 sessions');

    const [sessions, trail] = await look(file, async (x) => [await x.listSessions(P), await x.listSignoffs(P)] as const);
    expect(sessions.map((x) => x.no)).toEqual([1, 2, 3, 4]);
    expect(sessions[1]).toMatchObject({
      title: '报销流程,审批与退回', audience: 'middle', departments: ['财务部', '人事部'], start: '2026-12-10T14:00', end: '2026-12-10T16:00',
      delivery: { kind: 'onsite', place: '三楼会议室' }, trainer: 'customer-admin', capacity: 40, codeRequired: true,
    });
    expect(sessions[2]).toMatchObject({ title: 'OA basics', audience: 'key-users', departments: ['Sales', 'Marketing', 'HR'], delivery: { kind: 'onsite', place: '二楼 "培训室"' }, trainer: 'vendor', capacity: 60, codeRequired: false });
    expect(sessions[3]).toMatchObject({ audience: 'staff', delivery: { kind: 'video', link: 'https://meeting.example.com/j/123' }, capacity: 30 });

    const created = trail.filter((e) => e.via === 'cli');
    expect(created.map((e) => [e.action, e.itemId])).toEqual([['training-create', 'training:2'], ['training-create', 'training:3'], ['training-create', 'training:4']]);
    // The row's line: the second record spans lines 3–4, so the third starts on line 5.
    expect(created.map((e) => e.text)).toEqual(['[cli] training import plan.csv line 2', '[cli] training import plan.csv line 3', '[cli] training import plan.csv line 5']);
    const sha = (await import('node:crypto')).createHash('sha256').update(readFileSync(csv)).digest('hex');
    for (const e of created) {
      expect(e).toMatchObject({ userId: expect.stringMatching(/^cli:/), userName: expect.stringMatching(/^CLI \(/), role: 'member', platform: 'feishu', evidenceMessageId: `sha256:${sha}`, at: '2026-12-01T10:00:00+08:00', rulebookVersion: rulebook.version });
    }
    // The same terms the chat freezes into the event.
    expect(created[0]!.detail).toBe('2026-12-10 14:00–16:00 · 中层管理 · 财务部、人事部 · 现场:三楼会议室 · 讲师:客户管理员 · 上限 40 人 · 签到需签到码');
    expect(verifyChain(P, trail)).toMatchObject({ ok: true, events: 4 });
    expect((await cliRun(env, ['audit', 'verify', '--project', P])).code).toBe(0);
  });

  it('imports a YAML file (sessions: [...]) with the English words; a misspelt key is refused naming the entry', async () => {
    const { dir, file, env } = await lowdbWithProject();
    const good = input(
      dir,
      'plan.yaml',
      [
        'sessions:',
        '  - title: "Approvals, sending back"',
        '    audience: middle-managers',
        '    departments: [Finance, HR]',
        '    start: 2026-12-10 14:00',
        '    end: "16:00"',
        '    recorded: https://video.example.com/v/9',
        '    trainer: customer',
        '  - audience: admins',
        '    departments: IT部、信息中心',
        '    start: "2026-12-14 10:00"',
        '    end: 12:00',
        '    place: Room 3',
        '    capacity: 12',
        '    code: true',
        '    duty: teach your department afterwards',
        '    exercises: https://x.example/ex.pdf',
        '',
      ].join('\n'),
    );
    const r = await cliRun(env, importArgs(good));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const [sessions, trail] = await look(file, async (x) => [await x.listSessions(P), await x.listSignoffs(P)] as const);
    expect(sessions).toMatchObject([
      { no: 1, title: 'Approvals, sending back', audience: 'middle', departments: ['Finance', 'HR'], delivery: { kind: 'recorded', link: 'https://video.example.com/v/9' }, trainer: 'customer-admin', capacity: 60 },
      { no: 2, title: '管理员培训', audience: 'admins', departments: ['IT部', '信息中心'], delivery: { kind: 'onsite', place: 'Room 3' }, capacity: 12, codeRequired: true, duty: 'teach your department afterwards', exercises: 'https://x.example/ex.pdf' },
    ]);
    expect(trail.map((e) => e.text)).toEqual(['[cli] training import plan.yaml sessions[0]', '[cli] training import plan.yaml sessions[1]']);
    expect(verifyChain(P, trail).ok).toBe(true);

    const typo = input(dir, 'typo.yaml', 'sessions:\n  - { audience: staff, start: 2026-12-15 10:00, end: "11:00", place: A }\n  - { audience: staff, start: 2026-12-15 14:00, end: "15:00", place: A, capcity: 30 }\n');
    const bad = await cliRun(env, importArgs(typo));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${typo}: sessions[1]: capcity: unknown key`);
    const mixed = input(dir, 'mixed.yaml', 'sessions:\n  - { audience: 经理们, start: 2026-12-15 10:00, end: "11:00", place: A, link: "https://x.example/j" }\n  - { audience: staff, start: 2026-12-15, end: "15:00", place: A, capacity: 80 }\n');
    const m = await cliRun(env, importArgs(mixed));
    expect(m.err.split('\n')).toEqual([
      expect.stringContaining(`${mixed}: sessions[0]: audience: unknown audience "经理们"`),
      `${mixed}: sessions[0]: place, link: give one of place, link or recorded, not several`,
      `${mixed}: sessions[1]: start: "2026-12-15" is not a date and time like 2026-12-10 14:00`,
      `3 problems in ${mixed}; nothing was written`,
    ]);
    expect(bad.err).toContain('nothing was written');
    expect(await look(file, (x) => x.listSessions(P))).toHaveLength(2);
  });

  it('refuses a row over 60 quoting 5.2-10 and writes nothing; the same row with an override reason is created and the override audited', async () => {
    const { dir, file, env } = await lowdbWithProject();
    const header = 'title,audience,start,end,place,capacity,override\n';
    const ok = '部门培训,中层管理,2026-12-10 09:00,10:00,A,30,\n';
    const before = readFileSync(file);
    const over = input(dir, 'over.csv', `${header}${ok}全员宣贯大会,普通员工,2026-12-15 14:00,15:30,大礼堂,120,\n`);
    const r = await cliRun(env, importArgs(over));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${over}:3: capacity: A limit of 120 exceeds 60 people per session.`);
    expect(r.err).toContain(countermeasure);
    expect(countermeasure).toContain('单场培训人员控制在60人以下');
    expect(r.err).toContain(`rulebook ${rulebook.version}`);
    expect(r.err).toContain('1 problem in');
    expect(readFileSync(file)).toEqual(before);

    const short = input(dir, 'short.csv', `${header}全员宣贯大会,普通员工,2026-12-15 14:00,15:30,大礼堂,120,大会\n`);
    const s = await cliRun(env, importArgs(short));
    expect(s.code).toBe(1);
    expect(s.err).toContain(`${short}:2: override: The override reason needs at least 5 characters`);

    const reason = '全员宣贯大会,另有分场答疑(每个部门一场)';
    const withReason = input(dir, 'reason.csv', `${header}${ok}全员宣贯大会,普通员工,2026-12-15 14:00,15:30,大礼堂,120,"${reason}"\n`);
    const a = await cliRun(env, importArgs(withReason));
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/created #2 全员宣贯大会 .*audit events #2, #3/);
    const [sessions, trail] = await look(file, async (x) => [await x.listSessions(P), await x.listSignoffs(P)] as const);
    expect(sessions[1]).toMatchObject({ capacity: 120, override: { by: expect.stringMatching(/^cli:/), reason } });
    expect(trail.map((e) => e.action)).toEqual(['training-create', 'training-create', 'training-override']);
    expect(trail[2]).toMatchObject({ itemId: 'training:2', via: 'cli', detail: `上限 120 人(超过 60 人),原因:${reason}` });
    expect(verifyChain(P, trail)).toMatchObject({ ok: true, events: 3 });
  });

  it('names file, line and column of every bad row (unknown audience, end before start, two deliveries, a past start) and writes nothing', async () => {
    const { dir, file, env } = await lowdbWithProject();
    const before = readFileSync(file);
    const csv = input(
      dir,
      'bad.csv',
      'title,audience,start,end,place,link,trainer\n' +
        'good,staff,2026-12-10 09:00,10:00,A,,\n' +
        'x,经理们,2026-12-10 09:00,10:00,A,,\n' +
        '"two\nlines",staff,2026-12-10 14:00,13:00,A,,\n' +
        'y,staff,2026-12-10 14:00,15:00,A,https://meeting.example.com/j/1,\n' +
        'z,staff,2026-11-30 14:00,15:00,A,,\n' +
        'w,staff,2026-12-10 14:00,15:00,A,,nobody\n',
    );
    const r = await cliRun(env, importArgs(csv));
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines).toContain(`${csv}:3: audience: unknown audience "经理们" (one of: 高层领导 / 中层管理 / 普通员工 / 关键用户 / 管理员, leaders / middle-managers / staff / key-users / admins)`);
    expect(lines).toContain(`${csv}:4: end: the end (13:00) must be after the start (14:00)`);
    expect(lines).toContain(`${csv}:6: place, link: give one of place, link or recorded, not several`);
    expect(lines).toContain(`${csv}:7: start: The start, 2026-11-30 14:00, is in the past.`);
    expect(lines.some((l) => l.startsWith(`${csv}:8: trainer: unknown trainer "nobody"`))).toBe(true);
    expect(lines.at(-1)).toBe(`5 problems in ${csv}; nothing was written`);
    expect(readFileSync(file)).toEqual(before);
    expect(await look(file, (x) => x.listSessions(P))).toEqual([]);

    const header = input(dir, 'header.csv', 'title,audiense,start,end,place\nx,staff,2026-12-10 09:00,10:00,A\n');
    const h = await cliRun(env, importArgs(header));
    expect(h.code).toBe(1);
    expect(h.err).toContain(`${header}:1: audiense: unknown column`);
    expect(h.err).toContain(`${header}:1: audience: the column is missing`);

    const count = input(dir, 'count.csv', 'title,audience,start,end,place\nx,staff,2026-12-10 09:00,10:00,A, B\n');
    expect((await cliRun(env, importArgs(count))).err).toContain(`${count}:2: 6 fields, the header has 5`);
    expect(readFileSync(file)).toEqual(before);
  });

  it('--dry-run prints what would be created and writes nothing, also beside a running bot, which a write is refused against; an unknown project says how to list them', async () => {
    const { dir, file, env } = await lowdbWithProject();
    const csv = input(dir, 'plan.csv', GOOD_CSV);
    const before = readFileSync(file);
    // The bot holds the file: its lock names another live process (this test's parent).
    const lock = join(dir, 'db.lock');
    writeFileSync(lock, String(process.ppid));
    try {
      const dry = await cliRun(env, importArgs(csv, '--dry-run'));
      expect(dry.err).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.out.split('\n')).toEqual([
        'would create #1 报销流程,审批与退回 · 2026-12-10 14:00–16:00',
        'would create #2 OA basics · 2026-12-11 09:30–11:00',
        'would create #3 周六答疑 · 2026-12-12 10:00–11:00 (warning: 2026-12-12 is not a working day of this project\'s calendar.)',
        `dry run: 3 sessions in ${csv} for ${P} (ACME OA); nothing was written`,
      ]);
      const held = await cliRun(env, importArgs(csv));
      expect(held.code).toBe(1);
      expect(held.err).toMatch(new RegExp(`in use by process ${process.ppid}.*needs the store for writing.*--dry-run`, 's'));
      expect(readFileSync(lock, 'utf8')).toBe(String(process.ppid));
    } finally {
      rmSync(lock, { force: true });
    }
    expect(readFileSync(file)).toEqual(before);
    expect(await look(file, async (x) => [await x.listSessions(P), await x.listSignoffs(P)])).toEqual([[], []]);

    // The example in docs/ checks (its last rows: above 60 with a reason over two lines, a recording).
    const example = await cliRun(env, importArgs('docs/training-import.example.csv', '--dry-run'));
    expect(example.err).toBe('');
    expect(example.out).toContain('would create #4 全员宣贯大会 · 2026-12-15 14:00–15:30, above 60: 全员宣贯大会,另有分场答疑 (每个部门一场,每场不超过 60 人)');
    expect(example.out).toContain('dry run: 5 sessions');

    const unknown = await cliRun(env, ['training', 'import', '--project', 'slack:C404', csv]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(`no project slack:C404; known: ${P} (npm run cli -- signoffs lists the projects`);
    expect((await cliRun(env, ['training', 'import', csv])).code).toBe(2);
  });
});

describe('npm run cli -- training import on PostgreSQL', () => {
  const schemas: string[] = [];
  beforeAll(async () => {
    if (!PG_SKIP) await assertPostgresReachable();
  });
  afterAll(() => dropSchemas(schemas));
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it.skipIf(PG_SKIP)('imports into the schema while a replica holds it, all or nothing, and the chain verifies', async () => {
    const schema = freshSchema('trimp');
    schemas.push(schema);
    const url = urlWithSchema(schema);
    const replica = await openPostgresStore(url);
    try {
      await replica.bindProject(shanghaiProject({ goLive: '2026-12-20' }));
      const dir = tmp();
      const env = { DATA_DIR: 'data', DATABASE_URL: url };
      const bad = input(dir, 'bad.csv', `${GOOD_CSV.trimEnd()}\r\nx,nobody,2026-12-10 09:00,10:00,A,,,,,,,\r\n`);
      const b = await cliRun(env, importArgs(bad));
      expect(b.code).toBe(1);
      expect(b.err).toContain(`${bad}:6: audience: unknown audience "nobody"`);
      expect(await replica.listSessions(P)).toEqual([]);

      const r = await cliRun(env, importArgs(input(dir, 'plan.csv', GOOD_CSV)));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect((await replica.listSessions(P)).map((s) => [s.no, s.title])).toEqual([[1, '报销流程,审批与退回'], [2, 'OA basics'], [3, '周六答疑']]);
      const trail = await replica.listSignoffs(P);
      expect(trail.map((e) => [e.action, e.via])).toEqual([['training-create', 'cli'], ['training-create', 'cli'], ['training-create', 'cli']]);
      expect(verifyChain(P, trail)).toMatchObject({ ok: true, events: 3 });
    } finally {
      await replica.close();
    }
  });
});
