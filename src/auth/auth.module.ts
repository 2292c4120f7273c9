import { Module, type DynamicModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AccessLogController } from './access-log/access-log.controller.js';
import { AccessLogService } from './access-log/access-log.service.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { authDataSourceOptions, AUTH_ENTITIES } from './auth-datasource.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthHealth } from './auth.health.js';
import { LoginLimiter } from './login-limiter.js';
import { PasswordService } from './password.service.js';
import { SessionRevocations } from './session-revocations.js';
import { jwtKey, TokenService } from './token.service.js';

/**
 * The auth database's root connection (TypeORM, migrations run at start): SQLite file by default, PostgreSQL
 * when DATABASE_URL says so. Imported once, by the application (or a test harness); AuthModule and the modules
 * that keep their tables there (care circle, share links) use it through `TypeOrmModule.forFeature`.
 */
@Module({})
export class AuthDatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuthDatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...authDataSourceOptions(config), migrationsRun: true })],
    };
  }
}

/**
 * Accounts and sessions. A plain module, so every module that uses its services imports it (one instance for
 * the whole application); it needs AuthDatabaseModule.forRoot in the application.
 */
@Module({
  imports: [
    // The secret as a KeyObject (fast verify); the algorithm is pinned at each sign and verify.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: jwtKey(config) }),
    }),
    TypeOrmModule.forFeature(AUTH_ENTITIES),
  ],
  controllers: [AuthController, AccessLogController],
  providers: [
    AuthService,
    PasswordService,
    TokenService,
    LoginLimiter,
    AccessTokenVerifier,
    AuthHealth,
    AccessLogService,
    SessionRevocations,
  ],
  exports: [AuthService, TokenService, AccessLogService, SessionRevocations, AccessTokenVerifier],
})
export class AuthModule {}
