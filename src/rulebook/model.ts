import type { z } from 'zod';
import type { ConfidenceModel } from '../qa/confidence.ts';
import type { Bilingual, LexiconFile, StageFile, WorkPoint } from './schema.ts';

export interface Phrases { zh: string[]; en: string[] }

export interface StageEntry {
  kind: 'stage';
  id: string; // "5.2"
  title: Bilingual;
  purpose: Bilingual;
  preparation: Bilingual;
  deliverables: Bilingual[];
  workPoints: z.infer<typeof WorkPoint>[];
  questions: Phrases;
  keywords: Phrases;
  /** Example messages in everyday words (data/qa/examples.yaml): the vocabulary model's, not phrase matching's. */
  examples: Phrases;
}

export interface RiskEntry {
  kind: 'risk';
  id: string; // "5.2-10"
  stageId: string;
  row: number;
  problem: Bilingual;
  countermeasure: Bilingual;
  questions: Phrases;
  keywords: Phrases;
  examples: Phrases;
}

export type Entry = StageEntry | RiskEntry;

export interface Rulebook {
  chapter: string;
  title: Bilingual;
  /** The implementer's name as written in the source text, replaced in answers. */
  implementerSource: Bilingual;
  stages: StageEntry[];
  risks: RiskEntry[];
  byId: ReadonlyMap<string, Entry>;
  lexicon: LexiconFile;
  /** When an answer is confident enough to give (data/qa/confidence.yaml, fitted by `npm run fit:confidence`). */
  confidence: ConfidenceModel;
  /** Questions the rulebook does not answer (data/qa/offtopic.yaml): what off-topic text looks like. */
  offTopicQuestions: Phrases;
  /** Content hash of every data file, shown with answers so a reader knows which edition spoke. */
  version: string;
}

export type { StageFile };

export function stageOf(rb: Rulebook, entry: Entry): StageEntry {
  if (entry.kind === 'stage') return entry;
  const s = rb.byId.get(entry.stageId);
  if (!s || s.kind !== 'stage') throw new Error(`risk ${entry.id} has no stage ${entry.stageId}`);
  return s;
}
