import { builtinLexicons } from './builtin-lexicons.ts';
import { findAddresses, STREET_WORDS } from './detectors/address.ts';
import { findDisguisedEmails, findSpelledPhones, NUMBER_WORDS, SPELLED_AT } from './detectors/disguised-contacts.ts';
import { harassmentDetector } from './detectors/harassment.ts';
import { identityDetector } from './detectors/identity.ts';
import { findCards, findEmails, findIbans, findPhones } from './detectors/personal-data.ts';
import { sexualDetector } from './detectors/sexual.ts';
import { spamDetector } from './detectors/spam.ts';
import { threatDetector } from './detectors/threats.ts';
import { decodeModel, type Model, probability } from './classifier.ts';
import { MODEL } from './classifier-weights.ts';
import { reason } from './explain.ts';
import { statsOf, type TextStats } from './text-stats.ts';
import { DomainSet, type FoundLink, findLinks } from './detectors/links.ts';
import { findRepetitions, findShouting } from './detectors/style.ts';
import { Lexicon } from './lexicon.ts';
import { type LexiconRegistry, lexiconDetector } from './lexicon-matching.ts';
import { canonical } from './normalize.ts';
import { type RegexPrefilter, regexDetector } from './regex-matching.ts';
import { num, numberAt, wordList } from './rule-params.ts';
import { type CompiledRule, type Found, type Prepared, RuleError } from './rule-set.ts';
import { type RuleDefinition, severity } from './types.ts';
import * as lists from './wordlists.ts';

let model: Model | undefined;
/** The shipped classifier, decoded once per process. */
const classifierModel = () => (model ??= decodeModel(MODEL));

/** Each rule kind compiled into its detector: the function that finds the rule's passages in a post. */

function linksOf(f: Prepared): FoundLink[] {
  f.links ??= findLinks(f.text);
  return f.links;
}

/** A finder over each field's text, run only where the field's character counts allow a match at all. */
const spansOf =
  (
    finder: (text: string) => { start: number; end: number }[],
    gate: (stats: TextStats) => boolean,
    why?: () => Found['why'],
  ) =>
  (fields: Prepared[]): Found[] =>
    fields.flatMap((f) =>
      gate(statsOf(f))
        ? finder(f.text).map((s) => ({ field: f.field, start: s.start, end: s.end, ...(why ? { why: why() } : {}) }))
        : [],
    );

export function detectorFor(
  def: RuleDefinition,
  registry: LexiconRegistry,
  prefilter: RegexPrefilter,
): CompiledRule['detect'] {
  const params = def.params ?? {};
  switch (def.kind) {
    case 'insults': {
      const { insults, mild } = builtinLexicons();
      const extra = new Lexicon(wordList(params));
      const strong = lexiconDetector(registry, [insults, extra], { notAboutSelf: true });
      const aimed = lexiconDetector(registry, [mild], { directed: true, notAboutSelf: true });
      return (fields) => [...strong(fields), ...aimed(fields)];
    }
    case 'profanity': {
      const { profanity } = builtinLexicons();
      const extra = new Lexicon(wordList(params));
      return lexiconDetector(registry, [profanity, extra]);
    }
    case 'hate':
      return lexiconDetector(registry, [builtinLexicons().hate]);
    case 'threats': {
      const listed = lexiconDetector(registry, [builtinLexicons().threats]);
      const grammar = threatDetector(registry);
      return (fields) => [...listed(fields), ...grammar(fields)];
    }
    case 'identity':
      return identityDetector(registry);
    case 'sexual':
      return sexualDetector(registry);
    case 'harassment':
      return harassmentDetector(registry);
    case 'address': {
      const streets = registry.use(new Lexicon(STREET_WORDS));
      return (fields) =>
        fields.flatMap((f) =>
          (!statsOf(f).hasDigit ? [] : findAddresses(f.text, registry.matches(f, streets).length > 0, f.tokens)).map(
            (s) => ({
              field: f.field,
              ...s,
              why: reason('address', f.text.slice(s.start, s.end)),
            }),
          ),
        );
    }
    case 'spam':
      return spamDetector(registry, params);
    case 'email': {
      const spelled = registry.use(new Lexicon(SPELLED_AT));
      const plain = spansOf(findEmails, (s) => s.at);
      return (fields) => [
        ...plain(fields),
        ...fields.flatMap((f) =>
          statsOf(f).at || registry.matches(f, spelled).length > 0
            ? findDisguisedEmails(f.text).map((s) => ({ field: f.field, ...s, why: reason('email') }))
            : [],
        ),
      ];
    }
    case 'phone': {
      const numberWords = registry.use(new Lexicon(NUMBER_WORDS));
      const digits = spansOf(
        findPhones,
        (s) => s.phoneLike,
        () => reason('phone', 'libphonenumber'),
      );
      return (fields) => [
        ...digits(fields),
        ...fields.flatMap((f) =>
          (registry.matches(f, numberWords).length < 4 ? [] : findSpelledPhones(f.text, f.tokens)).map((s) => ({
            field: f.field,
            ...s,
            why: reason('phone', 'en toutes lettres / in words'),
          })),
        ),
      ];
    }
    case 'iban':
      return spansOf(findIbans, (s) => s.ibanLike);
    case 'card':
      return spansOf(findCards, (s) => s.cardLike);
    case 'links_count': {
      const allow = new DomainSet(wordList(params, 'allowDomains'));
      return (fields, ctx) => {
        const links = fields.flatMap((f) => linksOf(f).map((l) => ({ ...l, field: f.field })));
        const counted = links.filter((l) => !allow.has(l.host));
        const max = numberAt(params, 'maxByTrustLevel', ctx.trustLevel, 3);
        return counted.length > max
          ? counted.slice(max).map((l) => ({ field: l.field, start: l.start, end: l.end }))
          : [];
      };
    }
    case 'links_domain': {
      const deny = new DomainSet(wordList(params, 'denyDomains'));
      return (fields) =>
        deny.size === 0
          ? []
          : fields.flatMap((f) =>
              linksOf(f)
                .filter((l) => deny.has(l.host))
                .map((l) => ({ field: f.field, start: l.start, end: l.end })),
            );
    }
    case 'links_shortener': {
      const shorteners = new DomainSet(lists.SHORTENERS);
      return (fields) =>
        fields.flatMap((f) =>
          linksOf(f)
            .filter((l) => shorteners.has(l.host))
            .map((l) => ({ field: f.field, start: l.start, end: l.end })),
        );
    }
    case 'shouting': {
      const minLetters = num(params, 'minLetters', 20);
      const ratio = num(params, 'ratio', 0.7);
      return (fields) =>
        fields.flatMap((f) => {
          const min = f.field === 'title' ? Math.min(minLetters, 12) : minLetters;
          if (!statsOf(f).capitalRun) return [];
          const span = findShouting(f.text, min, ratio);
          return span ? [{ field: f.field, ...span }] : [];
        });
    }
    case 'repetition': {
      const min = Math.max(3, num(params, 'min', 6));
      return spansOf(
        (text) => findRepetitions(text, min),
        (s) => s.repeated(min),
      );
    }
    case 'duplicate': {
      const windowMs = num(params, 'windowMinutes', 30) * 60_000;
      return (fields, ctx) => {
        const body = fields.find((f) => f.field === 'body');
        if (!body || body.tokens.length < 3 || ctx.recentPosts.length === 0) return [];
        const mine = body.tokens.map((t) => t.forms.at(-1)).join(' ');
        const same = ctx.recentPosts.some(
          (p) => ctx.now.getTime() - p.createdAt.getTime() <= windowMs && canonical(p.text) === mine,
        );
        return same ? [{ field: 'body', start: 0, end: body.text.length }] : [];
      };
    }
    case 'flood':
      return (fields, ctx) => {
        const perMinute = numberAt(params, 'perMinuteByTrustLevel', ctx.trustLevel, 5);
        const lastMinute = ctx.recentPosts
          .filter((p) => ctx.now.getTime() - p.createdAt.getTime() < 60_000)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
        if (lastMinute.length < perMinute) return [];
        // The oldest post of the minute leaves the window first: that is how long to wait.
        const waitMs = 60_000 - (ctx.now.getTime() - lastMinute[lastMinute.length - perMinute]!.createdAt.getTime());
        const body = fields.find((f) => f.field === 'body') ?? fields[0]!;
        return [{ field: body.field, start: 0, end: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }];
      };
    case 'classifier': {
      const model = classifierModel();
      const threshold = num(params, 'threshold', model.threshold);
      return (fields, _ctx, earlier) => {
        // Only where the rules are undecided: a post they already flag or hold needs no second opinion.
        if (earlier.some((h) => severity(h.action) >= severity('flag'))) return [];
        const p = probability(
          model,
          fields.map((f) => f.tokens),
        );
        if (p < threshold) return [];
        const body = fields.find((f) => f.field === 'body') ?? fields[0]!;
        // No span: the score is the whole post's, and must not hide the words other rules mask.
        return [{ field: body.field, start: 0, end: 0, why: reason('classifier', p.toFixed(2), threshold.toFixed(2)) }];
      };
    }
    case 'first_posts': {
      const count = num(params, 'count', 3);
      return (fields, ctx) => {
        if (ctx.authorPostCount >= count || ctx.trustLevel > 0) return [];
        const body = fields.find((f) => f.field === 'body') ?? fields[0]!;
        return [{ field: body.field, start: 0, end: 0 }];
      };
    }
    case 'words': {
      const lexicon = new Lexicon(wordList(params));
      return lexiconDetector(registry, [lexicon]);
    }
    case 'regex': {
      const pattern = typeof params.pattern === 'string' ? params.pattern : '';
      if (!pattern) throw new RuleError(def.key, 'a regular expression rule needs a pattern');
      return regexDetector(def.key, pattern, params.caseSensitive === true, prefilter);
    }
    default:
      throw new RuleError(def.key, `unknown rule kind "${String(def.kind)}"`);
  }
}
