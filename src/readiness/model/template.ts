import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseDataFile } from '../../data/yaml-file.ts';
import type { Rulebook } from '../../rulebook/model.ts';
import { Role } from '../../store/records.ts';

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export const TemplateItem = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes, like "training-plan-signed"'),
  stage: z.string().regex(/^\d+\.\d+$/, 'must be a stage id like "5.2"'),
  /** Days relative to go-live: -14 is T-14. */
  due: z.number().int().min(-365).max(60),
  confirm: z.union([Role, z.literal('anyone')]),
  rules: z.array(z.string().regex(/^\d+\.\d+(-\d+)?$/, 'must be a rule id like "5.2-17" or "5.2"')).min(1),
  text: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }),
  /** `required`: the item stays open ("needs evidence") until a confirm of it carries a file, image or link. */
  evidence: z.literal('required', { error: 'must be "required" (or left out)' }).optional(),
});
export type TemplateItem = z.infer<typeof TemplateItem>;

const TemplateFile = z.strictObject({ items: z.array(TemplateItem).min(1).max(99) });

export interface Template {
  items: TemplateItem[];
  byId: ReadonlyMap<string, TemplateItem>;
}

/**
 * Loads data/checklist/template.yaml. With a rulebook, every stage and rule id must exist
 * in it, so a typo is caught at start-up rather than shown to a customer.
 */
export function loadTemplate(dataDir: string, rulebook?: Rulebook): Template {
  const file = join(dataDir, 'checklist', 'template.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TemplateError(`${file}: ${code === 'ENOENT' ? 'missing (the checklist template is required)' : `cannot read (${code})`}`);
  }
  return makeTemplate(parseDataFile(text, TemplateFile, file, TemplateError).items, file, rulebook);
}

export function makeTemplate(items: TemplateItem[], shown = 'template', rulebook?: Rulebook): Template {
  const byId = new Map<string, TemplateItem>();
  items.forEach((item, i) => {
    if (byId.has(item.id)) throw new TemplateError(`${shown}: items.${i}.id "${item.id}" appears twice`);
    byId.set(item.id, item);
    if (!rulebook) return;
    const stage = rulebook.byId.get(item.stage);
    if (!stage || stage.kind !== 'stage') throw new TemplateError(`${shown}: items.${i} (${item.id}): stage ${item.stage} is not in the rulebook`);
    for (const r of item.rules) {
      if (!rulebook.byId.has(r)) throw new TemplateError(`${shown}: items.${i} (${item.id}): rule ${r} is not in the rulebook`);
    }
  });
  return { items, byId };
}
