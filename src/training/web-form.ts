import { isValidDate } from '../calendar/dates.ts';
import type { SessionDraft } from './decide.ts';
import { AUDIENCES, type Audience } from './model.ts';

/**
 * The dashboard's "plan a session" form (src/web/training-page.ts) read into the draft the chat's
 * 新建培训 makes, or what is wrong with it (in both languages). Pure: the route decides and writes.
 */
export function draftFromForm(form: URLSearchParams): { draft: SessionDraft } | { error: { zh: string; en: string } } {
  const get = (k: string) => form.get(k)?.trim() || undefined;
  const bad = (zh: string, en: string) => ({ error: { zh, en } });
  const date = get('date');
  if (!date || !isValidDate(date)) return bad('日期无效(YYYY-MM-DD)', 'the date is not valid (YYYY-MM-DD)');
  const hm = /^([01]\d|2[0-3]):[0-5]\d$/;
  const from = get('from');
  const to = get('to');
  if (!from || !hm.test(from) || !to || !hm.test(to)) return bad('开始和结束时间须为 HH:mm', 'start and end are HH:mm');
  const audience = get('audience') as Audience | undefined;
  if (!audience || !AUDIENCES.includes(audience)) return bad('请选择培训对象', 'choose the audience');
  const kind = get('delivery');
  const where = get('where');
  if (!where) return bad('请填写地点或链接', 'give the place or the link');
  let delivery: SessionDraft['delivery'];
  if (kind === 'onsite') {
    if ([...where].length > 100) return bad('地点最多 100 个字', 'the place is at most 100 characters');
    delivery = { kind: 'onsite', place: where };
  } else if (kind === 'video' || kind === 'recorded') {
    if (!/^https?:\/\/\S+$/i.test(where)) return bad('链接须为 http(s) 地址', 'the link must be an http(s) address');
    delivery = { kind, link: where };
  } else return bad('请选择方式(现场、视频会议、录播)', 'choose the delivery (on site, video meeting, recording)');
  const trainer = get('trainer') ?? 'vendor';
  if (trainer !== 'vendor' && trainer !== 'customer-admin') return bad('讲师须为实施方或客户管理员', "the trainer is the vendor or the customer's admin");
  const cap = get('capacity');
  const capacity = cap === undefined ? undefined : Number(cap);
  if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 1)) return bad('上限须为人数', 'the capacity is a number of people');
  const title = get('title');
  if (title && [...title].length > 100) return bad('标题最多 100 个字', 'the title is at most 100 characters');
  const duty = get('duty');
  if (duty && [...duty].length > 300) return bad('职责最多 300 个字', 'the duty is at most 300 characters');
  const exercises = get('exercises');
  if (exercises && [...exercises].length > 500) return bad('练习最多 500 个字', 'the exercises are at most 500 characters');
  const departments = (get('departments') ?? '').split(/\s*[,，、;；/]\s*/u).filter(Boolean);
  const reason = get('override');
  return {
    draft: {
      date,
      from,
      to,
      audience,
      delivery,
      trainer,
      ...(capacity !== undefined ? { capacity } : {}),
      ...(title ? { title } : {}),
      ...(departments.length ? { departments } : {}),
      ...(form.get('code') === 'on' && kind === 'onsite' ? { codeRequired: true } : {}),
      ...(duty ? { duty } : {}),
      ...(exercises ? { exercises } : {}),
      ...(reason ? { overrideReason: reason } : {}),
    },
  };
}
