import { loadConfig } from '../config.ts';
import { eventWords } from '../readiness/views/trail-words.ts';
import { signoffsCsv } from '../readiness/views/signoffs-csv.ts';
import { openStore } from '../store/open.ts';
import type { CliContext } from './context.ts';

export const SIGNOFFS_HELP = 'signoffs --project <id> [--json | --csv]   export a project\'s sign-off audit trail (no --project: list projects)';

/** `signoffs --project <id> [--json|--csv]`: the append-only audit trail, read-only on the store. */
export async function signoffsCommand(args: string[], ctx: CliContext): Promise<number> {
  let project: string | undefined;
  let format: 'table' | 'json' | 'csv' = 'table';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--project' || a === '-p') project = args[++i];
    else if (a.startsWith('--project=')) project = a.slice('--project='.length);
    else if (a === '--json') format = 'json';
    else if (a === '--csv') format = 'csv';
    else {
      ctx.err(`unknown option ${a}\nusage: ${SIGNOFFS_HELP}`);
      return 2;
    }
  }
  const store = await openStore(loadConfig(ctx.env), { readOnly: true }); // the bot may be running
  try {
    const projects = await store.listProjects();
    if (!project) {
      ctx.err(`usage: ${SIGNOFFS_HELP}`);
      ctx.err(projects.length ? `projects:\n${projects.map((p) => `  ${p.id}  ${p.name}  go-live ${p.goLive}`).join('\n')}` : 'no projects yet');
      return 2;
    }
    if (!projects.some((p) => p.id === project)) {
      ctx.err(`no project ${project}; known: ${projects.map((p) => p.id).join(', ') || '(none)'}`);
      return 1;
    }
    const events = await store.listSignoffs(project);
    if (format === 'json') ctx.out(JSON.stringify(events, null, 2));
    else if (format === 'csv') ctx.out(signoffsCsv(events, await store.listEvidence(project)).trimEnd());
    else {
      const p = projects.find((x) => x.id === project)!;
      const who = (id: string, name?: string) => (name ? `${name} (${id})` : id);
      for (const e of events) ctx.out(`${e.seq}\t${e.at}\t${e.action}\t${e.itemId}\t${eventWords(e, p.lang, who, (s) => s)}\t${e.via}\t${e.evidenceMessageId}\t${e.text}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
