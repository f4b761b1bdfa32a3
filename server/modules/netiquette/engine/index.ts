/** The netiquette engine: pure TypeScript, no I/O. Text + context + compiled rules in, verdict out. */
export { compileRules } from './compile.ts';
export { type CompiledRuleSet, RuleError } from './rule-set.ts';
export { evaluate, mask } from './evaluate.ts';
export { canonical, tokenize } from './normalize.ts';
export { BUILTIN_RULES, defaultDefinitions } from './rules.ts';
export * from './types.ts';
