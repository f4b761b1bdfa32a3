/** The netiquette engine: pure TypeScript, no I/O. Text + context + compiled rules in, verdict out. */
export { compileRules, type CompiledRuleSet, RuleError } from './compile.ts';
export { evaluate, mask } from './evaluate.ts';
export { canonical, tokenize } from './normalize.ts';
export { BUILTIN_RULES, defaultDefinitions } from './rules.ts';
export * from './types.ts';
