import { type Actor, authorize } from '../../access/access.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import type { Locale } from '../../db/types.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { assertRenderable, renderMarkdown } from '../../lib/markdown.ts';
import { CategoriesRepository, MembersRepository } from '../../content/index.ts';
import { listHeaders, UNSUBSCRIBE_LABEL, unsubscribeLinks } from './bulk.ts';
import type { Mailer } from './mailer.ts';
import { newsletterMail } from './newsletter-mail.ts';
import { type Audience, type NewsletterDraft, NewslettersRepository } from './newsletters.repository.ts';
import { MailOutboxRepository, type OutgoingMail } from './outbox.repository.ts';

export interface NewsletterInput {
  subject: string;
  body: string;
  audience: Audience;
  trustLevel?: number | null;
  categoryId?: number | null;
}

/** Rows written per INSERT when a newsletter is queued (10 columns each, far below PostgreSQL's 65 535 parameters). */
const CHUNK = 1000;

/**
 * The community manager's newsletter: a Markdown draft (cooked once), a preview, a test sent to themselves, an
 * audience (every opted-in member, a trust level and above, or a category's followers), and a time. When due, the
 * job queues one outbox row per recipient in one transaction (all or none), each personalised by its
 * unsubscribe links only, so the text is rendered once per language. Progress is the outbox's counts.
 */
export class NewsletterService {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
  ) {}

  async create(actorOrNull: Actor | null, input: NewsletterInput) {
    const actor = authorize(actorOrNull, 'newsletter.manage');
    const draft = await this.draft(input);
    return this.view(await new NewslettersRepository(this.db).create(actor.id, draft));
  }

  async update(actorOrNull: Actor | null, id: number, input: NewsletterInput) {
    authorize(actorOrNull, 'newsletter.manage');
    const repo = new NewslettersRepository(this.db);
    const current = await this.get(id);
    if (current.state === 'sending' || current.state === 'sent')
      throw new ConflictError('newsletter.sent', 'This newsletter has been sent: it can no longer change.');
    return this.view((await repo.update(id, await this.draft(input)))!);
  }

  async list(actorOrNull: Actor | null) {
    authorize(actorOrNull, 'newsletter.manage');
    const repo = new NewslettersRepository(this.db);
    const rows = await repo.list(100);
    const progress = await repo.progress(rows.map((r) => r.id));
    return rows.map((r) => this.view(r, progress.get(r.id)));
  }

  async show(actorOrNull: Actor | null, id: number) {
    authorize(actorOrNull, 'newsletter.manage');
    const row = await this.get(id);
    const progress = await new NewslettersRepository(this.db).progress([id]);
    return this.view(row, progress.get(id));
  }

  /** The message as members will get it (in the manager's language), and how many would get it now. */
  async preview(actorOrNull: Actor | null, input: NewsletterInput) {
    const actor = authorize(actorOrNull, 'newsletter.manage');
    const draft = await this.draft(input);
    const me = (await new MembersRepository(this.db).getById(actor.id))!;
    const base = this.mailer.base();
    const content = newsletterMail({
      locale: me.locale,
      community: await this.mailer.community(this.db),
      base,
      subject: draft.subject,
      html: draft.body_html,
      markdown: draft.body_md,
      unsubscribe: {
        label: UNSUBSCRIBE_LABEL[me.locale].newsletter,
        url: unsubscribeLinks(base, me.mail_key, 'newsletter').page,
      },
    });
    return { ...content, recipients: await new NewslettersRepository(this.db).countRecipients(draft) };
  }

  /** Sends it to the manager alone, now, marked as a test. */
  async test(actorOrNull: Actor | null, id: number) {
    const actor = authorize(actorOrNull, 'newsletter.manage');
    const row = await this.get(id);
    const me = (await new MembersRepository(this.db).getById(actor.id))!;
    await this.db.transaction().execute(async (trx) => {
      const [mail] = await this.mails(
        trx,
        row,
        [{ id: me.id, email: me.email, locale: me.locale, mail_key: me.mail_key }],
        true,
      );
      await new MailOutboxRepository(trx).enqueue({
        ...mail!,
        bulk: false,
        newsletterId: undefined,
        kind: 'newsletter.test',
      });
    });
    return { to: me.email };
  }

  async schedule(actorOrNull: Actor | null, id: number, sendAt: Date | null) {
    authorize(actorOrNull, 'newsletter.manage');
    return this.db.transaction().execute(async (trx) => {
      const repo = new NewslettersRepository(trx);
      const row = await repo.getForUpdate(id);
      if (!row) throw new NotFoundError('newsletter.not_found', 'No such newsletter.');
      if (row.state !== 'draft' && row.state !== 'scheduled')
        throw new ConflictError('newsletter.sent', 'This newsletter has been sent already.');
      if (sendAt === null) return this.view((await repo.update(id, { state: 'draft', send_at: null }))!);
      return this.view((await repo.update(id, { state: 'scheduled', send_at: sendAt }))!);
    });
  }

  /** The job: queues every newsletter due now, one by one; returns how many messages it wrote. */
  async runDue(now = new Date()): Promise<number> {
    let written = 0;
    await new NewslettersRepository(this.db).settle();
    for (;;) {
      const count = await this.db.transaction().execute(async (trx) => {
        const repo = new NewslettersRepository(trx);
        const due = await repo.claimDue(now);
        if (!due) return null;
        const recipients = await repo.recipients(due);
        const outbox = new MailOutboxRepository(trx);
        for (let i = 0; i < recipients.length; i += CHUNK) {
          await outbox.enqueue(...(await this.mails(trx, due, recipients.slice(i, i + CHUNK), false)));
        }
        await repo.markQueued(due.id, recipients.length);
        return recipients.length;
      });
      if (count === null) return written;
      written += count;
    }
  }

  private async mails(
    trx: Executor,
    row: { id: number; subject: string; body_md: string; body_html: string },
    recipients: { id: number; email: string; locale: Locale; mail_key: string }[],
    test: boolean,
  ): Promise<OutgoingMail[]> {
    const community = await this.mailer.community(trx);
    const base = this.mailer.base();
    const ids = this.mailer.ids();
    // Rendered once per language with a placeholder for the member's own unsubscribe key.
    const KEY = '__AGORA_MAIL_KEY__';
    const byLocale = new Map<Locale, ReturnType<typeof newsletterMail>>();
    const rendered = (locale: Locale) => {
      let content = byLocale.get(locale);
      if (!content) {
        content = newsletterMail({
          locale,
          community,
          base,
          subject: row.subject,
          html: row.body_html,
          markdown: row.body_md,
          unsubscribe: {
            label: UNSUBSCRIBE_LABEL[locale].newsletter,
            url: unsubscribeLinks(base, KEY, 'newsletter').page,
          },
          test,
        });
        byLocale.set(locale, content);
      }
      return content;
    };
    return recipients.map((r) => {
      const content = rendered(r.locale);
      const links = unsubscribeLinks(base, r.mail_key, 'newsletter');
      return {
        memberId: r.id,
        kind: 'newsletter',
        to: r.email,
        subject: content.subject,
        text: content.text.replaceAll(KEY, r.mail_key),
        html: content.html.replaceAll(KEY, r.mail_key),
        messageId: ids.fresh(`newsletter-${row.id}`),
        headers: listHeaders(links),
        bulk: true,
        newsletterId: row.id,
      };
    });
  }

  private async get(id: number) {
    const row = await new NewslettersRepository(this.db).getById(id);
    if (!row) throw new NotFoundError('newsletter.not_found', 'No such newsletter.');
    return row;
  }

  private async draft(input: NewsletterInput): Promise<NewsletterDraft> {
    const subject = input.subject.trim();
    if (!subject)
      throw new UnprocessableError('newsletter.subject_required', 'A newsletter needs a subject.', {
        field: 'subject',
      });
    if (!input.body.trim())
      throw new UnprocessableError('newsletter.body_required', 'A newsletter needs a text.', { field: 'body' });
    assertRenderable('body', input.body);
    if (input.audience === 'trust_level' && (input.trustLevel === undefined || input.trustLevel === null))
      throw new UnprocessableError('newsletter.trust_level_required', 'Choose the trust level.', {
        field: 'trustLevel',
      });
    if (input.audience === 'category') {
      const category = input.categoryId ? await new CategoriesRepository(this.db).getById(input.categoryId) : undefined;
      if (!category)
        throw new UnprocessableError('newsletter.category_required', 'Choose a category.', { field: 'categoryId' });
    }
    return {
      subject,
      body_md: input.body,
      body_html: renderMarkdown(input.body),
      audience: input.audience,
      trust_level: input.audience === 'trust_level' ? input.trustLevel! : null,
      category_id: input.audience === 'category' ? input.categoryId! : null,
    };
  }

  private view(
    r: {
      id: number;
      subject: string;
      body_md: string;
      body_html: string;
      audience: Audience;
      trust_level: number | null;
      category_id: number | null;
      state: 'draft' | 'scheduled' | 'sending' | 'sent';
      send_at: Date | null;
      recipients: number;
      queued_at: Date | null;
      created_at: Date;
    },
    progress: Record<string, number> = {},
  ) {
    return {
      id: r.id,
      subject: r.subject,
      body: r.body_md,
      html: r.body_html,
      audience: r.audience,
      trustLevel: r.trust_level,
      categoryId: r.category_id,
      state: r.state,
      sendAt: r.send_at?.toISOString() ?? null,
      queuedAt: r.queued_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
      recipients: r.recipients,
      progress: {
        pending: progress.pending ?? 0,
        sent: (progress.sent ?? 0) + (progress.logged ?? 0),
        failed: progress.failed ?? 0,
      },
    };
  }
}
