import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import { processContext } from '../src/cli/context.ts';
import { loadRulebook } from '../src/rulebook/load.ts';

/** The real CLI in a child process: stdin, stdout and exit code as a user sees them. */
const spawnCli = (args: string[], input?: string) =>
  spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { input, encoding: 'utf8' });

/** The same commands in-process (a child process per case is slow on a busy machine). */
async function cli(args: string[], input?: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { ...processContext({ ...process.env, ...env }), out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
  if (input !== undefined) ctx.stdin = async function* () { yield* input.split('\n'); };
  const status = await runCli(args, ctx);
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('the CLI', () => {
  it('ask --json writes one stable JSON object per input line', () => {
    const res = spawnCli(['ask', '--json'], '培训人数多怎么办\n\n今天中午吃什么\ntoo many trainees in one session\n');
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['question', 'id', 'score', 'candidates']);
      expect(typeof l.score).toBe('number');
      for (const c of l.candidates) expect(Object.keys(c)).toEqual(['id', 'score']);
    }
    expect(lines.map((l) => l.id)).toEqual(['5.2-10', null, '5.2-10']);
  });

  it('ask prints the countermeasure verbatim and cites the rule', async () => {
    const res = await cli(['ask', '培训人数多怎么办']);
    expect(res.stdout).toContain('单场培训人员控制在60人以下');
    expect(res.stdout).toContain('5.2 上线前培训准备 · 5.2-10');
  });

  it('shows the configured implementer name instead of the source one', async () => {
    const res = await cli(['rulebook', 'show', '5.2-13'], undefined, { IMPLEMENTER_NAME: '星河科技' });
    expect(res.stdout).toContain('星河科技是提供产品化实施');
    expect(res.stdout).not.toContain('泛普软件');
  });

  it('eval scores a JSONL file and lists misses', async () => {
    const res = await cli(['eval', '../shared/eval/dev-qa.jsonl']);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/in-scope top-1: \d+\/\d+/);
    expect(res.stdout).toMatch(/out-of-scope rejected: \d+\/\d+/);
  });

  it('eval refuses a question set that expects a rule the rulebook does not have, or has an unknown key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    const typo = join(dir, 'typo.jsonl');
    writeFileSync(typo, '{"q": "培训人数多怎么办", "expect": ["5.2-10"]}\n{"q": "培训人数少怎么办", "expect": ["5.2-1"]}\n');
    const bad = await cli(['eval', typo]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${typo}:2: "5.2-1" is not a rule of the rulebook`);
    expect(bad.stdout).toBe(''); // no figures from a set that cannot be scored
    const extra = join(dir, 'extra.jsonl');
    writeFileSync(extra, '{"q": "培训人数多怎么办", "expect": ["5.2-10"], "expected": ["5.2-9"]}\n');
    expect((await cli(['eval', extra])).stderr).toContain(`${extra}:1: expected {"q": string, "expect": [ids]} (unknown key "expected")`);
  });

  it('rulebook check reports the version; an unknown id is a clear error', async () => {
    const version = loadRulebook('data').version;
    expect((await cli(['rulebook', 'check'])).stdout).toContain(`31 risks, version ${version}`);
    const bad = await cli(['rulebook', 'show', '5.9-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('5.9-1 is not in the rulebook');
  });

  it('rulebook check validates every data file start-up reads, with start-up\'s errors', async () => {
    const broken: [string, string, string, RegExp][] = [
      ['checklist/template.yaml', '    due: -30\n', '    due: -30\n    owner: someone\n', /checklist\/template\.yaml: items\[0\]: unknown key "owner"/],
      ['calendar/2027.yaml', '', 'year: 2027\nholidays: [2027-02-06]\nworkday: [2027-02-14]\n', /calendar\/2027\.yaml: .*unknown key "workday"/],
      ['projects.yaml', '', 'projects:\n  - { platform: slack, chatId: C1, name: x, goLive: 2027-01-05, admin: U1, golive: 2027-01-06 }\n', /projects\.yaml: projects\[0\]: unknown key "golive"/],
    ];
    for (const [file, from, to, message] of broken) {
      const dir = mkdtempSync(join(tmpdir(), 'data-'));
      cpSync('data', dir, { recursive: true });
      const path = join(dir, file);
      writeFileSync(path, from ? readFileSync(path, 'utf8').replace(from, to) : to);
      const res = await cli(['rulebook', 'check'], undefined, { DATA_DIR: dir });
      expect(res.status, file).toBe(1);
      expect(res.stderr).toMatch(message);
    }
    const ok = await cli(['rulebook', 'check']);
    expect(ok.stdout).toMatch(/checklist template \d+ items; calendar files none; declared projects 0/);
  });

  it('a broken data directory stops the CLI with the file named', async () => {
    const res = await cli(['rulebook', 'check'], undefined, { DATA_DIR: 'test/fixtures/no-such-dir' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/no-such-dir\/rulebook\/chapter\.yaml: cannot read/);
  });
});
