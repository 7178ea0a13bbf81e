import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StoreError } from './store-error.ts';

/**
 * One writing process per file, enforced: a second bot (or a rolling restart that starts the
 * new process before the old one stopped) would silently lose the other's writes. The lock
 * names its process (pid and, on Linux, its start time, so a pid reused after a crash, as in a
 * restarted container, is not mistaken for it); one whose process is gone is taken over.
 */
export function takeLock(file: string): { release(): void } {
  const path = `${file.replace(/\.json$/, '')}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(path, `${process.pid} ${startTime(process.pid) ?? ''}`.trim(), { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const [pidText, started] = readFileSync(path, 'utf8').trim().split(' ');
      const pid = Number(pidText);
      if (pid && pid !== process.pid && alive(pid) && (!started || startTime(pid) === undefined || startTime(pid) === started)) {
        throw new StoreError(`${file} is in use by process ${pid}: lowdb takes one process per file (stop that one first, or use DATABASE_URL for several replicas); if no such bot runs, remove ${path}`);
      }
      rmSync(path, { force: true }); // its process is gone
    }
  }
  throw new StoreError(`could not take ${path}`);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
