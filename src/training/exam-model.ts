import { z } from 'zod';

/** The exam's data: the question bank file (data/training/*.yaml) and the exam as the session keeps it (exam.ts decides). */

export class ExamBankError extends Error {
  override name = 'ExamBankError';
}

const Text = z.strictObject({ zh: z.string().min(1).max(300), en: z.string().min(1).max(300) });
export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

export const ExamQuestion = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -'),
    text: Text,
    choices: z.array(Text).min(2).max(LETTERS.length),
    answer: z.enum(LETTERS),
  })
  .refine((q) => LETTERS.indexOf(q.answer) < q.choices.length, { message: 'answer names a choice the question does not have', path: ['answer'] });

export const ExamBank = z
  .strictObject({
    /** A sample the customer replaces (shown on the exam card). */
    example: z.boolean().default(false),
    module: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -'),
    /** The projects (ids as `npm run cli -- signoffs` lists them) this bank is for; absent: every project's. */
    projects: z.array(z.string().min(1)).min(1).optional(),
    title: Text,
    /** Percent of right answers needed to pass. */
    passMark: z.number().int().min(1).max(100),
    questions: z.array(ExamQuestion).min(1).max(20),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', message: `question id "${q.id}" is used twice`, path: ['questions', i, 'id'] });
      seen.add(q.id);
    });
  });
export type ExamBank = z.infer<typeof ExamBank>;

/** The exam as kept on the session: the bank as it was at the start (so a changed file never rescores), the answers, the results once closed. */
export const ExamResult = z.strictObject({ userId: z.string().min(1), correct: z.number().int().min(0), total: z.number().int().positive(), percent: z.number().int().min(0).max(100), passed: z.boolean() });
export type ExamResult = z.infer<typeof ExamResult>;
/** An earlier round of the exam (the first sitting, or a retake), closed, as it was scored. */
export const ExamRound = z.strictObject({ startedBy: z.string().min(1), startedAt: z.string(), closedBy: z.string().min(1), closedAt: z.string(), results: z.array(ExamResult) });
export type ExamRound = z.infer<typeof ExamRound>;

export const Exam = z.strictObject({
  /** Earlier rounds, oldest first: a retake (补考) moves the closed round here and opens a new one for those who did not pass. */
  rounds: z.array(ExamRound).optional(),
  bank: ExamBank,
  startedBy: z.string().min(1),
  startedAt: z.string(),
  /** userId → question id → the index of the choice. */
  answers: z.record(z.string(), z.record(z.string(), z.number().int().min(0))).default({}),
  closedBy: z.string().optional(),
  closedAt: z.string().optional(),
  results: z.array(ExamResult).optional(),
  /** The message the exam card was posted as. */
  messageId: z.string().optional(),
});
export type Exam = z.infer<typeof Exam>;

/** An exam held outside the bot (a paper test, another system), its results imported from a CSV file by the CLI. */
export const ExternalExam = z.strictObject({
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  passMark: z.number().int().min(1).max(100),
  importedBy: z.string().min(1),
  importedAt: z.string(),
  results: z.array(ExamResult).min(1),
});
export type ExternalExam = z.infer<typeof ExternalExam>;
