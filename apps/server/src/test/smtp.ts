import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SmtpConfig } from '../platform/config.js';

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  data: string;
}

export interface TestSmtpServer {
  config: SmtpConfig;
  received: ReceivedMail[];
  /** Refuses the next `count` messages with a temporary failure (451), as a busy server does. */
  refuseNext(count: number): void;
  /** Refuses this recipient for good (550 to RCPT TO), as a server does for an address that does not exist. */
  rejectRecipient(address: string): void;
  /** The first mail to this address, waiting for it to arrive (jobs send in the background). */
  mailTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** A real SMTP server in process, with authentication, that keeps what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  const rejected = new Set<string>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    // Mailers keep a pooled connection open: closing must not wait out the default 30 s for them.
    closeTimeout: 200,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'custodian' && auth.password === 'smtp-secret')
        callback(null, { user: 'custodian' });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase()))
        callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const err = Object.assign(new Error('Try again later'), { responseCode: 451 });
          callback(err);
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  // A client that dies mid-session (a server killed by a crash test) resets its connection: not a failure here.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    config: {
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: 'custodian', pass: 'smtp-secret' },
      from: 'Custodian <no-reply@custodian.test>',
    },
    received,
    rejectRecipient: (address) => void rejected.add(address.toLowerCase()),
    refuseNext: (count) => {
      refusals = count;
    },
    async mailTo(address, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = received.find((m) => m.to.includes(address.toLowerCase()) || m.to.includes(address));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error('no mail arrived for the address');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A received message as readable text: quoted-printable soft line breaks and escapes undone. */
export const textOf = (mail: ReceivedMail): string =>
  mail.data
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
