import { describe, expect, it } from 'vitest';
import { parseReportCommand, uploadName } from '../src/reports/chat-command.ts';

describe('the report chat command', () => {
  it.each([
    ['生成报告', 'check', 'pdf', 'zh'],
    ['报告', 'check', 'pdf', 'zh'],
    ['生成报告 docx', 'check', 'docx', 'zh'],
    ['生成上线前检查报告 PDF', 'check', 'pdf', 'zh'],
    ['生成报告(word)', 'check', 'docx', 'zh'],
    ['风险报告', 'risk', 'pdf', 'zh'],
    ['生成风险报告 DOCX。', 'risk', 'docx', 'zh'],
    ['项目风险报告书', 'risk', 'pdf', 'zh'],
    ['ｒｅｐｏｒｔ ｄｏｃｘ', 'check', 'docx', 'en'],
    ['report', 'check', 'pdf', 'en'],
    ['report docx', 'check', 'docx', 'en'],
    ['Generate the pre-launch check report', 'check', 'pdf', 'en'],
    ['risk report', 'risk', 'pdf', 'en'],
    ['Risk Report DOCX', 'risk', 'docx', 'en'],
    ['generate a project risk report pdf', 'risk', 'pdf', 'en'],
  ])('%s → %s %s (%s)', (text, kind, format, lang) => {
    expect(parseReportCommand(text)).toEqual({ kind, format, lang });
  });

  it.each(['要不要给客户发风险报告书?培训排不下来已经一个月了', '项目风险报告书什么时候该发给客户', 'how do I write a risk report', 'report 5.2-11', '报告 odt', '签字记录'])('leaves a question or another command alone: %s', (text) => {
    expect(parseReportCommand(text)).toBeNull();
  });

  it('names the file without path separators or control characters', () => {
    expect(uploadName('上线前检查报告-A/B: "OA"\u0007-2026-10-09.pdf')).toBe('上线前检查报告-A_B_ _OA_-2026-10-09.pdf');
    expect(uploadName(`项目风险报告书-${'长'.repeat(300)}-2026-10-09.docx`)).toMatch(/^项目风险报告书-长+\.docx$/);
    expect([...uploadName(`x${'长'.repeat(300)}.pdf`)].length).toBe(124);
  });
});
