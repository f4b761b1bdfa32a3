import { type Actor, authorize } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import type { ThreadKind } from '../../db/types.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { type TemplateInput, type TemplateRow, TemplatesRepository } from './templates.repository.ts';

const toTemplate = (r: TemplateRow) => ({
  id: r.id,
  locale: r.locale,
  name: r.name,
  kind: r.kind as ThreadKind, // no CHECK on this column: the routes only write ThreadKind values
  title: r.title,
  body: r.body,
  builtIn: r.built_in,
});

/** The library of topic templates community managers start new threads from (issue 7). */
export class TemplatesService {
  private readonly templates: TemplatesRepository;

  constructor(db: Db) {
    this.templates = new TemplatesRepository(db);
  }

  async list(actor: Actor | null, locale?: 'fr' | 'en') {
    authorize(actor, 'templates.manage');
    return { templates: (await this.templates.list(locale)).map(toTemplate) };
  }

  async create(actorOrNull: Actor | null, input: TemplateInput) {
    const actor = authorize(actorOrNull, 'templates.manage');
    return toTemplate(await this.templates.create({ ...input, created_by: actor.id }));
  }

  async update(actor: Actor | null, id: number, input: TemplateInput) {
    authorize(actor, 'templates.manage');
    const row = await this.templates.update(id, input);
    if (!row) throw new NotFoundError('template.not_found', 'No such template.');
    return toTemplate(row);
  }

  async remove(actor: Actor | null, id: number) {
    authorize(actor, 'templates.manage');
    const row = await this.templates.getBuiltIn(id);
    if (!row) throw new NotFoundError('template.not_found', 'No such template.');
    if (row.built_in)
      throw new UnprocessableError('template.built_in', 'Built-in templates can be changed, not removed.');
    await this.templates.delete(id);
    return { ok: true };
  }
}
