import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './core/log.ts';
import { loadEnvFile, type EnvFileRead } from './env-file.ts';
import { RulebookError } from './rulebook/load.ts';
import { StoreError } from './store/store-error.ts';
import { TemplateError } from './readiness/model/template.ts';
import { CalendarError } from './calendar/calendar.ts';
import { ProjectsFileError } from './readiness/model/declared.ts';
import { SHUTDOWN_GRACE_MS, StartError, startApp, type RunningApp } from './wire.ts';

const SECRET_VARS = ['FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN', 'FEISHU_ENCRYPT_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'ADMIN_TOKEN', 'DATABASE_URL', 'TRAINING_CODE_SECRET'];
/** Errors whose message says what to fix: logged without a stack. */
const OPERATOR_ERRORS = [ConfigError, RulebookError, StoreError, TemplateError, CalendarError, ProjectsFileError, StartError];

let log = createLogger('info', SECRET_VARS.map((k) => process.env[k]));

/**
 * SIGTERM and SIGINT, from whichever process they come (npm and tsx pass them on; a terminal's
 * Ctrl-C reaches every process of the group, so the same signal may come twice): the first one
 * stops the bot (wire.ts close: no new requests, events in flight get SHUTDOWN_GRACE_MS, the
 * store is flushed and its lock released) and exits 0; a signal during start-up stops it as
 * soon as it is up. Later ones are only logged: a second Ctrl-C must not cut the flush short.
 */
let app: RunningApp | undefined;
let stopSignal: string | undefined;
function onSignal(signal: string) {
  if (stopSignal) return log.info('already shutting down', { signal });
  stopSignal = signal;
  if (app) void shutdown(app, signal);
  else log.info('stop requested during start-up; stopping once it is up', { signal });
}
async function shutdown(running: RunningApp, signal: string) {
  log.info('shutting down', { signal, graceSeconds: SHUTDOWN_GRACE_MS / 1000 });
  // close() is bounded by the grace period; this only guards against a store that never answers.
  const hang = setTimeout(() => {
    log.error('shutdown did not finish; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS + 5_000);
  hang.unref();
  try {
    await running.close();
    log.info('stopped');
    process.exit(0);
  } catch (err) {
    log.error('shutdown failed', { err });
    process.exit(1);
  }
}

async function main() {
  let envFile: EnvFileRead | undefined;
  try {
    // Before the configuration (and the logger's masks): .env's secrets are masked like the environment's.
    envFile = loadEnvFile(process.env);
    const config = loadConfig(process.env);
    log = createLogger(config.logLevel, SECRET_VARS.map((k) => process.env[k]));
    if (envFile.found) log.info('read the environment file', { file: envFile.file, variables: envFile.applied, keptFromEnvironment: envFile.kept });
    else log.info('no environment file; settings come from the environment', { file: envFile.file });
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    app = await startApp(config, { log });
    if (stopSignal) await shutdown(app, stopSignal);
  } catch (err) {
    // Whatever stops the start exits non-zero (startApp has released the store by now).
    if (OPERATOR_ERRORS.some((E) => err instanceof E)) log.error((err as Error).message, { kind: (err as Error).name });
    else log.error('start-up failed', { err, stack: (err as Error)?.stack });
    process.exit(1);
  }
}

// No input may take the server down once it runs: log what escaped and keep serving.
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err, stack: (err as Error)?.stack }));

void main();
