import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthDatabaseModule, AuthModule } from './auth/auth.module.js';
import { CareCircleModule } from './care-circle/care-circle.module.js';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { ChatModule } from './chat/chat.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { StaticMetadataReflector } from './common/static-reflector.js';
import { AppValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { HealthDataModule } from './health-data/health-data.module.js';
import { InfraModule } from './infra/infra.module.js';
import { LocusGraphModule } from './locusgraph/locusgraph.module.js';
import { OpsModule } from './ops/ops.module.js';
import { RateLimitGuard } from './ops/rate-limit/rate-limit.js';
import { ReminderModule } from './reminders/reminders.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { VoiceModule } from './voice/voice.module.js';

/**
 * The application: cross-cutting infrastructure first, then the feature modules.
 * Global order matters: the JWT guard runs before the rate limit so limits are per user.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        InfraModule,
        OpsModule,
        // Feature modules (each imports the modules it uses; these are the roots and the entry points).
        AuthDatabaseModule.forRoot(config),
        AuthModule,
        LocusGraphModule.forRoot(config),
        HealthDataModule,
        ReminderModule,
        ChatModule,
        VoiceModule,
        CareCircleModule,
        ReportsModule,
      ],
      providers: [
        StaticMetadataReflector,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useClass: AppValidationPipe },
      ],
    };
  }
}
