import { loadEnvFile } from '../env-file.ts';
import { processContext, type CliContext } from './context.ts';
import { askCommand } from './ask.ts';
import { evalCommand } from './eval.ts';
import { feedbackCommand } from './feedback.ts';
import { rulebookCommand } from './rulebook.ts';
import { REVIEW_HELP, reviewCommand } from './review.ts';
import { SIGNOFFS_HELP, signoffsCommand } from './signoffs.ts';
import { AUDIT_HELP } from './audit.ts';
import { BACKUP_HELP, RESTORE_HELP } from './backup.ts';
import { TRAINING_HELP } from './training.ts';

type Command = (args: string[], ctx: CliContext) => Promise<number>;

/** Subcommands; each lives in its own file. */
const commands: Record<string, { run: Command; help: string }> = {
  signoffs: { run: signoffsCommand, help: SIGNOFFS_HELP },
  ask: { run: askCommand, help: 'ask "question" | ask --json   answer a question; --json reads stdin, one JSON line per question' },
  rulebook: { run: rulebookCommand, help: 'rulebook check | show <id> [--en]   validate the data files, print an entry' },
  feedback: { run: feedbackCommand, help: 'feedback [--json]          👍/👎 votes on answers, worst first' },
  review: { run: reviewCommand, help: REVIEW_HELP },
  eval: { run: evalCommand, help: 'eval FILE.jsonl [--summary]  score {q, expect} lines per language: top-1 accuracy, rejection, misses' },
  migrate: { run: async (a, c) => (await import('./migrate.ts')).migrateCommand(a, c), help: 'migrate --from data/db.json --to $DATABASE_URL   copy a lowdb installation into PostgreSQL' },
  audit: { run: async (a, c) => (await import('./audit.ts')).auditCommand(a, c), help: AUDIT_HELP },
  backup: { run: async (a, c) => (await import('./backup.ts')).backupCommand(a, c), help: BACKUP_HELP },
  restore: { run: async (a, c) => (await import('./backup.ts')).restoreCommand(a, c), help: RESTORE_HELP },
  calendar: { run: async (a, c) => (await import('./calendar.ts')).calendarCommand(a, c), help: 'calendar import FILE.ics|FILE.yaml [--year YYYY] [--dry-run] [--force]   check an official holiday schedule, write data/calendar/<year>.yaml' },
  training: { run: async (a, c) => (await import('./training.ts')).trainingCommand(a, c), help: TRAINING_HELP },
  report: { run: async (a, c) => (await import('./report.ts')).reportCommand(a, c), help: 'report --project <id> --kind check|risk --format docx|pdf --out FILE [--lang zh|en] [--no-record]   the pre-launch check or risk report (recorded in the audit trail)' },
};

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv;
  const cmd = name ? commands[name] : undefined;
  if (!cmd) {
    ctx.err(`usage: npm run cli -- <command>\n${Object.values(commands).map((c) => '  ' + c.help).join('\n')}`);
    return name ? 2 : 0;
  }
  try {
    return await cmd.run(args, ctx);
  } catch (e) {
    ctx.err(`error: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // The same settings as the bot: .env (or ENV_FILE) under the environment.
  loadEnvFile(process.env);
  process.exitCode = await runCli(process.argv.slice(2), processContext());
}
