export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Tokens the platforms hand out at run time, which no configuration lists: Feishu's tenant,
 * app and user access tokens (t-…, a-…, u-…), Slack's bot, user and app tokens (xox?-…, xapp-…),
 * and whatever follows "Bearer ".
 */
const TOKEN_SHAPED = /\b(?:[tau]-[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,})\b|(?<=Bearer )[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * One JSON line per record on stderr. Every configured secret is masked wherever it
 * appears (message or fields), so a token echoed back in an SDK error never reaches a log.
 * An Error in the fields is written as { name, message }, with its `stack` at error level.
 */
export function createLogger(level: Level = 'info', secrets: (string | undefined)[] = [], sink: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const masks = secrets.filter((s): s is string => !!s && s.length >= 4);
  const redact = (s: string) => masks.reduce((acc, m) => acc.split(m).join('***'), s).replace(TOKEN_SHAPED, '***');
  const emit = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    let line: string;
    try {
      // `this[k]` is the value before toJSON(): errors such as AxiosError serialise their
      // request config (with the Authorization header) through toJSON otherwise.
      // At error level an error keeps its stack trace (masked like the rest of the line).
      const stack = lvl === 'error';
      line = JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...fields }, function (this: Record<string, unknown>, k, v) {
        const orig = k === '' ? v : this[k];
        return orig instanceof Error ? { name: orig.name, message: orig.message, ...(stack && orig.stack ? { stack: orig.stack } : {}) } : v;
      });
    } catch {
      line = JSON.stringify({ level: lvl, msg });
    }
    sink(redact(line));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = createLogger('silent');
