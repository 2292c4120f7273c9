import { Module, type DynamicModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { AccessLogController } from './access-log/access-log.controller.js';
import { AccessLogService } from './access-log/access-log.service.js';
import { authDataSourceOptions, AUTH_ENTITIES } from './auth-datasource.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthHealth } from './auth.health.js';
import { JwtStrategy } from './jwt.strategy.js';
import { LoginLimiter } from './login-limiter.js';
import { PasswordService } from './password.service.js';
import { SessionRevocations } from './session-revocations.js';
import { jwtKey, TokenService } from './token.service.js';

/** Accounts and sessions on TypeORM (SQLite file by default, PostgreSQL when DATABASE_URL says so). */
@Module({})
export class AuthModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        PassportModule,
        // The secret as a KeyObject (fast verify); the algorithm is pinned at each sign and verify.
        JwtModule.register({ secret: jwtKey(config) }),
        TypeOrmModule.forRoot({ ...authDataSourceOptions(config), migrationsRun: true }),
        TypeOrmModule.forFeature(AUTH_ENTITIES),
      ],
      controllers: [AuthController, AccessLogController],
      providers: [
        AuthService,
        PasswordService,
        TokenService,
        LoginLimiter,
        JwtStrategy,
        AuthHealth,
        AccessLogService,
        SessionRevocations,
      ],
      exports: [AuthService, TokenService, AccessLogService, SessionRevocations],
    };
  }
}
