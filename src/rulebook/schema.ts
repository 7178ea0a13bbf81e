import { z } from 'zod';

/** A text in both languages. The Chinese is the source; the English a reviewed translation. */
export const Bilingual = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export type Bilingual = z.infer<typeof Bilingual>;

export const SubPoint = Bilingual.extend({ label: z.string().min(1) });

export const WorkPoint = z.strictObject({
  text: Bilingual,
  sub: z.array(SubPoint).default([]),
});

export const RiskFile = z.strictObject({
  row: z.number().int().positive(),
  problem: Bilingual,
  countermeasure: Bilingual,
});

export const StageFile = z.strictObject({
  id: z.string().regex(/^\d+\.\d+$/, 'must look like "5.2"'),
  title: Bilingual,
  purpose: Bilingual,
  preparation: Bilingual,
  deliverables: z.array(Bilingual).default([]),
  workPoints: z.array(WorkPoint).min(1),
  risks: z.array(RiskFile),
});
export type StageFile = z.infer<typeof StageFile>;

export const ChapterFile = z.strictObject({
  chapter: z.string().min(1),
  title: Bilingual,
  implementer: z.strictObject({ source: Bilingual }),
  stages: z.array(z.string()).min(1),
});
export type ChapterFile = z.infer<typeof ChapterFile>;

const Phrases = z.strictObject({
  zh: z.array(z.string().min(1)).default([]),
  en: z.array(z.string().min(1)).default([]),
});

/** Alternate questions and keywords per entry id (a stage "5.2" or a risk "5.2-10"). */
export const AlternatesFile = z.record(
  z.string().regex(/^\d+\.\d+(-\d+)?$/, 'keys are entry ids such as "5.2" or "5.2-10"'),
  z.strictObject({ questions: Phrases.default({ zh: [], en: [] }), keywords: Phrases.default({ zh: [], en: [] }) }),
);
export type AlternatesFile = z.infer<typeof AlternatesFile>;

/** Example messages per entry id (data/qa/examples.yaml), for the vocabulary model only. */
export const ExamplesFile = z.record(
  z.string().regex(/^\d+\.\d+(-\d+)?$/, 'keys are entry ids such as "5.2" or "5.2-10"'),
  z.strictObject({ zh: z.array(z.string().min(1)).default([]), en: z.array(z.string().min(1)).default([]) }),
);

/** Questions the rulebook does not answer, as people in project groups ask them (data/qa/offtopic.yaml). */
export const OffTopicFile = z.strictObject({
  zh: z.array(z.string().min(1)).default([]),
  en: z.array(z.string().min(1)).default([]),
});

/** Words with single `*` between them ("哪个*软件"): a bare or doubled `*` would match anything. */
const rejectCue = z.string().regex(/^[^*]+(?:\*[^*]+)*$/, 'a reject cue is words with a single * between them, never at either end ("哪个*软件")');

/**
 * The answering lexicon: synonym groups (every member is read as the first one),
 * filler words stripped from questions, and number rules such as "一百多人" → 人数多.
 */
export const LexiconFile = z.strictObject({
  synonyms: z.strictObject({
    zh: z.array(z.array(z.string().min(1)).min(2)).default([]),
    en: z.array(z.array(z.string().min(1)).min(2)).default([]),
  }),
  fillers: z.strictObject({
    zh: z.array(z.string().min(1)).default([]),
    en: z.array(z.string().min(1)).default([]),
  }),
  /**
   * Everyday office requests the rulebook never answers (rooms, passwords, prices, lunch).
   * A question containing one needs a clearly stronger match: its confidence is multiplied by `penalty`.
   */
  offTopic: z
    .strictObject({
      zh: z.array(z.string().min(1)).default([]),
      en: z.array(z.string().min(1)).default([]),
      penalty: z.number().gt(0).max(1).default(0.7),
      /**
       * Requests the rulebook never answers, whatever else they say (which software or tool to
       * use, which vendor to choose): a question with one gets no answer, only choices. `*`
       * stands for up to four characters in Chinese, up to two words in English ("哪个*软件",
       * "which * software"). `except` is masked before the scan: names that contain such a word
       * and are the rulebook's own (泛普软件, the vendor), words such as 为什么.
       */
      reject: z
        .strictObject({
          zh: z.array(rejectCue).default([]),
          en: z.array(rejectCue).default([]),
          except: z.array(z.string().min(1)).default([]),
          /**
           * Named products (钉钉, Zoom, 泛微 …): two different ones joined by a word of `between`
           * (还是, or, vs) ask which to choose ("腾讯会议还是钉钉", "Zoom or Teams"); one alone may
           * be how a rule's training is held ("用腾讯会议给外地培训").
           */
          products: z.array(z.string().min(1)).default([]),
          between: z.array(z.string().min(1)).default([]),
        })
        .default({ zh: [], en: [], except: [], products: [], between: [] }),
    })
    .default({ zh: [], en: [], penalty: 0.7, reject: { zh: [], en: [], except: [], products: [], between: [] } }),
  /**
   * Words that ask about a stage as a whole (阶段, 工作要点, key points). A question naming a
   * stage's title with one of them is about that stage, not about one of its risks.
   */
  stageCues: z
    .strictObject({ zh: z.array(z.string().min(1)).default([]), en: z.array(z.string().min(1)).default([]) })
    .default({ zh: [], en: [] }),
  /**
   * Other names people give a stage (用户培训 for 用户使用培训): with a stage cue they name the
   * stage as its title does. Keys are stage ids.
   */
  stageNames: z.record(z.string(), z.array(z.string().min(1))).default({}),
  headcount: z
    .strictObject({ many: z.number().int().positive(), few: z.number().int().positive(), manyTerm: z.string(), fewTerm: z.string() })
    .optional(),
});
export type LexiconFile = z.infer<typeof LexiconFile>;
