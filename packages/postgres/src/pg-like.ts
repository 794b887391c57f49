/*
 * The few members of `pg` this package calls, as structural types: a `pg.Pool` (or anything
 * shaped like one) fits them, and `pg` stays a peer dependency the caller owns and configures.
 */

/** Per-query type parsers, as `pg` takes them in a query config (`types`). */
export interface TypeParsersLike {
  getTypeParser(oid: number, format?: string): (value: string) => unknown;
}

/** A query config as `pg` accepts it. */
export interface QueryConfigLike {
  text: string;
  values?: unknown[];
  rowMode?: 'array';
  types?: TypeParsersLike;
}

/** A result column as `pg` reports it. */
export interface FieldLike {
  name: string;
  /** The column type's OID (`pg_type.oid`). */
  dataTypeID: number;
}

/** A query result as `pg` returns it. */
export interface QueryResultLike {
  rows: unknown[];
  rowCount: number | null;
  fields: FieldLike[];
}

/** Something `client.query()` runs itself (pg-cursor, pg-copy-streams). */
export interface SubmittableLike {
  submit(connection: unknown): void;
}

/** A `NOTIFY` message as `pg` emits it. */
export interface NotificationLike {
  channel: string;
  payload?: string;
}

/** A checked-out connection (`pg.PoolClient`). */
export interface ClientLike {
  query(config: QueryConfigLike): Promise<QueryResultLike>;
  query<T extends SubmittableLike>(submittable: T): T;
  /** Returns the connection to the pool; with an error, the pool closes it instead. */
  release(destroy?: Error | boolean): void;
  on(event: 'notification', listener: (message: NotificationLike) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'notification', listener: (message: NotificationLike) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** A connection pool (`pg.Pool`). The adapters never end it: the caller owns it. */
export interface PoolLike {
  connect(): Promise<ClientLike>;
  query(config: QueryConfigLike): Promise<QueryResultLike>;
}
