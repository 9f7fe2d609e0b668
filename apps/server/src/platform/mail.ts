import nodemailer from 'nodemailer';
import type { SmtpConfig } from './config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** The envelope sender (Return-Path), where bounces go; the From address when not set. */
  envelopeFrom?: string;
}

/** The domain of a From address such as `Custodian <news@example.org>`; null when it has none. */
export function domainOfAddress(from: string): string | null {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match ? match[1]!.toLowerCase() : null;
}

/** An SMTP refusal of the recipient itself (5xx to RCPT TO): the address does not take mail. */
export function isPermanentRecipientRefusal(err: unknown): err is Error & { responseCode: number } {
  const e = err as { code?: unknown; responseCode?: unknown } | null;
  return (
    e !== null &&
    typeof e === 'object' &&
    e.code === 'EENVELOPE' &&
    typeof e.responseCode === 'number' &&
    e.responseCode >= 500 &&
    e.responseCode < 600
  );
}

export interface Mailer {
  /** Sends one message; rejects when the SMTP server refuses it (callers retry through their job). */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * Outgoing mail over SMTP (nodemailer). Null when no SMTP_HOST is configured: features that mail
 * must then say mail is off rather than pretend to have sent. Recipients are personal data and are never logged.
 */
export function createMailer(smtp: SmtpConfig | null): Mailer | null {
  if (!smtp) return null;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    // One connection kept open and reused: opening one per message cost about 100 ms each here (30× slower).
    pool: true,
    maxConnections: 1,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
  });
  return {
    async send(mail) {
      const { envelopeFrom, ...message } = mail;
      const info = await transport.sendMail({
        from: smtp.from,
        ...message,
        ...(envelopeFrom ? { envelope: { from: envelopeFrom, to: mail.to } } : {}),
      });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
