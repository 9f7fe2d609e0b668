import { randomBytes } from 'node:crypto';
import { type Campaign, type Contact, type Notice, purposes, type Tag } from '@custodian/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../platform/db/database.js';
import {
  crashSeed,
  createAdminWithCli,
  type ProcessWorld,
  processWorld,
  runCli,
  seededRandom,
  signIn,
  startServerProcess,
} from '../../test/processes.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../test/smtp.js';

/**
 * Campaigns sent by the real server to a real SMTP server, the server killed with SIGKILL at 20 points while
 * it sends (each restart resumes the send; each kill comes after a random number of further mails and a random
 * pause), then left to finish: nobody gets a campaign twice, every message ends sent or — the one a kill
 * caught while the mail server took it — uncertain, each sent mail is audited once, and the chain verifies.
 * On the embedded database and on PostgreSQL.
 */
const people = 60;
const killPoints = 20;
const masterKey = randomBytes(32);
const password = `Pw-${randomBytes(9).toString('base64url')}`;
const email = 'sender@crash.example';

let smtp: TestSmtpServer;
let world: ProcessWorld;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  world = await processWorld('campaign-crash', masterKey, {
    RETENTION_SCHEDULE: 'off',
    SMTP_HOST: smtp.config.host,
    SMTP_PORT: String(smtp.config.port),
    SMTP_USER: smtp.config.auth!.user,
    SMTP_PASSWORD: smtp.config.auth!.pass,
    MAIL_FROM: smtp.config.from,
    CAMPAIGN_RATE_PER_SECOND: '10',
  });
  env = world.env;
  await createAdminWithCli(world, email, password);
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await world?.close();
});

describe('campaigns, the sending server killed 20 times', () => {
  it('never mail anyone twice, and finish every message as sent or uncertain', async () => {
    const random = seededRandom(crashSeed(11));
    let server = await startServerProcess(env);
    const { cookie, csrf } = await signIn(server, email, password);
    const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: {
          cookie,
          ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };

    const notice = await call<Notice>('POST', '/api/v1/notices', {
      key: 'crash-notice',
      name: 'Newsletter notice',
      purposes,
      requiresReconsent: false,
      texts: [
        { language: 'en', text: 'We send you our newsletter. You can withdraw your consent at any time.' },
      ],
    });
    for (let i = 0; i < people; i += 10)
      await Promise.all(
        Array.from({ length: Math.min(10, people - i) }, async (_, j) => {
          const c = await call<Contact>('POST', '/api/v1/contacts', {
            firstName: `Reader${i + j}`,
            tags: ['crash-readers'],
            emails: [{ value: `reader-${i + j}@crash.example` }],
          });
          await call('POST', `/api/v1/contacts/${c.id}/consents/events`, {
            kind: 'given',
            purpose: 'newsletter',
            noticeId: notice.id,
            language: 'en',
            method: 'paper',
          });
        }),
      );
    const { items: tags } = await call<{ items: Tag[] }>('GET', '/api/v1/tags');
    const segment = await call<{ id: string }>('POST', '/api/v1/segments', {
      name: 'Crash readers',
      filter: { tagIds: [tags.find((t) => t.name === 'crash-readers')!.id] },
    });
    const campaigns: string[] = [];
    const sendNext = async () => {
      const n = campaigns.length;
      const campaign = await call<Campaign>('POST', '/api/v1/campaigns', {
        name: `Crash ${n}`,
        purpose: 'newsletter',
        segmentId: segment.id,
        subject: `Issue ${n} for {{firstName}}`,
        text: 'Hello {{firstName}},\n\nthe news.',
      });
      await call('POST', `/api/v1/campaigns/${campaign.id}/send`, {});
      campaigns.push(campaign.id);
    };
    const progress = async (id: string) => call<Campaign>('GET', `/api/v1/campaigns/${id}`);

    // Each kill once a random number of further mails has gone out, after a random pause; a campaign that
    // finishes is followed by the next, so all 20 kills land during sends however fast the machine is.
    const landed: { campaign: number; sent: number; uncertain: number }[] = [];
    await sendNext();
    while (landed.length < killPoints) {
      const id = campaigns[campaigns.length - 1]!;
      let seen = await progress(id);
      const target = seen.counts.sent + 1 + Math.floor(random() * 8);
      while (seen.status !== 'sent' && seen.counts.sent < target) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await progress(id);
      }
      if (seen.status !== 'sent') {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 250)));
        seen = await progress(id);
        await server.kill();
        if (seen.status !== 'sent')
          landed.push({
            campaign: campaigns.length - 1,
            sent: seen.counts.sent,
            uncertain: seen.counts.uncertain,
          });
        server = await startServerProcess(env);
      }
      if (seen.status === 'sent') await sendNext();
    }
    console.table(landed);

    const finals: Campaign[] = [];
    for (const id of campaigns) {
      let final = await progress(id);
      while (final.status !== 'sent') {
        await new Promise((r) => setTimeout(r, 100));
        final = await progress(id);
      }
      finals.push(final);
    }
    await server.stop();
    let uncertain = 0;
    for (const [n, final] of finals.entries()) {
      expect(final.counts.pending).toBe(0);
      expect(final.counts.failed).toBe(0);
      expect(final.counts.refused).toEqual([]);
      expect(final.counts.sent + final.counts.uncertain).toBe(people);
      uncertain += final.counts.uncertain;
      const mails = smtp.received.filter((m) => m.data.includes(`Subject: Issue ${n} for `));
      const recipients = mails.flatMap((m) => m.to);
      // Nobody twice; every message marked sent was received; an uncertain one may or may not have been.
      expect(new Set(recipients).size).toBe(recipients.length);
      expect(recipients.length).toBeGreaterThanOrEqual(final.counts.sent);
      expect(recipients.length).toBeLessThanOrEqual(people);
    }
    // Only a kill makes a message uncertain, and one at most each.
    expect(uncertain).toBeLessThanOrEqual(landed.length);

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const database = await world.open();
    try {
      for (const [n, id] of campaigns.entries()) {
        const [audited] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from audit_entries where action = 'campaign.mail.sent' and entity_id = ${id}`,
        );
        expect(audited!.n).toBe(finals[n]!.counts.sent);
      }
    } finally {
      await database.close();
    }
  }, 1_200_000);
});
