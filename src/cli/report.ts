import { writeFileSync } from 'node:fs';
import { loadTemplate } from '../readiness/model/template.ts';
import { loadConfig } from '../config.ts';
import { generateReport, REPORT_FORMATS, REPORT_KINDS, type ReportFormat, type ReportKind } from '../reports/index.ts';
import { loadRulebook } from '../rulebook/load.ts';
import { openStore } from '../store/open.ts';
import { StoreError } from '../store/store-error.ts';
import { operatorName } from './operator.ts';
import type { CliContext } from './context.ts';

export const REPORT_HELP =
  'report --project <id> --kind check|risk --format docx|pdf --out FILE [--lang zh|en] [--no-record]   the pre-launch check report or the risk report; recorded in the audit trail';

/**
 * `report --project ID --kind check|risk --format docx|pdf --out FILE`: writes the report and
 * records "report" in the project's audit trail (that needs the store for writing: with lowdb,
 * not while the bot holds the file; then ask the bot, GET /api/projects/:id/report, or pass
 * --no-record for an unrecorded copy read beside it).
 */
export async function reportCommand(args: string[], ctx: CliContext): Promise<number> {
  let project: string | undefined;
  let kind: string = 'check';
  let format: string | undefined;
  let out: string | undefined;
  let lang: string | undefined;
  let record = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? args[++i];
    if (flag === '--project' || flag === '-p') project = value();
    else if (flag === '--kind') kind = value() ?? '';
    else if (flag === '--format') format = value();
    else if (flag === '--out' || flag === '-o') out = value();
    else if (flag === '--lang') lang = value();
    else if (flag === '--no-record') record = false;
    else {
      ctx.err(`unknown option ${a}\nusage: ${REPORT_HELP}`);
      return 2;
    }
  }
  format ??= out?.match(/\.(docx|pdf)$/i)?.[1]?.toLowerCase();
  const problems = [
    !project && '--project is required',
    !REPORT_KINDS.includes(kind as ReportKind) && `--kind must be ${REPORT_KINDS.join(' or ')}`,
    !REPORT_FORMATS.includes(format as ReportFormat) && `--format must be ${REPORT_FORMATS.join(' or ')}`,
    !out && '--out FILE is required',
    lang !== undefined && lang !== 'zh' && lang !== 'en' && '--lang must be zh or en',
  ].filter(Boolean);
  if (problems.length) {
    ctx.err(`${problems.join('; ')}\nusage: ${REPORT_HELP}`);
    return 2;
  }
  const config = loadConfig(ctx.env);
  const rulebook = loadRulebook(config.dataDir);
  const template = loadTemplate(config.dataDir, rulebook);
  let store;
  try {
    store = await openStore(config, { readOnly: !record });
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    ctx.err(`${e.message}\nthe report is recorded in the audit trail, which needs the store for writing: ask the running bot instead (GET /api/projects/${project}/report?kind=${kind}&format=${format}), or add --no-record for a copy that is not recorded`);
    return 1;
  }
  try {
    const p = await store.getProject(project!);
    if (!p) {
      const known = (await store.listProjects()).map((x) => x.id);
      ctx.err(`no project ${project}; known: ${known.join(', ') || '(none)'}`);
      return 1;
    }
    const who = operatorName();
    const r = await generateReport({
      store,
      template,
      rulebook,
      project: p,
      kind: kind as ReportKind,
      format: format as ReportFormat,
      now: new Date(),
      ...(lang ? { lang: lang as 'zh' | 'en' } : {}),
      ...(record ? { actor: { id: `cli:${who}`, name: `CLI (${who})`, via: 'cli' as const } } : {}),
    });
    writeFileSync(out!, r.bytes);
    ctx.out(`${out}: ${r.displayName}, ${r.bytes.length} bytes, sha256 ${r.sha256}`);
    ctx.out(r.event ? `recorded in the audit trail as event #${r.event.seq}` : 'not recorded in the audit trail (--no-record)');
    return 0;
  } finally {
    await store.close();
  }
}
