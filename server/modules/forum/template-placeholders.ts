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
