import type { Contact, Import } from '@custodian/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { subjectKeysFor } from '../modules/subjects/index.js';
import { indexerFor } from '../platform/crypto/blind-index.js';
import type { Caller, TestContext } from './context.js';
import { multipart } from './multipart.js';

/** What the CSV import tests do through the API, as a client would. */
export interface ImportClient {
  /** Uploads a file (or, with `null`, none) with the import's settings; by default as the client's caller. */
  upload(fields: Record<string, string>, csv: string | null, as?: Caller): Promise<LightMyRequestResponse>;
  /** Polls the import until its job has finished (the test's own timeout bounds it). */
  finished(id: string): Promise<Import>;
  /** A new contact with one e-mail address, `<tag>-<name>@example.test`. */
  person(tag: string, name: string): Promise<Contact & { email: string }>;
}

/**
 * The import client of a test file, on the context and caller its `beforeAll` sets up: `current` is read at each
 * call, so the client can be made at the top of the file.
 */
export function importClient(current: () => { t: TestContext; as: Caller }): ImportClient {
  const upload: ImportClient['upload'] = (fields, csv, as) => {
    const { t, as: caller } = current();
    const { payload, headers } = multipart(fields, csv);
    return t.request({ method: 'POST', url: '/api/v1/imports', as: as ?? caller, payload, headers });
  };
  const finished = async (id: string) => {
    const { t, as } = current();
    for (;;) {
      const body = (await t.request({ url: `/api/v1/imports/${id}`, as })).json<Import>();
      if (body.status === 'completed' || body.status === 'failed') return body;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const person = async (tag: string, name: string) => {
    const { t, as } = current();
    const email = `${tag}-${name}@example.test`;
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      as,
      body: { firstName: name, emails: [{ value: email }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { ...res.json<Contact>(), email };
  };
  return { upload, finished, person };
}

/** What `runImport` needs to run an import by hand on a context's database (a context without a job queue). */
export function importJobDeps(t: TestContext) {
  return {
    db: t.database.db,
    keys: t.keys,
    subjects: subjectKeysFor(t.keys),
    indexer: indexerFor(t.keys),
  };
}
