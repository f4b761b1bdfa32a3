import type { ColumnType } from 'kysely';

/**
 * Column types the generated server/db/schema.ts uses beyond kysely-codegen's own (.kysely-codegenrc.json maps
 * them). The value sets of text columns come from their CHECK constraints, read by `npm run generate`.
 */

/** jsonb: read as parsed JSON (its shape is the repository's to check), written as JSON text. */
export type JsonText = ColumnType<unknown, string, string>;
/** Kept by a trigger (migration 0021): never written by the application. */
export type TriggerKept<T> = ColumnType<T, never, never>;
