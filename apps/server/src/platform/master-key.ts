import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

export interface MasterKeySource {
  key: Buffer;
  origin: 'environment' | 'file' | 'generated';
}

/**
 * The master key (key-encryption key) comes from CUSTODIAN_MASTER_KEY or from the key file.
 * On first start a key file is generated beside — never inside — the data directory.
 */
export function loadOrCreateMasterKey(config: Config, warn: (line: string) => void): MasterKeySource {
  if (config.masterKey) return { key: config.masterKey, origin: 'environment' };
  if (fs.existsSync(config.keyFile)) return { key: readKeyFile(config.keyFile), origin: 'file' };

  const key = randomBytes(32);
  fs.mkdirSync(path.dirname(config.keyFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(config.keyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  const bar = '!'.repeat(78);
  for (const line of [
    bar,
    `A new master key was generated at ${config.keyFile}`,
    'Every personal field is encrypted under it. BACK IT UP NOW, and keep the copy apart',
    'from backups of the data: without this key the data cannot be read, and anyone with',
    'both the key and the data can read everything.',
    bar,
  ]) {
    warn(line);
  }
  return { key, origin: 'generated' };
}

/** Loads an existing key without creating one (for commands that must not invent a key). */
export function loadExistingMasterKey(config: Config): Buffer | null {
  if (config.masterKey) return config.masterKey;
  return fs.existsSync(config.keyFile) ? readKeyFile(config.keyFile) : null;
}

function readKeyFile(file: string): Buffer {
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`The key file ${file} does not hold a 32-byte base64 key`);
  return key;
}

const retiredDir = (config: Config) => path.join(path.dirname(config.keyFile), 'retired');
const nextKeyFile = (config: Config) => `${config.keyFile}.next`;

/**
 * Master keys that were current before a rotation (kept in `retired/` beside the key file), plus the
 * next key of a rotation that was interrupted. They verify old audit entries and unwrap data keys
 * not yet re-wrapped; nothing new is written under them.
 */
export function loadRetiredKeys(config: Config): Buffer[] {
  const keys: Buffer[] = [];
  const dir = retiredDir(config);
  if (fs.existsSync(dir)) {
    for (const name of fs.readdirSync(dir).sort())
      if (name.endsWith('.key')) keys.push(readKeyFile(path.join(dir, name)));
  }
  if (fs.existsSync(nextKeyFile(config))) keys.push(readKeyFile(nextKeyFile(config)));
  return keys;
}

/** Step 1 of a rotation: the new key, written beside the current one (or the one an interrupted rotation left). */
export function prepareNextMasterKey(config: Config): Buffer {
  const file = nextKeyFile(config);
  if (fs.existsSync(file)) return readKeyFile(file);
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** Last step of a rotation: the current key moves to `retired/<id>.key`, the new one becomes current. */
export function completeMasterKeyRotation(config: Config, current: Buffer, currentId: string): void {
  fs.mkdirSync(retiredDir(config), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(retiredDir(config), `${currentId}.key`), `${current.toString('base64')}\n`, {
    mode: 0o600,
  });
  fs.renameSync(nextKeyFile(config), config.keyFile);
}
