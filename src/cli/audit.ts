import { loadConfig } from '../config.ts';
import { checkAudit } from '../store/audit-check.ts';
import { openStore } from '../store/open.ts';
import type { CliContext } from './context.ts';

export const AUDIT_HELP = 'audit verify [--project <id>]   recompute the audit trail\'s hash chains and hold the evidence (records, files) to it; names what does not match';

/** `audit verify [--project ID]`: read-only, also beside the running bot; exit 1 when a chain is broken. */
export async function auditCommand(args: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  let only: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--project' || a === '-p') only = rest[++i];
    else if (a.startsWith('--project=')) only = a.slice('--project='.length);
    else {
      ctx.err(`unknown option ${a}\nusage: ${AUDIT_HELP}`);
      return 2;
    }
  }
  if (sub !== 'verify') {
    ctx.err(`usage: ${AUDIT_HELP}`);
    return 2;
  }
  const store = await openStore(loadConfig(ctx.env), { readOnly: true });
  try {
    const projects = (await store.listProjects()).map((p) => p.id);
    if (only && !projects.includes(only)) {
      ctx.err(`no project ${only}; known: ${projects.join(', ') || '(none)'}`);
      return 1;
    }
    let broken = 0;
    for (const id of only ? [only] : projects) {
      // The same check the dashboard's project page shows (src/store/audit-check.ts).
      const { chain: r, evidence: ev } = await checkAudit(store, id);
      if (r.ok) ctx.out(`${id}: ${r.events} events, chain intact, head ${r.head}`);
      else {
        broken++;
        ctx.out(`${id}: ${r.events} events, CHAIN BROKEN at ${r.why}`);
      }
      // The evidence against the trail: its records, and the stored files' bytes hashed again.
      if (!ev.records) continue;
      // Kept by a version before evidence had its own event: said, not counted as tampering.
      const older = ev.unchained ? ` (${ev.unchained} kept before evidence had its own audit event: their files checked, not chained)` : '';
      if (!ev.problems.length) ctx.out(`${id}: ${ev.records} evidence records, ${ev.files} files, all match the trail${older}`);
      else {
        if (r.ok) broken++;
        for (const p of ev.problems) ctx.out(`${id}: EVIDENCE DOES NOT MATCH: ${p}`);
      }
    }
    if (broken) ctx.err(`${broken} project${broken === 1 ? '' : 's'} with a broken chain or evidence that does not match it: the store was changed outside the bot; compare with a backup (npm run cli -- backup) to see what changed`);
    return broken ? 1 : 0;
  } finally {
    await store.close();
  }
}
