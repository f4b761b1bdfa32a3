/** netiquette: the rules, their management and statistics, and the pure engine that screens a text. */
export {
  compileRules,
  type CompiledRuleSet,
  defaultDefinitions,
  evaluate,
  type EvaluationContext,
  type Hit,
  mask,
  type RuleDefinition,
  type Verdict,
} from './engine/index.ts';
export { NetiquetteRepository } from './netiquette.repository.ts';
export { netiquetteRoutes } from './netiquette.routes.ts';
export { HitSchema } from './netiquette.schemas.ts';
export { type EvaluateTask, NetiquetteService, ruleNames } from './netiquette.service.ts';
