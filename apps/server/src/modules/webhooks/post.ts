import http from 'node:http';
import https from 'node:https';
import { type DestinationPolicy, guardedLookup } from './destination.js';

export type PostOutcome = { status: number } | { error: 'timeout' | 'network' | 'address_refused' };

/**
 * One POST, no redirects followed, no connection kept, the whole exchange bounded by `timeoutMs`. The answer's
 * body is never read: only its status matters, and the socket is closed as soon as it is known.
 */
export function postWebhook(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  policy: DestinationPolicy;
  timeoutMs: number;
}): Promise<PostOutcome> {
  const url = new URL(options.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(options.policy),
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(options.body)),
          'user-agent': 'Custodian-Webhooks/1',
        },
      },
      (response) => {
        finish({ status: response.statusCode ?? 0 });
        // The body is never read: a receiver streaming an endless answer must not hold the socket open.
        response.on('error', () => {});
        response.destroy();
      },
    );
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error('timeout'));
    }, options.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (timedOut) finish({ error: 'timeout' });
      else finish({ error: err.code === 'EADDRREFUSED' ? 'address_refused' : 'network' });
    });
    request.end(options.body);
  });
}
