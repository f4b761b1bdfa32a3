import type { RenderTask } from '../lib/cpu-pool.ts';
import { renderMarkdown } from '../lib/markdown.ts';
import { compileRules, type CompiledRuleSet, evaluate, type EvaluateTask, type Verdict } from '../modules/netiquette/index.ts';

/**
 * The CPU-heavy, pure work of the publish pipeline, run in a worker thread (server/lib/cpu-pool.ts) when a text is
 * long enough to cost more than a few milliseconds: Markdown rendering and the netiquette's evaluation. The worker
 * keeps the last compiled rule set, keyed by the rules' version.
 */
let compiled: { version: string; set: CompiledRuleSet } | undefined;

export default function run(task: RenderTask | EvaluateTask): string | Verdict {
  if (task.kind === 'render') return renderMarkdown(task.markdown, new Set(task.mentions));
  if (compiled?.version !== task.rules.version) {
    compiled = { version: task.rules.version, set: compileRules(task.rules.definitions) };
  }
  return evaluate(task.text, task.context, compiled.set);
}
