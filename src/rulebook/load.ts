import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { readDataFile } from '../data/yaml-file.ts';
import { ConfidenceFile } from '../qa/confidence.ts';
import type { Entry, Phrases, RiskEntry, Rulebook, StageEntry } from './model.ts';
import { AlternatesFile, ChapterFile, ExamplesFile, LexiconFile, OffTopicFile, StageFile } from './schema.ts';

export class RulebookError extends Error {
  override name = 'RulebookError';
}

const none = (): Phrases => ({ zh: [], en: [] });

/**
 * Loads the rulebook from `dataDir` (rulebook/chapter.yaml, rulebook/<stage>.yaml,
 * qa/alternates.yaml, qa/lexicon.yaml). Any broken file throws a RulebookError that
 * names the file, the entry and the field.
 */
export function loadRulebook(dataDir = 'data'): Rulebook {
  const shown = (f: string) => {
    const r = relative(process.cwd(), f);
    return r && !r.startsWith('..') ? r : f;
  };
  const hash = createHash('sha256');
  const files: string[] = [];
  const read = <S extends z.ZodType>(rel: string, schema: S): z.infer<S> => {
    const file = join(dataDir, rel);
    files.push(file);
    const value = readDataFile(file, schema, shown(file), RulebookError);
    hash.update(rel).update(readFileSync(file));
    return value;
  };

  const chapter = read('rulebook/chapter.yaml', ChapterFile);
  const stages: StageEntry[] = [];
  const risks: RiskEntry[] = [];
  const byId = new Map<string, Entry>();
  for (const stageId of chapter.stages) {
    const rel = `rulebook/${stageId}.yaml`;
    const s = read(rel, StageFile);
    if (s.id !== stageId) throw new RulebookError(`${shown(join(dataDir, rel))}: id is "${s.id}" but the file is listed as stage "${stageId}"`);
    const stage: StageEntry = { kind: 'stage', ...s, questions: none(), keywords: none(), examples: none() };
    stages.push(stage);
    byId.set(stage.id, stage);
    s.risks.forEach((r, i) => {
      const id = `${s.id}-${r.row}`;
      if (byId.has(id)) throw new RulebookError(`${shown(join(dataDir, rel))}: risks[${i}].row ${r.row} appears twice (${id})`);
      const risk: RiskEntry = { kind: 'risk', id, stageId: s.id, ...r, questions: none(), keywords: none(), examples: none() };
      risks.push(risk);
      byId.set(id, risk);
    });
  }

  const alternates = read('qa/alternates.yaml', AlternatesFile);
  for (const [id, alt] of Object.entries(alternates)) {
    const entry = byId.get(id);
    if (!entry) throw new RulebookError(`${shown(join(dataDir, 'qa/alternates.yaml'))}: ${id} is not an entry of the rulebook`);
    entry.questions = alt.questions;
    entry.keywords = alt.keywords;
  }
  const examples = read('qa/examples.yaml', ExamplesFile);
  for (const [id, ex] of Object.entries(examples)) {
    const entry = byId.get(id);
    if (!entry) throw new RulebookError(`${shown(join(dataDir, 'qa/examples.yaml'))}: ${id} is not an entry of the rulebook`);
    entry.examples = ex;
  }
  const lexicon = read('qa/lexicon.yaml', LexiconFile);
  for (const id of Object.keys(lexicon.stageNames))
    if (!stages.some((s) => s.id === id))
      throw new RulebookError(`${shown(join(dataDir, 'qa/lexicon.yaml'))}: stageNames: ${id} is not a stage (the stages are ${stages.map((s) => s.id).join(', ')})`);
  const confidence = read('qa/confidence.yaml', ConfidenceFile);
  const offTopicQuestions = read('qa/offtopic.yaml', OffTopicFile);

  return {
    chapter: chapter.chapter,
    title: chapter.title,
    implementerSource: chapter.implementer.source,
    stages,
    risks,
    byId,
    lexicon,
    confidence,
    offTopicQuestions,
    version: hash.digest('hex').slice(0, 12),
  };
}
