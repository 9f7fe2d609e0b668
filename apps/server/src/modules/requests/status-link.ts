import { constantTimeEqual, type KeyRing } from '../../platform/crypto/keys.js';

/** The requester's token for following one request: a MAC of its id under a key outside the database. */
export const statusTokenOf = (keys: KeyRing, requestId: string): string =>
  keys.mac('request-status-link', requestId.toLowerCase()).subarray(0, 18).toString('base64url');

/** The portal page where the requester follows the request; mailed to them and shown after verifying. */
export const statusUrlOf = (keys: KeyRing, publicUrl: string, requestId: string): string =>
  `${publicUrl}/privacy/requests/${requestId}?token=${statusTokenOf(keys, requestId)}`;

/** Whether a token is the one of this request, under the current or a retired master key (constant time). */
export const isStatusToken = (keys: KeyRing, requestId: string, token: string): boolean =>
  keys
    .all()
    .map((ring) => constantTimeEqual(Buffer.from(statusTokenOf(ring, requestId)), Buffer.from(token)))
    .reduce((a, b) => a || b, false);
