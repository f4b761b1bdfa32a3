/** search: PostgreSQL full-text by default, Meilisearch when configured, fed by the outbox worker. */
export { MeiliSearchAdapter } from './meili.adapter.ts';
export { rebuildIndex, SearchOutboxWorker } from './outbox.worker.ts';
export { PgSearchAdapter } from './pg.adapter.ts';
export type { SearchIndexer, SearchPort } from './search.port.ts';
export { searchRoutes } from './search.routes.ts';
export { SearchService } from './search.service.ts';
