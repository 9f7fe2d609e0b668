import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpConfig } from './config.js';
import { createMailer } from './mail.js';

interface Received {
  from: string | undefined;
  to: string[];
  data: string;
}

const received: Received[] = [];
let server: SMTPServer;
let port = 0;

// A real SMTP server in process, requiring authentication, as a provider would.
beforeAll(async () => {
  server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'custodian' && auth.password === 'smtp-secret')
        callback(null, { user: 'custodian' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (password: string): SmtpConfig => ({
  host: '127.0.0.1',
  port,
  secure: false,
  auth: { user: 'custodian', pass: password },
  from: 'Custodian <no-reply@custodian.test>',
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
    const mail = received.at(-1)!;
    expect(mail.from).toBe('no-reply@custodian.test');
    expect(mail.to).toEqual(['jane@example.test']);
    expect(mail.data).toContain('Subject: Your request was received');
    expect(mail.data).toContain('List-Unsubscribe: <https://custodian.test/u/abc>');
    expect(mail.data).toContain('We received your request.');
  });

  it('rejects when the server refuses the credentials, and nothing is delivered', async () => {
    const before = received.length;
    const mailer = createMailer(config('wrong'))!;
    try {
      await expect(mailer.send({ to: 'jane@example.test', subject: 'x', text: 'x' })).rejects.toThrow();
    } finally {
      mailer.close();
    }
    expect(received.length).toBe(before);
  });
});
