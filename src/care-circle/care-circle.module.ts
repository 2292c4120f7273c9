import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CareLinkEntity } from '../auth/entities/care-link.entity.js';
import { UserEntity } from '../auth/entities/user.entity.js';
import { AccountExportSections } from '../health-data/account/export-sections.js';
import { HealthDataModule } from '../health-data/health-data.module.js';
import { ReminderModule } from '../reminders/reminders.module.js';
import { CareCircleController } from './care-circle.controller.js';
import { CareCircleService } from './care-circle.service.js';
import { CareNotifier } from './care-notifier.js';
import { CarePeopleController } from './care-people.controller.js';
import { CareReportController } from './care-report.controller.js';
import { ReportsModule } from '../reports/reports.module.js';

/**
 * The care circle (docs/care-circle.md): consented links between accounts, read access within a grant, and
 * the notifications a caregiver asked for. Depends on health-data (the owner's services, the emergency-alert
 * channel, the export port) and reminders (notifications, the missed-dose hook); neither depends on it.
 * Links live in the auth database (TypeORM repositories on the connection of AuthDatabaseModule).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([CareLinkEntity, UserEntity]),
    HealthDataModule,
    ReminderModule,
    ReportsModule,
  ],
  controllers: [CareCircleController, CarePeopleController, CareReportController],
  providers: [CareCircleService, CareNotifier],
  exports: [CareNotifier, CareCircleService],
})
export class CareCircleModule implements OnModuleInit {
  constructor(
    private readonly exportSections: AccountExportSections,
    private readonly care: CareCircleService,
  ) {}

  onModuleInit(): void {
    // The owner's export lists their circle and grants; a member's lists whom they care for (never the data).
    this.exportSections.register('care_circle', (userId) => this.care.exportOf(userId));
  }
}
