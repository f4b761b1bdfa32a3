import { builtinLexicons } from './builtin-lexicons.ts';
import { LexiconRegistry } from './lexicon-matching.ts';
import { RegexPrefilter } from './regex-matching.ts';
import { detectorFor } from './rule-kinds.ts';
import type { CompiledRuleSet } from './rule-set.ts';
import { BUILTIN_BY_KEY } from './rules.ts';
import { type Messages, type RuleDefinition, severity } from './types.ts';

const DEFAULT_CUSTOM_MESSAGES: Messages = {
  fr: 'Ce passage enfreint une règle de la communauté.',
  en: 'This passage breaks a community rule.',
};

/**
 * Compiles rule definitions into a rule set. Throws RuleError (with the rule's key) for a rule that cannot
 * compile, so that a community manager's mistake is refused when saved, not when a member posts.
 */
export function compileRules(definitions: RuleDefinition[]): CompiledRuleSet {
  const lex = builtinLexicons();
  const registry = new LexiconRegistry();
  const prefilter = new RegexPrefilter();
  const rules = definitions
    .filter((d) => d.enabled)
    // The classifier reads the other rules' hits: it comes last.
    .sort((a, b) => Number(a.kind === 'classifier') - Number(b.kind === 'classifier'))
    .map((def) => {
      const builtin = BUILTIN_BY_KEY.get(def.kind as never);
      const defaults = builtin?.messages ?? DEFAULT_CUSTOM_MESSAGES;
      return {
        key: def.key,
        kind: def.kind,
        // The classifier may raise a flag, never more: a statistical guess holds or refuses no one's post.
        action: def.kind === 'classifier' && severity(def.action) > severity('flag') ? 'flag' : def.action,
        categoryIds: def.categoryIds ? new Set(def.categoryIds) : null,
        messages: { fr: def.messages?.fr || defaults.fr, en: def.messages?.en || defaults.en },
        detect: detectorFor(def, registry, prefilter),
      };
    });
  return {
    rules,
    readsRecentPosts: rules.some((r) => r.kind === 'duplicate' || r.kind === 'flood'),
    stats: {
      insults: lex.insults.size,
      mild: lex.mild.size,
      profanity: lex.profanity.size,
      hate: lex.hate.size,
      threats: lex.threats.size,
    },
  };
}
