import { checkDataFiles } from '../data/check.ts';
import { cardText } from '../core/card.ts';
import { entryCard } from '../qa/present.ts';
import type { CliContext } from './context.ts';

/** `rulebook check` validates the data files; `rulebook show 5.2-10 [--en]` prints an entry. */
export async function rulebookCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, id, flag] = args;
  if (sub === 'check') {
    // Every file start-up reads, with start-up's errors (file, entry and field); runCli prints them.
    const report = checkDataFiles(ctx.dataDir());
    const rb = report.rulebook;
    const noAlt = [...rb.byId.values()].filter((e) => !e.questions.zh.length || !e.questions.en.length).map((e) => e.id);
    ctx.out(`ok: chapter ${rb.chapter}, ${rb.stages.length} stages, ${rb.risks.length} risks, version ${rb.version}`);
    ctx.out(`ok: checklist template ${report.templateItems} items; calendar files ${report.calendarYears.join(', ') || 'none'}; declared projects ${report.declaredProjects}; exam banks ${report.examBanks}`);
    if (noAlt.length) ctx.out(`note: no alternate questions in one language for ${noAlt.join(', ')}`);
    return 0;
  }
  if (sub === 'show' && id) {
    const { rulebook: rb, implementerName } = ctx.load();
    const e = rb.byId.get(id);
    if (!e) {
      ctx.err(`${id} is not in the rulebook; ids look like 5.2 or 5.2-10 (${rb.risks[0]?.id} … ${rb.risks.at(-1)?.id})`);
      return 2;
    }
    ctx.out(cardText(entryCard(rb, e, flag === '--en' ? 'en' : 'zh', { question: id, candidates: [], score: 1 }, { implementerName })));
    return 0;
  }
  ctx.err('usage: rulebook check | rulebook show <id> [--en]');
  return 2;
}
