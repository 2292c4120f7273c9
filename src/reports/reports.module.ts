import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { ShareLinkEntity } from '../auth/entities/share-link.entity.js';
import { HealthDataModule } from '../health-data/health-data.module.js';
import { DoctorReportService } from './doctor-report.service.js';
import { ReportsController, SharedReportController } from './reports.controller.js';
import { ShareLinksService } from './share-links.service.js';

/**
 * The doctor's report (PDF/HTML, docs/reports.md) and its share links. Exports DoctorReportService so other
 * modules (the care circle) can serve `summaryFor(ownerId, …)` after their own access check.
 */
@Module({
  imports: [AuthModule, HealthDataModule, TypeOrmModule.forFeature([ShareLinkEntity])],
  controllers: [ReportsController, SharedReportController],
  providers: [DoctorReportService, ShareLinksService],
  exports: [DoctorReportService],
})
export class ReportsModule {}
