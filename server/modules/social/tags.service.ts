import { type Actor, assertMayWrite, authorize, authorizeOwned, can } from '../../access/access.ts';
import { canSeeThread, seeLevelsOf, type Viewer } from '../../access/visibility.ts';
import { CategoriesRepository, ThreadsRepository } from '../../content/index.ts';
import type { Db, Executor } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import type { SocialSettingsStore } from './social.settings.ts';
import { normaliseTag } from './tags.rules.ts';
import { TagsRepository } from './tags.repository.ts';
import type { Forget } from './visitor-cache.ts';

const toTag = (row: { name: string; description: string; thread_count: number }) => ({
  name: row.name,
  description: row.description,
  threads: row.thread_count,
});

/**
 * Tags: staff and trusted members create them (the trust level is a setting), a thread's author or a moderator
 * puts them on a thread, moderators rename, merge and delete them (audited).
 */
export class TagsService {
  private readonly tags: TagsRepository;
  private readonly threads: ThreadsRepository;
  private readonly categories: CategoriesRepository;

  constructor(
    private readonly db: Db,
    private readonly settings: SocialSettingsStore,
    private readonly visitors: Forget,
  ) {
    this.tags = new TagsRepository(db);
    this.threads = new ThreadsRepository(db);
    this.categories = new CategoriesRepository(db);
  }

  private hidden(viewer: Viewer) {
    return this.categories.idsNotSeenAt(seeLevelsOf(viewer));
  }

  private async mayCreate(actor: Actor): Promise<boolean> {
    return can(actor, 'tag.manage') || actor.trustLevel >= (await this.settings.get()).tagCreateTrustLevel;
  }

  private async existing(name: string) {
    const tag = await this.tags.getByName(normaliseTag(name));
    if (!tag) throw new NotFoundError('tag.not_found', 'No such tag.');
    return tag;
  }

  /** Every tag the viewer may know of, counting the threads they may see (issue 18). */
  async list(viewer: Viewer) {
    return { tags: (await this.tags.list(500, await this.hidden(viewer))).map(toTag) };
  }

  /** One tag, as `list` shows it: a tag only restricted threads carry does not exist for who may not see them. */
  async get(name: string, viewer: Viewer) {
    const tag = await this.tags.getSeen(normaliseTag(name), await this.hidden(viewer));
    if (!tag) throw new NotFoundError('tag.not_found', 'No such tag.');
    return toTag(tag);
  }

  forThread(threadId: number) {
    return this.tags.forThread(threadId);
  }

  async create(actorOrNull: Actor | null, input: { name: string; description?: string }) {
    const actor = authorize(actorOrNull, 'thread.create');
    assertMayWrite(actor);
    if (!(await this.mayCreate(actor))) {
      throw new ForbiddenError('tag.trust_level', 'Only staff and trusted members create tags.');
    }
    const name = normaliseTag(input.name);
    if (await this.tags.getByName(name)) throw new ConflictError('tag.exists', 'This tag exists already.');
    await this.tags.create(name, input.description?.trim() ?? '', actor.id);
    return this.get(name, actor);
  }

  /** Puts exactly these tags on a thread; a missing tag is created when the actor may create tags. */
  async setThreadTags(actorOrNull: Actor | null, threadId: number, rawNames: string[]) {
    const thread = await this.threads.getById(threadId);
    if (!thread || !canSeeThread(actorOrNull, thread)) throw new NotFoundError('thread.not_found', 'No such thread.');
    const actor = authorizeOwned(actorOrNull, thread.author_id, 'thread.tag.own', 'thread.tag.any');
    assertMayWrite(actor);
    const names = [...new Set(rawNames.map(normaliseTag))];
    const { maxTagsPerThread } = await this.settings.get();
    if (names.length > maxTagsPerThread) {
      throw new UnprocessableError('tag.too_many', `A thread carries at most ${maxTagsPerThread} tags.`, {
        field: 'tags',
        max: maxTagsPerThread,
      });
    }
    const found = await this.tags.getByNames(names);
    const missing = names.filter((n) => !found.some((t) => t.name === n));
    if (missing.length > 0 && !(await this.mayCreate(actor))) {
      throw new UnprocessableError('tag.unknown', 'Choose existing tags: only trusted members create new ones.', {
        field: 'tags',
        names: missing,
      });
    }
    await this.db.transaction().execute(async (trx) => {
      const tags = new TagsRepository(trx);
      const ids = found.map((t) => t.id);
      for (const name of missing) ids.push(await tags.create(name, '', actor.id));
      await tags.recount(await tags.setForThread(thread.id, ids));
    });
    this.visitors.forget(thread.id);
    return { tags: await this.tags.forThread(thread.id) };
  }

  private audit(trx: Executor, actor: Actor, action: string, subject: string, data: unknown) {
    return new AuditRepository(trx).record({ actorId: actor.id, action, subjectType: 'tag', subjectId: subject, data });
  }

  async update(actorOrNull: Actor | null, name: string, patch: { name?: string; description?: string }) {
    const actor = authorize(actorOrNull, 'tag.manage');
    const tag = await this.existing(name);
    const newName = patch.name === undefined ? tag.name : normaliseTag(patch.name);
    if (newName !== tag.name && (await this.tags.getByName(newName))) {
      throw new ConflictError('tag.exists', 'A tag of that name exists: merge the two instead.');
    }
    const description = patch.description?.trim() ?? tag.description;
    await this.db.transaction().execute(async (trx) => {
      await new TagsRepository(trx).update(tag.id, { name: newName, description });
      await this.audit(trx, actor, 'tag.updated', String(tag.id), {
        name: { from: tag.name, to: newName },
        description: { from: tag.description, to: description },
      });
    });
    this.visitors.forget();
    return this.get(newName, actor);
  }

  async merge(actorOrNull: Actor | null, name: string, into: string) {
    const actor = authorize(actorOrNull, 'tag.manage');
    const source = await this.existing(name);
    const target = await this.existing(into);
    if (source.id === target.id) throw new UnprocessableError('tag.merge_self', 'Choose another tag to merge into.');
    await this.db.transaction().execute(async (trx) => {
      const tags = new TagsRepository(trx);
      await tags.moveThreads(source.id, target.id);
      await tags.delete(source.id);
      await tags.recount([target.id]);
      await this.audit(trx, actor, 'tag.merged', String(target.id), { from: source.name, into: target.name });
    });
    this.visitors.forget();
    return this.get(target.name, actor);
  }

  async delete(actorOrNull: Actor | null, name: string) {
    const actor = authorize(actorOrNull, 'tag.manage');
    const tag = await this.existing(name);
    await this.db.transaction().execute(async (trx) => {
      await new TagsRepository(trx).delete(tag.id);
      await this.audit(trx, actor, 'tag.deleted', String(tag.id), { name: tag.name, threads: tag.thread_count });
    });
    this.visitors.forget();
    return { ok: true };
  }
}
