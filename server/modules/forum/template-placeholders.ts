import { UnprocessableError } from '../../lib/errors.ts';
import type { TemplatesRepository } from './templates.repository.ts';

/**
 * A topic template marks what its user must write with an ellipsis (« … », or three dots): « Concours : … »,
 * « **À gagner :** … ». A thread started from a template and still carrying one of those lines as the template
 * wrote it has a blank left unfilled — sent as is (or published at night by the scheduler) it reads as a mistake.
 */
const PLACEHOLDER = /…|\.\.\./;

export interface Unfilled {
  field: 'title' | 'body';
  /** The template's lines still there, unfilled. */
  lines: string[];
}

const normalize = (line: string) => line.trim().replace(/\s+/g, ' ');

/** The template's placeholder lines still present in the thread, per field (empty: everything was filled in). */
export function unfilledPlaceholders(
  template: { title: string; body: string },
  thread: { title: string; body: string },
): Unfilled[] {
  const out: Unfilled[] = [];
  const titleTemplate = normalize(template.title);
  if (PLACEHOLDER.test(titleTemplate) && normalize(thread.title) === titleTemplate) {
    out.push({ field: 'title', lines: [template.title.trim()] });
  }
  const written = new Set(thread.body.split('\n').map(normalize));
  const left = template.body
    .split('\n')
    .map(normalize)
    .filter((line) => line !== '' && PLACEHOLDER.test(line) && written.has(line));
  if (left.length > 0) out.push({ field: 'body', lines: left });
  return out;
}

/** A thread started from a template with one of its blanks still as the template wrote it: 422 naming the field. */
export async function assertTemplateFilled(
  templates: Pick<TemplatesRepository, 'getById'>,
  templateId: number,
  input: { title: string; body: string },
): Promise<void> {
  const template = await templates.getById(templateId);
  if (!template) throw new UnprocessableError('template.not_found', 'No such template.', { field: 'templateId' });
  const [first] = unfilledPlaceholders(template, input);
  if (first) {
    throw new UnprocessableError(
      'thread.template_unfilled',
      `Fill in the template's blanks first: the ${first.field} still reads "${first.lines[0]}".`,
      { field: first.field, lines: first.lines, title: input.title, body: input.body },
    );
  }
}
