import { type Actor, authorize, can } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import type { ModerationAction } from '../../db/types.ts';
import { type CpuTask, OFFLOAD_CHARS, runCpuTask } from '../../lib/cpu-pool.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { MembersRepository } from '../../content/index.ts';
import {
  BUILTIN_RULES,
  compileRules,
  type CompiledRuleSet,
  evaluate,
  type EvaluationContext,
  type RuleDefinition,
  RuleError,
  type Verdict,
} from './engine/index.ts';
import { NetiquetteRepository, type RuleRow } from './netiquette.repository.ts';

const DAY = 86_400_000;

/** The netiquette's evaluation as a worker task (server/workers/cpu.worker.ts compiles and caches the rules). */
export interface EvaluateTask extends CpuTask {
  kind: 'evaluate';
  text: { title?: string; body: string };
  context: EvaluationContext;
  rules: { version: string; definitions: RuleDefinition[] };
  /** Say why each rule fired or not (staff's check only). */
  explain?: boolean;
}
/**
 * A rule whose hits moderators mostly overturn (they approved the post) needs another look: flagged on the rules
 * page from a few decisions on, so that one early mistake does not brand a rule.
 */
const POOR_PRECISION = { below: 0.5, minDecisions: 3 };
/** How many weeks of hits the rules page charts. */
const WEEKS = 8;
const BUILTIN_TITLES = new Map(BUILTIN_RULES.map((r) => [r.key as string, r.title]));

export interface RuleInput {
  kind: 'words' | 'regex';
  action: ModerationAction;
  enabled?: boolean;
  categoryIds?: number[] | null;
  name: string;
  words?: string[];
  pattern?: string;
  caseSensitive?: boolean;
  messageFr?: string;
  messageEn?: string;
}

function toDefinition(row: RuleRow): RuleDefinition {
  return {
    key: row.key,
    kind: row.kind as RuleDefinition['kind'],
    action: row.action,
    enabled: row.enabled,
    categoryIds: row.category_ids,
    params: (row.params ?? {}) as Record<string, unknown>,
    messages: { fr: row.message_fr || undefined, en: row.message_en || undefined } as RuleDefinition['messages'],
  };
}

/**
 * The netiquette rules as the community runs them: stored in PostgreSQL, compiled once and cached per app
 * node. Every node re-reads the rules' version at most once a second and recompiles when it changed, so a
 * community manager's change applies everywhere within a second.
 */
export class NetiquetteService {
  private readonly rules: NetiquetteRepository;
  private readonly members: MembersRepository;
  private compiled: { version: string; set: CompiledRuleSet; definitions: RuleDefinition[] } | undefined;
  private checkedAt = 0;

  constructor(
    db: Db,
    private readonly recheckMs = 1000,
  ) {
    this.rules = new NetiquetteRepository(db);
    this.members = new MembersRepository(db);
  }

  /** Called at start: a community gets every built-in detector with its default settings. */
  async ensureBuiltins(): Promise<void> {
    await this.rules.ensureBuiltins(
      BUILTIN_RULES.map((r) => ({ key: r.key, action: r.action, params: r.params, name: r.title.fr })),
    );
  }

  async ruleSet(): Promise<CompiledRuleSet> {
    return (await this.current()).set;
  }

  private async current(): Promise<{ version: string; set: CompiledRuleSet; definitions: RuleDefinition[] }> {
    const now = Date.now();
    if (this.compiled && now - this.checkedAt < this.recheckMs) return this.compiled;
    const version = await this.rules.version();
    this.checkedAt = now;
    if (this.compiled?.version !== version) {
      const rows = await this.rules.list();
      this.compiled = { version, ...compileStored(rows) };
    }
    return this.compiled;
  }

  /** What the netiquette says of a text by this author in this category: the publish pipeline's step 2. */
  async screen(
    author: Actor,
    input: { title?: string; body: string; categoryId: number | null },
    options: { explain?: boolean } = {},
  ): Promise<Verdict> {
    const { version, set, definitions } = await this.current();
    const context = await this.contextFor(author, input.categoryId, set.readsRecentPosts);
    const text = { title: input.title, body: input.body };
    // A long text is checked in a worker, so that a hostile one cannot stall this node's other requests.
    if ((text.title?.length ?? 0) + text.body.length <= OFFLOAD_CHARS) return evaluate(text, context, set, options);
    return runCpuTask<Verdict>({
      kind: 'evaluate',
      text,
      context,
      rules: { version, definitions },
      ...(options.explain ? { explain: true } : {}),
    } satisfies EvaluateTask);
  }

  /**
   * The author as the rules see them. A signed-in actor carries their account's age and post count (read with
   * the session); the recent posts are read only when a rule needs them.
   */
  private async contextFor(author: Actor, categoryId: number | null, withRecent: boolean): Promise<EvaluationContext> {
    const now = new Date();
    const [member, recent] = await Promise.all([
      author.joinedAt && author.postCount !== undefined
        ? { trust_level: author.trustLevel, created_at: author.joinedAt, post_count: author.postCount }
        : this.members.getById(author.id),
      withRecent ? this.rules.recentByAuthor(author.id, new Date(now.getTime() - 60 * 60_000)) : [],
    ]);
    return {
      trustLevel: member?.trust_level ?? author.trustLevel,
      role: author.role,
      accountAgeDays: member ? (now.getTime() - member.created_at.getTime()) / DAY : 0,
      categoryId,
      authorPostCount: member?.post_count ?? 0,
      recentPosts: recent.map((p) => ({ text: p.body_md, createdAt: p.created_at })),
      now,
    };
  }

  /**
   * The composer's live check: nothing is stored. Moderators and community managers, who read rules, also learn
   * why each rule fired or let a passage go; a member gets the verdict only (the explanation would teach how to
   * slip past the rules).
   */
  async check(actorOrNull: Actor | null, input: { title?: string; body: string; categoryId: number | null }) {
    const actor = authorize(actorOrNull, 'netiquette.check');
    return this.screen(actor, input, { explain: can(actor, 'rule.view') });
  }

  async listRules(actor: Actor | null) {
    authorize(actor, 'rule.view');
    const [rows, stats, weekly] = await Promise.all([this.rules.list(), this.rules.stats(), this.rules.weekly(WEEKS)]);
    const byKey = new Map(stats.map((s) => [s.rule_key, s]));
    const trend = new Map<string, number[]>();
    for (const w of weekly) {
      const series = trend.get(w.rule_key) ?? new Array<number>(WEEKS).fill(0);
      series[WEEKS - 1 - w.weeks_ago] = w.n;
      trend.set(w.rule_key, series);
    }
    return rows.map((row) => ({
      ...toRuleView(row, byKey.get(row.key)),
      weekly: trend.get(row.key) ?? new Array<number>(WEEKS).fill(0),
    }));
  }

  async createRule(actorOrNull: Actor | null, input: RuleInput) {
    const actor = authorize(actorOrNull, 'rule.edit');
    const params = paramsOf(input);
    const key = await this.rules.nextCustomKey();
    assertCompiles({ key, kind: input.kind, action: input.action, enabled: true, categoryIds: null, params });
    const row = await this.rules.create({
      key,
      kind: input.kind,
      action: input.action,
      enabled: input.enabled ?? true,
      categoryIds: input.categoryIds ?? null,
      params,
      name: input.name,
      messageFr: input.messageFr ?? '',
      messageEn: input.messageEn ?? '',
      createdBy: actor.id,
    });
    return { ...toRuleView(row, undefined), weekly: new Array<number>(WEEKS).fill(0) };
  }

  async updateRule(
    actorOrNull: Actor | null,
    key: string,
    input: Partial<RuleInput> & { params?: Record<string, unknown> },
  ) {
    authorize(actorOrNull, 'rule.edit');
    const current = await this.rules.getByKey(key);
    if (!current) throw new NotFoundError('rule.not_found', 'No such rule.');
    let params: Record<string, unknown> | undefined;
    if (current.builtin) params = input.params;
    else if (input.words !== undefined || input.pattern !== undefined || input.caseSensitive !== undefined) {
      params = paramsOf({
        ...(current.params as object),
        kind: current.kind as 'words' | 'regex',
        ...input,
      } as RuleInput);
    }
    const next = { ...toDefinition(current), ...(params && { params }), ...(input.action && { action: input.action }) };
    assertCompiles(next);
    const row = await this.rules.update(key, {
      action: input.action,
      enabled: input.enabled,
      categoryIds: input.categoryIds,
      params,
      name: current.builtin ? undefined : input.name,
      messageFr: input.messageFr,
      messageEn: input.messageEn,
    });
    return { ...toRuleView(row!, undefined), weekly: new Array<number>(WEEKS).fill(0) };
  }

  async deleteRule(actorOrNull: Actor | null, key: string) {
    authorize(actorOrNull, 'rule.edit');
    const current = await this.rules.getByKey(key);
    if (!current) throw new NotFoundError('rule.not_found', 'No such rule.');
    if (current.builtin) {
      throw new UnprocessableError('rule.builtin', 'A built-in rule cannot be deleted: disable it instead.');
    }
    await this.rules.delete(key);
  }

  /** Runs a draft rule over the latest published posts: what it would have hit, before it is switched on. */
  async backtest(actorOrNull: Actor | null, input: RuleInput, limit: number) {
    authorize(actorOrNull, 'rule.edit');
    const definition: RuleDefinition = {
      key: 'draft',
      kind: input.kind,
      action: input.action,
      enabled: true,
      categoryIds: input.categoryIds ?? null,
      params: paramsOf(input),
    };
    const set = assertCompiles(definition);
    const posts = await this.rules.recentPublished(limit);
    const context: Omit<EvaluationContext, 'categoryId'> = {
      trustLevel: 1,
      role: 'member',
      accountAgeDays: 365,
      authorPostCount: 100,
      recentPosts: [],
      now: new Date(),
    };
    const matches = [];
    for (const post of posts) {
      const verdict = evaluate(
        { title: post.number === 1 ? post.title : undefined, body: post.body_md },
        { ...context, categoryId: post.category_id },
        set,
      );
      if (verdict.hits.length > 0) {
        matches.push({
          postId: post.id,
          threadId: post.thread_id,
          number: post.number,
          title: post.title,
          hits: verdict.hits.map((h) => ({ field: h.field, start: h.start, end: h.end, excerpt: h.excerpt })),
          text: post.body_md.slice(0, 500),
        });
      }
    }
    return { scanned: posts.length, matched: matches.length, matches };
  }
}

function paramsOf(input: Partial<RuleInput> & { kind: 'words' | 'regex' }): Record<string, unknown> {
  if (input.kind === 'words') {
    const words = (input.words ?? []).map((w) => w.trim()).filter(Boolean);
    if (words.length === 0)
      throw new UnprocessableError('rule.words_required', 'A word rule needs at least one word or phrase.', {
        field: 'words',
      });
    return { words };
  }
  if (!input.pattern)
    throw new UnprocessableError('rule.pattern_required', 'A regular-expression rule needs a pattern.', {
      field: 'pattern',
    });
  return { pattern: input.pattern, caseSensitive: input.caseSensitive === true };
}

function assertCompiles(definition: RuleDefinition): CompiledRuleSet {
  try {
    return compileRules([definition]);
  } catch (err) {
    if (err instanceof RuleError)
      throw new UnprocessableError('rule.invalid', `This rule cannot be used: ${err.message}`, { field: 'pattern' });
    throw err;
  }
}

/** Compiles what is stored; a rule that no longer compiles is skipped (and reported) rather than stopping every post. */
function compileStored(rows: RuleRow[]): { set: CompiledRuleSet; definitions: RuleDefinition[] } {
  const good: RuleDefinition[] = [];
  for (const row of rows) {
    const def = toDefinition(row);
    try {
      compileRules([def]);
      good.push(def);
    } catch (err) {
      console.error(`[netiquette] rule ${row.key} skipped: ${(err as Error).message}`);
    }
  }
  return { set: compileRules(good), definitions: good };
}

/** Each rule's name as members and staff read it (a built-in rule's title, a custom rule's own name), by key. */
export function ruleNames(rows: Pick<RuleRow, 'key' | 'name'>[]): Map<string, { fr: string; en: string }> {
  const names = new Map<string, { fr: string; en: string }>(BUILTIN_TITLES);
  for (const row of rows) if (!names.has(row.key) && row.name) names.set(row.key, { fr: row.name, en: row.name });
  return names;
}

function toRuleView(row: RuleRow, stats: { hits_30d: number; upheld: number; overturned: number } | undefined) {
  const title = BUILTIN_TITLES.get(row.key);
  const decided = (stats?.upheld ?? 0) + (stats?.overturned ?? 0);
  return {
    key: row.key,
    kind: row.kind,
    builtin: row.builtin,
    name: title ?? { fr: row.name, en: row.name },
    action: row.action,
    enabled: row.enabled,
    categoryIds: row.category_ids,
    params: (row.params ?? {}) as Record<string, unknown>,
    messages: { fr: row.message_fr, en: row.message_en },
    stats: {
      hits30d: stats?.hits_30d ?? 0,
      upheld: stats?.upheld ?? 0,
      overturned: stats?.overturned ?? 0,
      precision: decided > 0 ? stats!.upheld / decided : null,
      poorPrecision: decided >= POOR_PRECISION.minDecisions && stats!.upheld / decided < POOR_PRECISION.below,
    },
    updatedAt: row.updated_at.toISOString(),
  };
}
