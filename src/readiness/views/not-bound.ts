import { note, say, type Lang } from '../../core/reply.ts';

/** The reply to a project command in a group with no project. */
export const notBound = (lang: Lang) =>
  note(say(lang, '本群还没有绑定项目', 'No project in this chat yet'), say(lang, '先 @机器人 绑定项目 <名称> 上线日期 <YYYY-MM-DD>', 'First: @bot bind project <name> go-live <YYYY-MM-DD>'), 'warning');

