/**
 * Concurrent load with autocannon, every response's latency kept so the percentiles are exact (autocannon's own
 * summary has p97.5, not p95). Each request's path comes from `next()`, so clients spread over many rows.
 */
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function load(options: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST' | 'PATCH';
  next: () => { path: string; body?: unknown };
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const headers = {
    ...options.headers,
    ...(options.method && options.method !== 'GET' ? { 'content-type': 'application/json' } : {}),
  };
  // Without a callback autocannon returns its tracker, an event emitter that is also a promise of the result.
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers,
    requests: [
      {
        method: options.method ?? 'GET',
        setupRequest: (request) => {
          const { path, body } = options.next();
          return { ...request, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
        },
      },
    ],
  }) as unknown as EventEmitter & PromiseLike<autocannon.Result>;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: Math.round(latencies.length / options.seconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
