import type { CpuOutcome, RenderTask } from '../lib/cpu-pool.ts';
import { AppError } from '../lib/errors.ts';
import { renderMarkdown } from '../lib/markdown.ts';
import {
  compileRules,
  type CompiledRuleSet,
  evaluate,
  type EvaluateTask,
  type Verdict,
} from '../modules/netiquette/index.ts';

/**
 * The CPU-heavy, pure work of the publish pipeline, run in a worker thread (server/lib/cpu-pool.ts) when a text is
 * long enough to cost more than a few milliseconds: Markdown rendering and the netiquette's evaluation. The worker
 * keeps the last compiled rule set, keyed by the rules' version.
 */
let compiled: { version: string; set: CompiledRuleSet } | undefined;

export default function run(task: RenderTask | EvaluateTask): CpuOutcome<string | Verdict> {
  try {
    if (task.kind === 'render') return { value: renderMarkdown(task.markdown, new Set(task.mentions), task.images) };
    if (compiled?.version !== task.rules.version) {
      compiled = { version: task.rules.version, set: compileRules(task.rules.definitions) };
    }
    return { value: evaluate(task.text, task.context, compiled.set, { explain: task.explain === true }) };
  } catch (error) {
    // A refusal (422 and its details) crosses the thread boundary as data: an Error would lose its status and code.
    if (error instanceof AppError)
      return { refused: { status: error.status, code: error.code, message: error.message, details: error.details } };
    throw error;
  }
}
