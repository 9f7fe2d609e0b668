import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { type MailEventDeps, parseMailEvent, recordMailEvent } from './mail-events.js';

export interface MailEventReceiver {
  port: number;
  close(): Promise<void>;
}

/** Reports are small; a bounce that returns a whole newsletter is cut off here. */
const maxReportBytes = 1_048_576;

/**
 * The in-process SMTP receiver of bounces (RFC 3464) and complaints (RFC 5965): the MX or the mail service
 * forwards mail for the `bounces+…@` return paths and the feedback-loop address here. Each mail is read and
 * acted on before it is accepted; a mail that is no report is accepted and dropped, so nothing bounces back.
 * It keeps no mail. Listens on the loopback address unless told otherwise; logs carry outcomes only.
 */
export async function startMailEventReceiver(
  deps: MailEventDeps,
  listen: { host: string; port: number },
  log: Logger,
): Promise<MailEventReceiver> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxReportBytes,
    logger: false,
    banner: 'Custodian mail events',
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxReportBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (size > maxReportBytes) {
          callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          return;
        }
        const to = session.envelope.rcptTo.map((r) => r.address);
        parseMailEvent(deps.keys, Buffer.concat(chunks), to)
          .then((event) => recordMailEvent(deps, event))
          .then((outcome) => {
            log.info({ outcome }, 'mail event');
            callback();
          })
          .catch((err: unknown) => {
            log.error({ err }, 'mail event not recorded');
            // Temporary: the sending server tries again later.
            callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          });
      });
    },
  });
  server.on('error', (err) => log.error({ err }, 'mail event receiver'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
