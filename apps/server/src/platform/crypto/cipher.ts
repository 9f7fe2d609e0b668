import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

const version = 1;
const ivLength = 12;
const tagLength = 16;
const headerLength = 1 + ivLength + tagLength;

// Nonces are drawn from a pool filled by the CSPRNG 1,024 at a time: one call per nonce costs more than the
// encryption itself. Every nonce is a fresh slice, used once; the pool is never read anywhere else.
const nonces = Buffer.alloc(ivLength * 1024);
let nextNonce = nonces.length;

/**
 * AES-256-GCM with a random 96-bit nonce. Layout: version (1) | iv (12) | tag (16) | ciphertext.
 * `context` is bound as associated data, so a ciphertext moved to another row or field fails to open.
 */
export function seal(key: Buffer, plaintext: Buffer, context: string): Buffer {
  if (nextNonce === nonces.length) {
    randomFillSync(nonces);
    nextNonce = 0;
  }
  // One allocation for the whole sealed value: GCM is a stream mode, so the ciphertext is as long as
  // the plaintext and final() adds nothing.
  const out = Buffer.allocUnsafe(headerLength + plaintext.length);
  out[0] = version;
  nonces.copy(out, 1, nextNonce, nextNonce + ivLength);
  nonces.fill(0, nextNonce, nextNonce + ivLength);
  nextNonce += ivLength;
  const cipher = createCipheriv('aes-256-gcm', key, out.subarray(1, 1 + ivLength), {
    authTagLength: tagLength,
  });
  cipher.setAAD(Buffer.from(context));
  const body = cipher.update(plaintext);
  const rest = cipher.final();
  if (body.length + rest.length !== plaintext.length) throw new Error('AES-GCM changed the length');
  body.copy(out, headerLength);
  rest.copy(out, headerLength + body.length);
  cipher.getAuthTag().copy(out, 1 + ivLength);
  return out;
}

export function open(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < headerLength || sealed[0] !== version) {
    throw new Error('Ciphertext has an unknown format');
  }
  const iv = sealed.subarray(1, 1 + ivLength);
  const tag = sealed.subarray(1 + ivLength, headerLength);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(headerLength)), decipher.final()]);
}
