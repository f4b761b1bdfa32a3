import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Transporter } from 'nodemailer';
import { onFirstUse } from '../../lib/on-first-use.ts';
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

/** nodemailer's pooled SMTP transport: a few reused sessions, a timeout on every phase. */
function smtpOptions(config: Config['mail'], url: string) {
  return {
    url,
    pool: true,
    maxConnections: 3,
    maxMessages: 1000,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  };
}

/**
 * nodemailer over SMTP_URL, with a small pool of connections (a newsletter goes out over a few reused sessions,
 * not one TCP+TLS handshake per member) and timeouts on every phase: a server that stops answering fails the
 * attempt, which stays in the outbox and is retried.
 */
export function smtpTransport(config: Config['mail'], url: string): MailTransport {
  // nodemailer (15 MB of a node's memory) at the first message: production sends from a worker thread
  // (threadedSmtpTransport), where it is loaded in the worker.
  let open: Transporter | undefined;
  const transporter = onFirstUse(async () => {
    const { default: nodemailer } = await import('nodemailer');
    open = nodemailer.createTransport(smtpOptions(config, url));
    return open;
  });
  return {
    delivery: 'sent',
    async send(mail) {
      await (
        await transporter()
      ).sendMail({
        from: config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      });
    },
    close: () => open?.close(),
  };
}

// Plain CommonJS evaluated by the thread (the same code runs under tsx, vitest and the esbuild bundle, as the
// password scorer's does): one pooled nodemailer transport, a message in, its outcome out.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const nodemailer = require(workerData.module);
const transporter = nodemailer.createTransport(workerData.options);
parentPort.on('message', ({ id, mail }) => {
  transporter.sendMail(mail).then(
    () => parentPort.postMessage({ id }),
    (err) => parentPort.postMessage({ id, error: String((err && err.message) || err), responseCode: err && err.responseCode }),
  );
});`;

/**
 * The SMTP transport on a thread of its own. Building a message (MIME, quoted-printable of the HTML part) and
 * speaking SMTP cost the event loop about a millisecond per message: a newsletter sent from the main thread took
 * a third of a saturated node's web requests (BENCHMARKS.md, mail). Here the main thread only hands each message
 * over; the thread starts with the first message and is replaced if it dies (its messages fail and are retried).
 */
export function threadedSmtpTransport(config: Config['mail'], url: string): MailTransport {
  const module = createRequire(import.meta.url).resolve('nodemailer');
  const options = smtpOptions(config, url);
  type Waiting = { by: Worker; resolve: () => void; reject: (e: Error) => void };
  const pending = new Map<number, Waiting>();
  let thread: Worker | null = null;
  let nextId = 0;
  const failAll = (by: Worker, err: Error) => {
    for (const [id, w] of pending) {
      if (w.by !== by) continue;
      pending.delete(id);
      w.reject(err);
    }
  };
  const start = () => {
    const started = new Worker(THREAD_SOURCE, { eval: true, workerData: { module, options } });
    started.unref();
    started.on('message', (reply: { id: number; error?: string; responseCode?: number }) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (reply.error === undefined) waiting.resolve();
      else waiting.reject(Object.assign(new Error(reply.error), { responseCode: reply.responseCode }));
    });
    started.on('error', (err) => failAll(started, err));
    started.on('exit', () => {
      if (thread === started) thread = null;
      failAll(started, new Error('mail thread stopped'));
    });
    return started;
  };
  return {
    delivery: 'sent',
    send(mail) {
      const by = (thread ??= start());
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { by, resolve, reject });
        by.postMessage({
          id,
          mail: {
            from: config.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: mail.messageId,
            headers: mail.headers,
          },
        });
      });
    },
    close() {
      const running = thread;
      thread = null;
      void running?.terminate();
    },
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
