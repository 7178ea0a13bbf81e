import { Session } from '../training/model.ts';
import { StoreError } from './store-error.ts';

/**
 * A session a decision hands the store, checked before anything is written: valid, and the
 * session it was asked to be (the project's, with its number), so a bug upstream never writes
 * one session over another.
 */
export function checkSession(s: Session, projectId: string, no: number): Session {
  const v = Session.parse(s);
  if (v.projectId !== projectId || v.no !== no) throw new StoreError(`training session ${v.projectId} #${v.no} handed to the store as ${projectId} #${no}`);
  return v;
}
