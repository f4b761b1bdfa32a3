import { type Expression, type SqlBool, sql } from 'kysely';
import { SEE_LEVELS } from '../access/visibility.ts';
import type { SeeLevel } from '../db/types.ts';

/** Do these see levels (`seeLevelsOf(viewer)`) open every category? */
export const seesEveryLevel = (seeLevels: readonly SeeLevel[]): boolean =>
  SEE_LEVELS.every((level) => seeLevels.includes(level));

/**
 * The SQL half of the see rule (access/visibility.ts): the row's category is one of those whose `see_level` the
 * viewer meets (`seeLevelsOf(viewer)`). A viewer who sees every level gets no filter at all. The categories table
 * is a handful of rows: the sub-select costs a hash of them, whatever the list.
 */
export function inSeenCategory(categoryColumn: string, seeLevels: readonly SeeLevel[]): Expression<SqlBool> {
  if (seesEveryLevel(seeLevels)) return sql<SqlBool>`true`;
  return sql<SqlBool>`${sql.ref(categoryColumn)} IN (SELECT c.id FROM categories c WHERE c.see_level = ANY(${[...seeLevels]}::text[]))`;
}

/**
 * The other half: the row's category is one the viewer may NOT see, given as their ids
 * (`CategoriesRepository.idsNotSeenAt`; none for a viewer who sees every category: false, no filter). Counts kept
 * for everyone (a member's posts, a tag's threads) subtract what falls here: restricted categories are few and
 * small, so this is cheaper than recounting what the viewer sees. The ids go in as a literal array so that the
 * planner estimates by its statistics of each id (an index scan of a small category) where a sub-select on the
 * categories table left it guessing half of the threads (a sequential scan: 3 to 10 times slower on 20,000).
 */
export function inHiddenCategory(categoryColumn: string, hiddenCategoryIds: readonly number[]): Expression<SqlBool> {
  if (hiddenCategoryIds.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(categoryColumn)} = ANY(${[...hiddenCategoryIds]}::int[])`;
}

/** The see level of a thread's category, as a column of a query on `threads` (a primary-key read). */
export const threadSeeLevel = (threadsAlias = 'threads') =>
  sql<SeeLevel>`(SELECT c.see_level FROM categories c WHERE c.id = ${sql.ref(`${threadsAlias}.category_id`)})`;

/**
 * Whether the member row `memberAlias` meets the see level `level` (an SQL expression): `canSeeCategory` in SQL,
 * for statements that pick many recipients at once. Staff meet every level; a member `trust_N` from level N.
 */
export const memberSees = (memberAlias: string, level: Expression<SeeLevel>) =>
  sql<SqlBool>`(${level} IN ('visitor', 'member') OR ${sql.ref(`${memberAlias}.role`)} <> 'member'
    OR (${level} LIKE 'trust\\_%' AND ${sql.ref(`${memberAlias}.trust_level`)} >= substr(${level}, 7)::int))`;
