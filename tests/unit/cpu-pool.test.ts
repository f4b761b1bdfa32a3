import { afterAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../server/lib/markdown.ts';
import { closeCpuPool, runCpuTask } from '../../server/lib/cpu-pool.ts';
import {
  BUILTIN_RULES,
  compileRules,
  defaultDefinitions,
  evaluate,
  type Verdict,
} from '../../server/modules/netiquette/engine/index.ts';

afterAll(() => closeCpuPool());

describe('the CPU pool', () => {
  it('renders Markdown in a worker exactly as the main thread does', async () => {
    const markdown = `# Titre\n\nUn **texte** avec @alice et [un lien](https://example.com).\n\n${'- point\n'.repeat(500)}`;
    const html = await runCpuTask<string>({ kind: 'render', markdown, mentions: ['alice'] });
    expect(html).toBe(renderMarkdown(markdown, new Set(['alice'])));
    expect(html).toContain('<a');
  });

  it('evaluates the netiquette in a worker with the rules it is given', async () => {
    const definitions = defaultDefinitions();
    const context = {
      trustLevel: 0,
      role: 'member' as const,
      accountAgeDays: 1,
      categoryId: null,
      authorPostCount: 0,
      recentPosts: [],
      now: new Date(),
    };
    const text = { body: `Appelle-moi au 06 12 34 56 78, espèce de connard. ${'Du texte. '.repeat(600)}` };
    const verdict = await runCpuTask<Verdict>({
      kind: 'evaluate',
      text,
      context,
      rules: { version: 'v1', definitions },
    });
    expect(verdict.action).not.toBe('allow');
    expect(verdict).toEqual(evaluate(text, context, compileRules(definitions)));
    expect(BUILTIN_RULES.length).toBeGreaterThan(0);
  });
});
