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
  /**
   * The question was a rule id the rulebook does not have ("5.2-99", or "5.2-1", a row of the
   * source table's heading): `candidates` are then the nearest real ids.
   */
  unknownId?: { id: string; stage?: { id: string; first: string; last: string }; heading: boolean };
  /** Why the best entry scored as it did: its phrase match, its naive Bayes posterior, the share of the question's words the rulebook knows. */
  evidence?: { lexical: number; bayes: number; known: number };
}

export interface Answerer {
  answer(question: string): AnswerResult;
}
