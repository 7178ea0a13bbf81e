import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { isoWithOffset, localDate, localTime } from '../calendar/dates.ts';
import { loadConfig } from '../config.ts';
import { loadRulebook } from '../rulebook/load.ts';
import { openStore } from '../store/open.ts';
import { StoreError } from '../store/store-error.ts';
import { decideExternalResults, problemLine, readResultsCsv, type ResultsDecision } from '../training/exam-results.ts';
import { operatorName } from './operator.ts';
import type { CliContext } from './context.ts';
import { readInputFile } from './input-file.ts';

export const RESULTS_USAGE = `usage: npm run cli -- training results --project <id> --session <n> FILE.csv [--pass 60] [--dry-run]
  FILE       a CSV file of an exam held outside the bot: a header row with user (the platform's user
             id), optionally name, and score (percent) or correct and total, optionally passed
             (docs/training.md, "Results of an external exam")
  --session  the session's number (as in "@bot 培训列表")
  --pass     the pass mark in percent, where the file has no passed column (default 60)
  --dry-run  check every row and show the counts; write nothing`;

interface Options {
  project: string;
  session: number;
  file: string;
  pass: number;
  dryRun: boolean;
}

function options(rest: string[]): Options | string {
  const o: Partial<Options> = { pass: 60, dryRun: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const v = () => rest[++i];
    if (a === '--dry-run') o.dryRun = true;
    else if (a === '--project' || a === '-p') o.project = v();
    else if (a === '--session' || a === '-s') o.session = Number(v());
    else if (a === '--pass') o.pass = Number(v());
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (o.file) return `one FILE at a time (got ${o.file} and ${a})`;
    else o.file = a;
  }
  if (!o.project) return '--project is required';
  if (!Number.isInteger(o.session) || o.session! < 1) return '--session N is required (the number "@bot 培训列表" shows)';
  if (!Number.isInteger(o.pass) || o.pass! < 1 || o.pass! > 100) return '--pass is a percent from 1 to 100';
  if (!o.file) return 'FILE is missing';
  return o as Options;
}

/**
 * `training results --project ID --session N FILE`: an external exam's results, every row read
 * first (all or nothing), then kept on the session with a training-exam event in one
 * Store.changeSession; the training report and the go-live criterion count them.
 */
export async function trainingResultsCommand(rest: string[], ctx: CliContext): Promise<number> {
  const parsed = options(rest);
  if (typeof parsed === 'string') {
    ctx.err(`${parsed}\n${RESULTS_USAGE}`);
    return 2;
  }
  const o: Options = parsed;
  const input = readInputFile(ctx, o.file, { utf8: true });
  if (!input) return 1;
  const { bytes, text } = input;
  const read = readResultsCsv(text, o.file, o.pass);
  if (read.problems.length) {
    for (const p of read.problems) ctx.err(problemLine(p));
    ctx.err(`${read.problems.length} problem${read.problems.length === 1 ? '' : 's'} in ${o.file}; nothing was written`);
    return 1;
  }
  const config = loadConfig(ctx.env);
  const rulebook = loadRulebook(config.dataDir);
  let store;
  try {
    store = await openStore(config, { readOnly: o.dryRun });
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    ctx.err(`${e.message}\nimporting results writes the session and its audit event: stop the bot (lowdb holds one process per file) or use PostgreSQL; --dry-run checks the file beside the running bot`);
    return 1;
  }
  try {
    const p = await store.getProject(o.project);
    if (!p) {
      ctx.err(`no project ${o.project}; known: ${(await store.listProjects()).map((x) => x.id).join(', ') || '(none)'}; nothing was written`);
      return 1;
    }
    const clock = new Date();
    const now = `${localDate(clock, p.timeZone)}T${localTime(clock, p.timeZone)}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const who = operatorName();
    const actor = { id: `cli:${who}`, name: `CLI (${who})` };
    const at = isoWithOffset(clock, p.timeZone);
    const st = { at, via: 'cli' as const, platform: p.platform, evidenceMessageId: `sha256:${sha256}`, text: `[cli] training results ${basename(o.file)}`, rulebookVersion: rulebook.version };
    const ext = { file: basename(o.file), sha256, passMark: o.pass, importedBy: actor.id, importedAt: at };
    const passed = read.rows.filter((r) => r.result.passed).length;
    if (o.dryRun) {
      const s = await store.getSession(p.id, o.session);
      if (!s) return notFound();
      const d = decideExternalResults(p, s, read.rows, ext, actor, st, now);
      if (!d.ok) return refused(d);
      ctx.out(`dry run: ${read.rows.length} results, ${passed} passed (pass mark ${o.pass}%) for session #${s.no} of ${p.id}${d.replaced ? ', replacing the earlier import' : ''}; nothing was written`);
      return 0;
    }
    const out = await store.changeSession(p.id, o.session, (s) => {
      const d = decideExternalResults(p, s, read.rows, ext, actor, st, now);
      return d.ok ? { result: d as ResultsDecision, session: d.session, events: d.events } : { result: d as ResultsDecision };
    });
    if (!out) return notFound();
    if (!out.result.ok) return refused(out.result);
    ctx.out(`imported ${read.rows.length} results, ${passed} passed (pass mark ${o.pass}%), into session #${o.session} of ${p.id} (${p.name}); audit event ${out.events.map((e) => `#${e.seq}`).join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }

  function notFound(): number {
    ctx.err(`the project has no session #${o.session} ("@bot 培训列表" lists them); nothing was written`);
    return 1;
  }
  function refused(d: Extract<ResultsDecision, { ok: false }>): number {
    ctx.err(`${d.why.en}; nothing was written`);
    return 1;
  }
}
