import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import {
  logTransport,
  MailHousekeeping,
  MailOutboxRepository,
  MailWorker,
  MAX_ATTEMPTS,
  smtpTransport,
  threadedSmtpTransport,
} from '../../server/modules/mail/index.ts';
import { createMember } from '../factories/index.ts';
import { createTestDatabase, type TestDatabase } from '../setup/db.ts';
import { startSmtp, type TestSmtp } from '../setup/smtp.ts';

let database: TestDatabase;
let smtp: TestSmtp;
beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.close();
  await database.drop();
});

const mailConfig = (env: Record<string, string> = {}) =>
  loadConfig({ MAIL_FROM: 'Agora <no-reply@forum.test>', MAIL_TIMEOUT_MS: '300', ...env }).mail;
const worker = (url: string, env: Record<string, string> = {}) => {
  const config = mailConfig(env);
  return new MailWorker(database.db, smtpTransport(config, url), {
    batch: 10,
    intervalMs: 0,
    timeoutMs: config.timeoutMs,
  });
};
let n = 0;
const message = (to: string, extra: Partial<Parameters<MailOutboxRepository['enqueue']>[0]> = {}) => ({
  memberId: null,
  kind: 'test',
  to,
  subject: `Sujet accentué n° ${++n}`,
  text: `Bonjour, voici le message ${n}.`,
  html: `<p>Bonjour, voici le message ${n}.</p>`,
  messageId: `<test-${n}-${Date.now()}@forum.test>`,
  ...extra,
});
const row = (to: string) =>
  database.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).executeTakeFirstOrThrow();

/** A TCP server that accepts connections and never says a word (a stuck SMTP server). */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => void sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('MailWorker', () => {
  it('sends each pending message over SMTP once, with its Message-ID and headers, and marks it sent', async () => {
    await new MailOutboxRepository(database.db).enqueue(
      message('one@example.test', { headers: { 'List-Unsubscribe': '<https://forum.test/u>' } }),
    );
    const w = worker(smtp.url);
    const result = await w.drain();
    await w.stop();
    expect(result).toMatchObject({ delivered: 1, failed: 0, retried: 0 });
    const [mail] = smtp.to('one@example.test');
    expect(mail!.subject).toMatch(/^Sujet accentué n° \d+$/);
    expect(mail!.text).toContain('voici le message');
    expect(mail!.headers['list-unsubscribe']).toBe('<https://forum.test/u>');
    expect(mail!.headers['message-id']).toBe((await row('one@example.test')).message_id);
    expect((await row('one@example.test')).status).toBe('sent');
    // A second drain finds nothing to send.
    const again = worker(smtp.url);
    expect((await again.drain()).delivered).toBe(0);
    await again.stop();
    expect(smtp.to('one@example.test')).toHaveLength(1);
  });

  it('keeps a message for a stuck server (timeout) and for a dead one, to retry later with backoff', async () => {
    const stuck = await silentServer();
    await new MailOutboxRepository(database.db).enqueue(message('stuck@example.test'));
    const w = worker(stuck.url);
    const started = Date.now();
    const result = await w.drain();
    await w.stop();
    await stuck.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.retried).toBe(1);
    const kept = await row('stuck@example.test');
    expect(kept).toMatchObject({ status: 'pending', attempts: 1 });
    expect(kept.last_error).toMatch(/timeout|timed out|never received|answer/i);
    expect(kept.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 30_000);

    // Due again, the server now down: still kept.
    await database.db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: new Date() })
      .where('id', '=', kept.id)
      .execute();
    const dead = worker('smtp://127.0.0.1:1');
    expect((await dead.drain()).retried).toBe(1);
    await dead.stop();
    expect(await row('stuck@example.test')).toMatchObject({ status: 'pending', attempts: 2 });

    // And once the server is back, it goes.
    await database.db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: new Date() })
      .where('id', '=', kept.id)
      .execute();
    const back = worker(smtp.url);
    expect((await back.drain()).delivered).toBe(1);
    await back.stop();
    expect(smtp.to('stuck@example.test')).toHaveLength(1);
  });

  it('records a refusal for good (5xx) as failed at once, and a temporary one (4xx) for retry', async () => {
    smtp.refuse('nobody@example.test', 550);
    smtp.refuse('busy@example.test', 451);
    await new MailOutboxRepository(database.db).enqueue(message('nobody@example.test'), message('busy@example.test'));
    const w = worker(smtp.url);
    const result = await w.drain();
    await w.stop();
    expect(result).toMatchObject({ failed: 1, retried: 1 });
    expect(await row('nobody@example.test')).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row('nobody@example.test')).last_error).toContain('550');
    expect(await row('busy@example.test')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it(`gives a message up after ${MAX_ATTEMPTS} attempts`, async () => {
    await new MailOutboxRepository(database.db).enqueue(message('tired@example.test'));
    await database.db
      .updateTable('mail_outbox')
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where('to_address', '=', 'tired@example.test')
      .execute();
    const dead = worker('smtp://127.0.0.1:1');
    await dead.drain();
    await dead.stop();
    expect(await row('tired@example.test')).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('lets one node send at a time: a second worker finds the sender lock taken and sends nothing', async () => {
    const stuck = await silentServer();
    await new MailOutboxRepository(database.db).enqueue(message('lock@example.test'));
    const first = worker(stuck.url);
    const second = worker(smtp.url);
    const sending = first.drain();
    await new Promise((r) => setTimeout(r, 100));
    const other = await second.drain();
    expect(other.busy).toBe(true);
    await sending;
    await Promise.all([first.stop(), second.stop(), stuck.close()]);
    expect(smtp.to('lock@example.test')).toHaveLength(0);
  });

  it('does not send bulk mail to a member suspended or banned since it was written', async () => {
    const banned = await createMember(database.db);
    await new MailOutboxRepository(database.db).enqueue(message(banned.email, { memberId: banned.id, bulk: true }));
    await database.db.updateTable('members').set({ banned_at: new Date() }).where('id', '=', banned.id).execute();
    const w = worker(smtp.url);
    await w.drain();
    await w.stop();
    expect(smtp.to(banned.email)).toHaveLength(0);
    expect(await row(banned.email)).toMatchObject({ status: 'failed' });
  });

  it('sends the same way from its own thread (the app’s transport), and tells a refusal for good from a dead server', async () => {
    const config = mailConfig();
    smtp.refuse('gone@example.test', 550);
    await new MailOutboxRepository(database.db).enqueue(message('threaded@example.test'), message('gone@example.test'));
    const threaded = new MailWorker(database.db, threadedSmtpTransport(config, smtp.url), {
      batch: 10,
      intervalMs: 0,
      timeoutMs: config.timeoutMs,
    });
    expect(await threaded.drain()).toMatchObject({ delivered: 1, failed: 1 });
    await threaded.stop();
    expect(smtp.to('threaded@example.test')[0]!.headers['message-id']).toBe(
      (await row('threaded@example.test')).message_id,
    );
    expect(await row('gone@example.test')).toMatchObject({ status: 'failed' });

    await new MailOutboxRepository(database.db).enqueue(message('later@example.test'));
    const dead = new MailWorker(database.db, threadedSmtpTransport(config, 'smtp://127.0.0.1:1'), {
      batch: 10,
      intervalMs: 0,
      timeoutMs: config.timeoutMs,
    });
    expect(await dead.drain()).toMatchObject({ retried: 1 });
    await dead.stop();
    expect(await row('later@example.test')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('keeps under its rate cap (messages per second)', async () => {
    const mails = Array.from({ length: 12 }, (_, i) => message(`rate${i}@example.test`));
    await new MailOutboxRepository(database.db).enqueue(...mails);
    const config = mailConfig();
    const capped = new MailWorker(database.db, smtpTransport(config, smtp.url), {
      batch: 100,
      intervalMs: 0,
      timeoutMs: config.timeoutMs,
      ratePerSecond: 4,
    });
    const started = Date.now();
    expect((await capped.drain()).delivered).toBe(12);
    await capped.stop();
    // Batches of 4 with a pause after each full one: at least two seconds for twelve.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('keeps messages dealt with for the configured days, and pending ones whatever their age', async () => {
    await new MailOutboxRepository(database.db).enqueue(
      message('old-sent@example.test'),
      message('old-pending@example.test'),
    );
    const old = new Date(Date.now() - 91 * 86_400_000);
    await database.db
      .updateTable('mail_outbox')
      .set({ created_at: old, status: 'sent' })
      .where('to_address', '=', 'old-sent@example.test')
      .execute();
    await database.db
      .updateTable('mail_outbox')
      .set({ created_at: old, next_attempt_at: new Date(Date.now() + 3_600_000) })
      .where('to_address', '=', 'old-pending@example.test')
      .execute();
    let others = 0;
    const housekeeping = new MailHousekeeping(database.db, 90, [async () => void others++]);
    expect(await housekeeping.run()).toBeGreaterThanOrEqual(1);
    expect(await housekeeping.run()).toBe(0); // at most once an hour
    expect(others).toBe(1);
    const left = await database.db.selectFrom('mail_outbox').select('to_address').execute();
    expect(left.map((r) => r.to_address)).not.toContain('old-sent@example.test');
    expect(left.map((r) => r.to_address)).toContain('old-pending@example.test');
    expect(left.map((r) => r.to_address)).toContain('one@example.test');
  });

  it('without an SMTP server, writes each message to the log and marks it logged', async () => {
    const lines: string[] = [];
    await new MailOutboxRepository(database.db).enqueue(message('logged@example.test'));
    const w = new MailWorker(
      database.db,
      logTransport((l) => lines.push(l)),
      { batch: 10, intervalMs: 0, timeoutMs: 1000 },
    );
    await w.drain();
    expect(lines.join('\n')).toMatch(/to logged@example\.test · Sujet accentué[\s\S]*voici le message/);
    expect((await row('logged@example.test')).status).toBe('logged');
  });
});
