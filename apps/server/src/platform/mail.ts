import nodemailer from 'nodemailer';
import type { SmtpConfig } from './config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
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
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: smtp.from, ...mail });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
