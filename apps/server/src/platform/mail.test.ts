import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtpServer, type TestSmtpServer } from '../test/smtp.js';
import type { SmtpConfig } from './config.js';
import { createMailer } from './mail.js';

// A real SMTP server in process, requiring authentication, as a provider would.
let server: TestSmtpServer;
beforeAll(async () => {
  server = await startTestSmtpServer();
});
afterAll(() => server.close());

const config = (password: string): SmtpConfig => ({
  ...server.config,
  auth: { user: 'custodian', pass: password },
});

describe('mailer', () => {
  it('is off without SMTP settings', () => {
    expect(createMailer(null)).toBeNull();
  });

  it('delivers through SMTP with authentication, from the configured sender, with extra headers', async () => {
    const mailer = createMailer(config('smtp-secret'))!;
    try {
      const { messageId } = await mailer.send({
        to: 'jane@example.test',
        subject: 'Your request was received',
        text: 'We received your request.',
        html: '<p>We received your request.</p>',
        headers: { 'List-Unsubscribe': '<https://custodian.test/u/abc>' },
      });
      expect(messageId).toMatch(/^<.+>$/);
    } finally {
      mailer.close();
    }
    const mail = server.received.at(-1)!;
    expect(mail.from).toBe('no-reply@custodian.test');
    expect(mail.to).toEqual(['jane@example.test']);
    expect(mail.data).toContain('Subject: Your request was received');
    expect(mail.data).toContain('List-Unsubscribe: <https://custodian.test/u/abc>');
    expect(mail.data).toContain('We received your request.');
  });

  it('rejects when the server refuses the credentials, and nothing is delivered', async () => {
    const before = server.received.length;
    const mailer = createMailer(config('wrong'))!;
    try {
      await expect(mailer.send({ to: 'jane@example.test', subject: 'x', text: 'x' })).rejects.toThrow();
    } finally {
      mailer.close();
    }
    expect(server.received.length).toBe(before);
  });
});
