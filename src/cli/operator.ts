import { userInfo } from 'node:os';

/**
 * Who runs a CLI command, for the audit trail of what it writes: the OS account, or 'unknown'
 * where the platform has none (userInfo throws for a uid without a passwd entry, as in some
 * containers).
 */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
