import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config.ts';

/** One message as the worker hands it over. */
export interface Envelope {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/** Where messages go: an SMTP server, or (without SMTP_URL) the log. */
export interface MailTransport {
  readonly delivery: 'sent' | 'logged';
  send(mail: Envelope): Promise<void>;
  close(): void;
}

/** An SMTP reply code of the 5xx family: the server refuses for good (no such mailbox…); retrying will not help. */
export function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * nodemailer over SMTP_URL, with a small pool of connections (a newsletter goes out over a few reused sessions,
 * not one TCP+TLS handshake per member) and timeouts on every phase: a server that stops answering fails the
 * attempt, which stays in the outbox and is retried.
 */
export function smtpTransport(config: Config['mail'], url: string): MailTransport {
  const transporter: Transporter = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 3,
    maxMessages: 1000,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  return {
    delivery: 'sent',
    async send(mail) {
      await transporter.sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * No SMTP server (the embedded default): each message is written to the log (at `warn`, as it was not
 * delivered, and so that the default log level shows it) and marked "logged"; administrators read it in full on
 * the outgoing-mail page. Every flow (reset, verification) can then be tried from `npm start` alone.
 */
export function logTransport(log: (line: string) => void): MailTransport {
  return {
    delivery: 'logged',
    async send(mail) {
      log(`mail not sent (no SMTP_URL): to ${mail.to} · ${mail.subject}\n${mail.text}`);
    },
    close: () => {},
  };
}
