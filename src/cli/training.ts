import { createHash } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import { createCalendar } from '../calendar/calendar.ts';
import { isoWithOffset, localDate, localTime } from '../calendar/dates.ts';
import { loadConfig } from '../config.ts';
import { sourceLine } from '../qa/present.ts';
import { loadRulebook } from '../rulebook/load.ts';
import type { Rulebook } from '../rulebook/model.ts';
import { openStore } from '../store/open.ts';
import { StoreError } from '../store/store-error.ts';
import type { SessionChange } from '../store/store.ts';
import { decideImportRow, planImport, problemLine, readCsvRows, readYamlRows, type ImportContext, type Problem, type RawRow } from '../training/import.ts';
import { MAX_SESSION_SIZE } from '../training/model.ts';
import { whenWords } from '../training/words.ts';
import { operatorName } from './operator.ts';
import type { CliContext } from './context.ts';
import { readInputFile } from './input-file.ts';

export const TRAINING_HELP = 'training import --project <id> FILE.csv|FILE.yaml [--dry-run]   plan training sessions from a file, as 新建培训 does in chat (all rows or none); training results --project <id> --session <n> FILE.csv   an external exam\'s results';

const USAGE = `usage: npm run cli -- training import --project <id> FILE [--dry-run]
  FILE       a CSV file (a header row; UTF-8, with or without BOM) or a YAML file (sessions: [ … ])
             with the columns title, audience, departments, start, end, place | link | recorded,
             trainer, capacity, code, override (docs/training.md, "Importing a plan")
  --project  the project (npm run cli -- signoffs lists them)
  --dry-run  check every row and show what would be created; write nothing`;

interface Options {
  project: string;
  file: string;
  dryRun: boolean;
}

function options(args: string[]): Options | string {
  const [sub, ...rest] = args;
  if (sub !== 'import') return sub ? `unknown training command "${sub}" (import or results)` : '';
  let project: string | undefined;
  let file: string | undefined;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--project' || a === '-p') project = rest[++i];
    else if (a.startsWith('--project=')) project = a.slice('--project='.length);
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (file) return `one FILE at a time (got ${file} and ${a})`;
    else file = a;
  }
  if (!project) return '--project is required';
  if (!file) return 'FILE is missing';
  return { project, file, dryRun };
}

/** 5.2-10's risk and countermeasure verbatim from the rulebook (the English translation and the Chinese original), as the chat's refusal quotes them. */
function quoteRule(rb: Rulebook, id: string): string[] {
  const e = rb.byId.get(id);
  if (e?.kind !== 'risk') return [];
  return [
    `${e.id} risk: ${e.problem.en}`,
    `${e.id} countermeasure (rulebook): ${e.countermeasure.en}`,
    `${e.id} 对策(规则书原文): ${e.countermeasure.zh}`,
    `source: ${sourceLine(rb, e, 'en', {})} · rulebook ${rb.version}`,
    ...(id === '5.2-10' ? [`Split it into several sessions; where one must exceed ${MAX_SESSION_SIZE}, give the reason in the row's override column (at least 5 characters).`] : []),
  ];
}

/**
 * `training import --project ID FILE [--dry-run]`: every row is read and decided as the chat's
 * 新建培训 would be (decide.ts decideCreate, with its audit events); only when no row has a
 * problem are the sessions written, one Store.addSession each. Writing needs the store as the
 * other writing commands do (with lowdb, not while the bot holds the file); --dry-run only reads.
 */
export async function trainingCommand(args: string[], ctx: CliContext): Promise<number> {
  if (args[0] === 'results') return (await import('./training-results.ts')).trainingResultsCommand(args.slice(1), ctx);
  const opts = options(args);
  if (typeof opts === 'string') {
    ctx.err(`${opts ? `${opts}\n` : ''}${USAGE}`);
    return 2;
  }
  const o: Options = opts;
  const input = readInputFile(ctx, o.file, { utf8: true });
  if (!input) return 1;
  const { bytes, text: content } = input;
  const ext = extname(o.file).toLowerCase();
  const isYaml = ext === '.yaml' || ext === '.yml';
  if (!isYaml && ext !== '.csv') {
    ctx.err(`${o.file}: a .csv or .yaml file is needed; nothing was written`);
    return 1;
  }
  const read = isYaml ? readYamlRows(content, o.file) : readCsvRows(content, o.file);

  const config = loadConfig(ctx.env);
  const rulebook = loadRulebook(config.dataDir);
  const calendar = createCalendar({ dir: join(config.dataDir, 'calendar') });
  let store;
  try {
    store = await openStore(config, { readOnly: o.dryRun });
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    ctx.err(`${e.message}\nimporting writes the sessions and their audit events, which needs the store for writing: stop the bot (lowdb holds one process per file) or use PostgreSQL; --dry-run checks the file beside the running bot`);
    return 1;
  }
  try {
    const p = await store.getProject(o.project);
    if (!p) {
      const known = (await store.listProjects()).map((x) => x.id);
      ctx.err(`no project ${o.project}; known: ${known.join(', ') || '(none)'} (npm run cli -- signoffs lists the projects with their names); nothing was written`);
      return 1;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const who = operatorName();
    const clock = new Date();
    const c: ImportContext = {
      project: p,
      actor: { id: `cli:${who}`, name: `CLI (${who})` },
      stamp: (row: RawRow) => ({
        at: isoWithOffset(clock, p.timeZone),
        via: 'cli',
        platform: p.platform,
        evidenceMessageId: `sha256:${sha256}`,
        text: `[cli] training import ${basename(o.file)} ${row.line !== undefined ? `line ${row.line}` : `sessions[${row.entry}]`}`,
        rulebookVersion: rulebook.version,
      }),
      calendar: { isWorkingDay: (d) => calendar.isWorkingDay(d, p.timeZone) },
      now: `${localDate(clock, p.timeZone)}T${localTime(clock, p.timeZone)}`,
    };
    const lastNo = Math.max(0, ...(await store.listSessions(p.id)).map((s) => s.no));
    // Every problem of the file at once: the rows that could not be read, then those the decision refuses.
    const { planned, problems: refused } = planImport(c, read.rows, lastNo);
    const problems = [...read.problems, ...refused];
    if (problems.length) return refuse(problems);

    const label = (s: { no: number; title: string; start: string; end: string }) => `#${s.no} ${s.title} · ${whenWords(s)}`;
    const warned = (ws: { en: string }[]) => (ws.length ? ` (warning: ${ws.map((w) => w.en).join('; ')})` : '');
    if (o.dryRun) {
      for (const x of planned) ctx.out(`would create ${label(x.decided.session)}${x.decided.session.override ? `, above ${MAX_SESSION_SIZE}: ${x.decided.session.override.reason}` : ''}${warned(x.decided.warnings)}`);
      ctx.out(`dry run: ${planned.length} session${planned.length === 1 ? '' : 's'} in ${o.file} for ${p.id} (${p.name}); nothing was written`);
      return 0;
    }

    // Each row decided again with the number the store gives it (the same decision: only the number can differ).
    const created: string[] = [];
    for (const x of planned) {
      const out = await store.addSession(p.id, (no): SessionChange<ReturnType<typeof decideImportRow>> => {
        const d = decideImportRow(c, x.row, x.draft, no);
        return d.ok ? { result: d, session: d.decided.session, events: d.decided.events } : { result: d };
      });
      const d = out.result;
      if (!d.ok) {
        ctx.err(problemLine(d.problem));
        ctx.err(`${created.length ? `written before it: ${created.join(', ')}; ` : ''}that row and the ones after it were not written`);
        return 1;
      }
      const s = out.session!;
      created.push(`#${s.no}`);
      ctx.out(`created ${label(s)} (audit event${out.events.length === 1 ? '' : 's'} ${out.events.map((e) => `#${e.seq}`).join(', ')})${warned(d.decided.warnings)}`);
    }
    ctx.out(`imported ${planned.length} session${planned.length === 1 ? '' : 's'} from ${o.file} into ${p.id} (${p.name}); in the group, "@bot 培训列表" lists them and "@bot 培训 N" posts a card with the sign-up button`);
    return 0;
  } finally {
    await store.close();
  }

  function refuse(problems: Problem[]): number {
    for (const x of problems) ctx.err(problemLine(x));
    for (const rule of [...new Set(problems.map((x) => x.rule).filter((r): r is string => !!r))]) for (const l of quoteRule(rulebook, rule)) ctx.err(l);
    ctx.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${o.file}; nothing was written`);
    return 1;
  }
}

