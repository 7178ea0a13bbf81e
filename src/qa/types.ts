export type Lang = 'zh' | 'en';

export interface Match {
  id: string;
  score: number;
}

export interface AnswerResult {
  question: string;
  lang: Lang;
  /** The confident answer's entry id, or null: the bot then offers `candidates` and invents nothing. */
  id: string | null;
  /** Confidence of the best entry, 0..1. */
  score: number;
  /** Up to three next-best entries ("did you mean", or related when there is an answer). */
  candidates: Match[];
}

export interface Answerer {
  answer(question: string): AnswerResult;
}
