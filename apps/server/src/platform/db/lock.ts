import fs from 'node:fs';
import path from 'node:path';

export interface DataDirLock {
  release(): void;
}

export class DataDirInUseError extends Error {
  constructor(readonly pid: number) {
    super(
      `The embedded database is in use by another Custodian process (pid ${pid}). ` +
        'Stop the server before running this command, or use DATABASE_URL to share a PostgreSQL server.',
    );
  }
}

/**
 * PGlite does not lock its data directory, and two processes on one directory corrupt it.
 * A lock file with the owner's pid keeps a second process (a CLI command while the server runs) out;
 * a lock left by a process that died is taken over.
 */
const heldHere = new Set<string>();

export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(fs.realpathSync(dataDir), 'custodian.lock');
  if (heldHere.has(file)) throw new DataDirInUseError(process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(file);
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner))
        throw new DataDirInUseError(owner);
      // A lock with our own pid that this process does not hold was left by an earlier process with the
      // same pid (containers often start every process as pid 1): it is stale, like a dead owner's.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error('Could not take the data directory lock');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
