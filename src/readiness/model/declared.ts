import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDataFile } from '../../data/yaml-file.ts';
import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { Platform } from '../../core/message.ts';
import { isValidDate, isValidTimeZone, isoWithOffset } from '../../calendar/dates.ts';
import { LocalTime, Role, type ProjectRecord, type Store } from '../../store/store.ts';
import { DEFAULT_POST_TIME, DEFAULT_TIME_ZONE, projectIdOf } from './project-id.ts';

export class ProjectsFileError extends Error {
  override name = 'ProjectsFileError';
}

const Declared = z.strictObject({
  platform: Platform.exclude(['web']),
  chatId: z.string().min(1),
  name: z.string().min(1).max(60),
  goLive: z.string().refine(isValidDate, 'must be a real date like 2026-12-20'),
  timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone like Asia/Shanghai').default(DEFAULT_TIME_ZONE),
  postTime: LocalTime.default(DEFAULT_POST_TIME),
  lang: z.enum(['zh', 'en']).default('zh'),
  admin: z.string().min(1),
  roles: z.array(z.strictObject({ userId: z.string().min(1), name: z.string().optional(), role: Role })).default([]),
  /** The customer's organisation (Slack team or enterprise id, Feishu tenant key): customer-side roles need a member of it. */
  customerOrg: z.string().min(1).optional(),
});
// An empty file (or one with only comments) declares nothing.
const ProjectsFile = z.preprocess((v) => v ?? {}, z.strictObject({ projects: z.array(Declared).default([]) }));
export type DeclaredProject = z.infer<typeof Declared>;

/**
 * data/projects.yaml: projects set up before the bot is invited. Optional; a broken file
 * stops start-up with the file, the entry and the field.
 */
export function loadDeclaredProjects(dataDir: string): DeclaredProject[] {
  const file = join(dataDir, 'projects.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ProjectsFileError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
  const data = parseDataFile(text, ProjectsFile, file, ProjectsFileError);
  const seen = new Set<string>();
  data.projects.forEach((p, i) => {
    const id = projectIdOf(p.platform, p.chatId);
    if (seen.has(id)) throw new ProjectsFileError(`${file}: projects.${i}: ${id} is declared twice`);
    seen.add(id);
  });
  return data.projects;
}

/**
 * Writes declared projects into the store at start-up. The file wins for what it states
 * (name, date, zone, time, admin, the roles it lists); roles given in chat to other people are kept.
 */
export async function syncDeclaredProjects(store: Store, declared: DeclaredProject[], clock: Clock): Promise<void> {
  for (const d of declared) {
    const id = projectIdOf(d.platform, d.chatId);
    const old = await store.getProject(id);
    const at = isoWithOffset(clock.now(), d.timeZone);
    const listed = new Set(d.roles.map((r) => r.userId));
    const record: ProjectRecord = {
      id,
      platform: d.platform,
      chatId: d.chatId,
      name: d.name,
      goLive: d.goLive,
      timeZone: d.timeZone,
      postTime: d.postTime,
      lang: d.lang,
      adminId: d.admin,
      roles: [...(old?.roles ?? []).filter((r) => !listed.has(r.userId) && !r.declared), ...d.roles.map((r) => ({ ...r, declared: true }))],
      // The file's organisation wins; without one, what the first customer-lead's acceptance recorded is kept.
      ...(d.customerOrg ? { customerOrg: { id: d.customerOrg, source: 'file' as const } } : old?.customerOrg?.source === 'first-lead' ? { customerOrg: old.customerOrg } : {}),
      source: 'file',
      createdAt: old?.createdAt ?? at,
      updatedAt: at,
    };
    await store.putProject(record);
  }
}
