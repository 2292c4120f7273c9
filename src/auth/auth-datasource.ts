import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensurePrivateSqliteFile } from '../common/private-files.js';
import type { AppConfig } from '../config/app-config.js';
import { AccessLogEntity } from './entities/access-log.entity.js';
import { CareLinkEntity } from './entities/care-link.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { ShareLinkEntity } from './entities/share-link.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { CreateAuthTables1764100000000 } from './migrations/1764100000000-create-auth-tables.js';
import { CreateAccessLog1764200000000 } from './migrations/1764200000000-create-access-log.js';
import { CreateCareLinks1764300000000 } from './migrations/1764300000000-create-care-links.js';
import { CreateShareLinks1764400000000 } from './migrations/1764400000000-create-share-links.js';

export const AUTH_ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  AccessLogEntity,
  CareLinkEntity,
  ShareLinkEntity,
];
export const AUTH_MIGRATIONS = [
  CreateAuthTables1764100000000,
  CreateAccessLog1764200000000,
  CreateCareLinks1764300000000,
  CreateShareLinks1764400000000,
];

/** TypeORM options for the auth database: SQLite file (WAL, FULL sync, FKs) or PostgreSQL. Never `synchronize`. */
export function authDataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: AUTH_ENTITIES,
    migrations: AUTH_MIGRATIONS,
    migrationsTableName: 'auth_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (config.authDb.kind === 'postgres') {
    return { ...common, type: 'postgres', url: config.authDb.url, extra: { max: 10 } };
  }
  ensurePrivateSqliteFile(config.authDb.file);
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.authDb.file,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Deleted rows (an erased account's e-mail, its tokens) are overwritten, not left in free space.
      db.pragma('secure_delete = ON');
    },
  };
}

export function createAuthDataSource(config: AppConfig): DataSource {
  return new DataSource(authDataSourceOptions(config));
}

/** Applies pending auth migrations (used at start-up and by `podd migrate`). Returns the names applied. */
export async function runAuthMigrations(config: AppConfig): Promise<string[]> {
  const ds = createAuthDataSource(config);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
