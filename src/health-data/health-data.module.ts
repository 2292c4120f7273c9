import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AccountController } from './account/account.controller.js';
import { AccountService } from './account/account.service.js';
import { AccountExportSections } from './account/export-sections.js';
import { AppointmentsController } from './appointments/appointments.controller.js';
import { AppointmentsService } from './appointments/appointments.service.js';
import { EmergencyAlertChannel } from './emergency/alert-channel.js';
import { EmergencyAlertController, EmergencyContactsController } from './emergency/emergency.controller.js';
import { EmergencyService } from './emergency/emergency.service.js';
import { FhirExportService } from './fhir/fhir-export.service.js';
import { FoodLogsController } from './food/food.controller.js';
import { FoodService } from './food/food.service.js';
import { InsightsService } from './insights/insights.service.js';
import { LabResultsController } from './lab/lab.controller.js';
import { LabService } from './lab/lab.service.js';
import { HealthController } from './legacy/health.controller.js';
import { MedicationSchedulesController } from './medication/medication-schedules.controller.js';
import { MedicationController } from './medication/medication.controller.js';
import { MedicationReadModel } from './medication/medication.read-model.js';
import { MedicationService } from './medication/medication.service.js';
import { MeditationController } from './meditation/meditation.controller.js';
import { MeditationService } from './meditation/meditation.service.js';
import { ProfileController } from './profile/profile.controller.js';
import { ProfileService } from './profile/profile.service.js';
import { RecordStore } from './records/record-store.js';
import { TrackingController } from './tracking/tracking.controller.js';
import { TrackingService } from './tracking/tracking.service.js';
import { VitalsController } from './vitals/vitals.controller.js';
import { VitalsService } from './vitals/vitals.service.js';

/**
 * Every health route of the original API over the LocusGraphGateway (provided globally by LocusGraphModule),
 * through the typed record layer (records/). Exports what other modules need: the user's time zone
 * (ProfileService.timezoneOf), the record layer, medication adherence and its read model for reminders, the emergency-alert channel
 * and the account export's extra sections.
 */
@Module({
  // Auth: account erasure ends the sessions and removes the account row; the export includes the account.
  imports: [AuthModule],
  controllers: [
    ProfileController,
    HealthController,
    FoodLogsController,
    VitalsController,
    LabResultsController,
    TrackingController,
    MedicationController,
    MedicationSchedulesController,
    MeditationController,
    AppointmentsController,
    EmergencyContactsController,
    EmergencyAlertController,
    AccountController,
  ],
  providers: [
    RecordStore,
    ProfileService,
    FoodService,
    VitalsService,
    LabService,
    TrackingService,
    MedicationService,
    MedicationReadModel,
    MeditationService,
    AppointmentsService,
    EmergencyService,
    EmergencyAlertChannel,
    InsightsService,
    AccountService,
    AccountExportSections,
    FhirExportService,
  ],
  exports: [
    AccountExportSections,
    RecordStore,
    ProfileService,
    MedicationService,
    MedicationReadModel,
    EmergencyService,
    EmergencyAlertChannel,
    VitalsService,
    LabService,
    FoodService,
    TrackingService,
    AppointmentsService,
  ],
})
export class HealthDataModule {}
