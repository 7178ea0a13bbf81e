import type { Card } from '../core/card.ts';
import type { Lang } from './types.ts';

const HELP: Record<Lang, { title: string; md: string }> = {
  zh: {
    title: '我能做什么',
    md: [
      '**问风险**：@我 加上你的问题，例如「@bot 培训人数多怎么办」。我从上线规则书里找对应的风险和对策，原文回答并注明规则编号（如 5.2-10）；没把握时给出「你是不是想问」，不编答案。',
      '**看规则**：@我 发规则编号，例如「@bot 5.2-17」。',
      '**问阶段**：「上线前检查要做哪些事」「培训准备要做什么」。',
      '**上线清单**：「绑定项目 <名称> 上线日期 <YYYY-MM-DD>」「设置角色 @某人 客户项目负责人|项目经理|IT负责人」「清单」「进度」「签字记录」「设置提醒时间 08:30」。',
      '**报告**：「生成报告」发上线前检查报告，「风险报告」发项目风险报告书（PDF；后加 docx 为 Word）。',
      '**确认事项**：在清单消息下回复「确认 3」「确认 1-3」「全部确认」，或点按钮；「撤销 2」撤回。',
      '**培训**：「新建培训 12-10 14:00-16:00 中层管理 上限40 地点 三楼会议室」（单场超过 60 人需加「超额原因 …」）「培训列表」「修改培训 3 上限50」「取消培训 3」；在培训卡片上点「报名」「取消报名」；开课前 15 分钟至开课后 30 分钟点「签到」或发「签到 3」（需要签到码时「签到 3 1234」），结束前点「确认在场」；「签到情况 3」看谁签到后离开。',
    ].join('\n'),
  },
  en: {
    title: 'What I can do',
    md: [
      '**Ask about a risk**: mention me with your question, e.g. "@bot too many trainees in one session". I answer from the go-live rulebook, verbatim, citing the rule id (e.g. 5.2-10); when unsure I offer "did you mean" and never invent an answer.',
      '**Look up a rule**: mention me with its id, e.g. "@bot 5.2-17".',
      '**Ask about a stage**: "what do we check before go-live", "how to prepare the training".',
      '**Go-live checklist**: "bind project <name> go-live <YYYY-MM-DD>", "set role @someone customer-lead|vendor-pm|it-lead", "checklist", "status", "sign-offs", "set time 08:30".',
      '**Reports**: "report" sends the pre-launch check report, "risk report" the project risk report (PDF; add "docx" for Word).',
      '**Confirm items**: reply to the checklist with "confirm 3", "confirm 1-3", "confirm all", or press its button; "undo 2" takes one back.',
      '**Training**: "new training 12-10 14:00-16:00 middle-managers cap 40 at Room 3" (above 60 people add "override <reason>"), "trainings", "change training 3 cap 50", "cancel training 3"; press "Sign up" / "Cancel sign-up" on the session card; from 15 minutes before the start to 30 after press "Check in" or send "check in 3" ("check in 3 1234" when the room\'s code is needed), near the end "Still here"; "attendance 3" shows who signed in and left.',
    ].join('\n'),
  },
};

export const HELP_WORDS = /^(帮助|help|\?|？|怎么用|你能做什么|你会什么|使用说明|菜单|menu|commands?)$/i;

export function helpCard(lang: Lang): Card {
  const h = HELP[lang];
  return { title: h.title, tone: 'info', blocks: [{ type: 'text', md: h.md }], fallback: `${h.title}\n${h.md.replace(/\*\*/g, '')}` };
}
