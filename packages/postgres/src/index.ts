export { PostgresJobStore, type PostgresJobStoreOptions } from './job-store.js';
export { inlineQuery } from './literal.js';
export {
  type Migration,
  migrate,
  migrateDown,
  postgresMigrations,
  type TableNames,
} from './migrations.js';
export type {
  ClientLike,
  FieldLike,
  NotificationLike,
  PoolLike,
  QueryConfigLike,
  QueryResultLike,
  SubmittableLike,
  TypeParsersLike,
} from './pg-like.js';
export { PostgresQueue, type PostgresQueueOptions } from './queue.js';
export { type PostgresRowSourceOptions, postgresRowSource } from './row-source.js';
export { SqlIdentifier, type SqlPart, SqlQuery, type SqlValue, sql } from './sql.js';
