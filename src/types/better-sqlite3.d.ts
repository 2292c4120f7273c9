// Minimal typings for better-sqlite3 12 (the package ships none and @types/better-sqlite3 is not a
// dependency). Covers what Podd uses; extend here rather than casting to `any` at call sites.
declare module 'better-sqlite3' {
  namespace BetterSqlite3 {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }

    interface Statement<BindParameters extends unknown[] = unknown[], Result = unknown> {
      readonly source: string;
      readonly reader: boolean;
      run(...params: BindParameters): RunResult;
      get(...params: BindParameters): Result | undefined;
      all(...params: BindParameters): Result[];
      iterate(...params: BindParameters): IterableIterator<Result>;
      pluck(toggle?: boolean): this;
      raw(toggle?: boolean): this;
    }

    interface Transaction<F extends (...args: never[]) => unknown> {
      (...args: Parameters<F>): ReturnType<F>;
      deferred(...args: Parameters<F>): ReturnType<F>;
      immediate(...args: Parameters<F>): ReturnType<F>;
      exclusive(...args: Parameters<F>): ReturnType<F>;
    }

    interface BackupProgress {
      totalPages: number;
      remainingPages: number;
    }

    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
      verbose?: (message?: unknown, ...more: unknown[]) => void;
      nativeBinding?: string;
    }

    interface Database {
      readonly name: string;
      readonly open: boolean;
      readonly inTransaction: boolean;
      readonly readonly: boolean;
      readonly memory: boolean;
      prepare<BindParameters extends unknown[] = unknown[], Result = unknown>(
        source: string,
      ): Statement<BindParameters, Result>;
      exec(source: string): this;
      pragma(source: string, options?: { simple?: boolean }): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      backup(
        destination: string,
        options?: { attached?: string; progress?: (info: BackupProgress) => number },
      ): Promise<BackupProgress>;
      function(name: string, fn: (...args: unknown[]) => unknown): this;
      close(): this;
    }

    interface DatabaseConstructor {
      new (filename?: string | Buffer, options?: Options): Database;
      (filename?: string | Buffer, options?: Options): Database;
    }
  }

  const Database: BetterSqlite3.DatabaseConstructor;
  type Database = BetterSqlite3.Database;
  namespace Database {
    type Statement<B extends unknown[] = unknown[], R = unknown> = BetterSqlite3.Statement<B, R>;
    type Database = BetterSqlite3.Database;
    type RunResult = BetterSqlite3.RunResult;
    type Options = BetterSqlite3.Options;
    type BackupProgress = BetterSqlite3.BackupProgress;
  }
  export = Database;
}
