import { note, say, type Lang } from '../core/reply.ts';
import type { ReadinessEnv } from '../readiness/env.ts';
import type { Handler } from '../core/bot.ts';
import { mdText } from '../core/markdown.ts';
import { UploadError } from '../core/transport.ts';
import { notBound } from '../readiness/views/not-bound.ts';
import { projectIdOf } from '../readiness/model/project-id.ts';
import { generateReport, type ReportFormat, type ReportKind } from './index.ts';

/**
 * `@bot 生成报告` / `@bot report` (the pre-launch check report) and `@bot 风险报告` /
 * `@bot risk report`, PDF unless `docx` follows, in a project group: the report of the chat's
 * project, in the project's language, uploaded into the thread of the request
 * (Transport.upload). Anyone in the group may ask: the report says what `签字记录` already shows
 * there. The audit event is written only once the file is in the chat (generateReport's
 * `deliver`); an upload that fails gets a short reply saying why, and nothing is recorded.
 */

export interface ReportCommand {
  kind: ReportKind;
  format: ReportFormat;
  lang: Lang;
}

const FORMAT = '(?:\\s*[(（]?\\s*(docx|word|pdf)\\s*[)）]?)?';
const ZH_CHECK = new RegExp(`^(?:生成|导出|发)?(?:一下|一份)?(?:上线前?检查)?报告${FORMAT}$`, 'iu');
const ZH_RISK = new RegExp(`^(?:生成|导出|发)?(?:一下|一份)?(?:项目)?风险报告书?${FORMAT}$`, 'iu');
const EN_CHECK = new RegExp(`^(?:(?:generate|make|send|get)\\s+(?:the\\s+|a\\s+)?)?(?:pre-?launch\\s+)?(?:check\\s+)?report${FORMAT}$`, 'i');
const EN_RISK = new RegExp(`^(?:(?:generate|make|send|get)\\s+(?:the\\s+|a\\s+)?)?(?:project\\s+)?risk\\s+report${FORMAT}$`, 'i');

const formatOf = (w: string | undefined): ReportFormat => (w && /^(docx|word)$/i.test(w) ? 'docx' : 'pdf');

/** Reads the command from text with the bot's mention removed; null when it is none. */
export function parseReportCommand(text: string): ReportCommand | null {
  const s = text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/[。.!！]+$/u, '');
  let m: RegExpExecArray | null;
  if ((m = ZH_RISK.exec(s))) return { kind: 'risk', format: formatOf(m[1]), lang: 'zh' };
  if ((m = ZH_CHECK.exec(s))) return { kind: 'check', format: formatOf(m[1]), lang: 'zh' };
  if ((m = EN_RISK.exec(s))) return { kind: 'risk', format: formatOf(m[1]), lang: 'en' };
  if ((m = EN_CHECK.exec(s))) return { kind: 'check', format: formatOf(m[1]), lang: 'en' };
  return null;
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** A name every platform and file system takes: no path separators or control characters, at most 120 characters before the extension. */
export function uploadName(displayName: string): string {
  const dot = displayName.lastIndexOf('.');
  const stem = displayName.slice(0, dot).replace(/[\\/:*?"<>|\p{Cc}]+/gu, '_').trim();
  return `${[...stem].slice(0, 120).join('') || 'report'}${displayName.slice(dot)}`;
}

function refusal(lang: Lang, e: UploadError, bytes: number) {
  const why =
    e.reason === 'too-large'
      ? say(lang, `文件 ${size(bytes)},超过平台上限 ${size(e.limit ?? 0)}`, `the file (${size(bytes)}) is larger than the platform takes (${size(e.limit ?? 0)})`)
      : e.reason === 'unsupported'
        ? say(lang, '这里不能发送文件', 'files cannot be sent here')
        : mdText(e.message);
  return note(
    say(lang, '报告未能上传', 'Report not uploaded'),
    say(lang, `报告未能上传:${why}。未记入审计链;可在看板的项目页下载同一份报告。`, `The report could not be uploaded: ${why}. Nothing was recorded; the dashboard's project page has the same report.`),
    'warning',
  );
}

export function reportCommandHandler(env: Pick<ReadinessEnv, 'template'>): Handler {
  return async (ctx) => {
    const msg = ctx.msg;
    if (msg.kind !== 'text' || !msg.mentionsBot) return false;
    const cmd = parseReportCommand(msg.text);
    if (!cmd) return false;
    const { lang } = cmd;
    if (msg.chat.chatType !== 'group') {
      await ctx.reply(note(say(lang, '请在项目群里使用', 'Use this in the project group'), say(lang, '报告属于群聊绑定的项目:在项目群里 @机器人 生成报告。', "A report is of a group's project: @ the bot in the project group."), 'warning'));
      return true;
    }
    const { store, clock, log, rulebook } = ctx.deps;
    const project = await store.getProject(projectIdOf(msg.chat.platform, msg.chat.chatId));
    if (!project) {
      await ctx.reply(notBound(lang));
      return true;
    }
    let bytes = 0;
    try {
      const r = await generateReport({
        store,
        template: env.template,
        rulebook,
        project,
        kind: cmd.kind,
        format: cmd.format,
        now: clock.now(),
        actor: { id: msg.user.id, ...(msg.user.name ? { name: msg.user.name } : {}), via: msg.chat.platform === 'web' ? 'web' : 'reply', messageId: msg.messageId },
        deliver: async (r) => {
          bytes = r.bytes.length;
          await ctx.upload({ bytes: r.bytes, name: uploadName(r.displayName), mime: r.contentType, comment: `📄 ${r.displayName} (${cmd.format.toUpperCase()}, ${size(r.bytes.length)}, SHA-256 ${r.sha256.slice(0, 12)})` });
        },
      });
      log.info('report uploaded', { projectId: project.id, kind: cmd.kind, format: cmd.format, bytes: r.bytes.length, seq: r.event?.seq });
    } catch (e) {
      if (!(e instanceof UploadError)) throw e;
      log.warn('report not uploaded', { projectId: project.id, kind: cmd.kind, format: cmd.format, reason: e.reason, why: e.message });
      await ctx.reply(refusal(lang, e, bytes));
    }
    return true;
  };
}
