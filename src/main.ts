import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './core/log.ts';
import { RulebookError } from './rulebook/load.ts';
import { StoreError } from './store/store-error.ts';
import { TemplateError } from './checklist/template.ts';
import { CalendarError } from './schedule/calendar.ts';
import { ProjectsFileError } from './projects/declared.ts';
import { startApp } from './wire.ts';

const SECRET_VARS = ['FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN', 'FEISHU_ENCRYPT_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'ADMIN_TOKEN', 'DATABASE_URL'];

let log = createLogger('info', SECRET_VARS.map((k) => process.env[k]));

async function main() {
  try {
    const config = loadConfig(process.env);
    log = createLogger(config.logLevel, SECRET_VARS.map((k) => process.env[k]));
    const app = await startApp(config, { log });
    const shutdown = async (signal: string) => {
      log.info('shutting down', { signal });
      await app.close().catch((err) => log.error('shutdown failed', { err }));
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RulebookError || err instanceof StoreError || err instanceof TemplateError || err instanceof CalendarError || err instanceof ProjectsFileError) {
      log.error(err.message, { kind: err.name });
      process.exit(1);
    }
    throw err;
  }
}

// No input may take the server down: log what escaped and keep serving.
process.on('unhandledRejection', (err) => log.error('unhandled rejection', { err }));

void main();
