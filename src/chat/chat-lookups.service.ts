import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/decorators.js';
import { AppointmentsService } from '../health-data/appointments/appointments.service.js';
import { EmergencyService } from '../health-data/emergency/emergency.service.js';
import { ProfileService } from '../health-data/profile/profile.service.js';
import type { AppointmentView, ChatLookups } from './chat-actions.js';

/**
 * Reads the chat needs from modules it does not own: the next appointment (AppointmentsService, as
 * `GET /api/appointments?query_type=upcoming`), the profile's medical conditions (ProfileService), and the
 * primary emergency contact (EmergencyService, as `GET /api/emergency-contacts`: primary first).
 */
@Injectable()
export class ChatLookupsService implements ChatLookups {
  constructor(
    private readonly appointments: AppointmentsService,
    private readonly profile: ProfileService,
    private readonly emergency: EmergencyService,
  ) {}

  async nextAppointment(user: AuthUser): Promise<AppointmentView | null> {
    const [next] = await this.appointments.list(user, {
      query_type: 'upcoming',
      limit: 1,
      offset: 0,
      use_cache: false,
    });
    return next
      ? {
          title: next.title,
          doctor_name: next.doctor_name ?? null,
          location: next.location ?? null,
          scheduled_at: next.scheduled_at,
        }
      : null;
  }

  async medicalConditions(user: AuthUser): Promise<string[]> {
    const p = await this.profile.get(user);
    return (p.medical_conditions ?? []).filter((c) => typeof c === 'string' && c.trim()).slice(0, 10);
  }

  async primaryContact(
    user: AuthUser,
  ): Promise<{ name: string; phone: string; relationship: string | null } | null> {
    const [first] = await this.emergency.list(user, { limit: 1, offset: 0, use_cache: true });
    return first?.is_primary
      ? { name: first.name, phone: first.phone, relationship: first.relationship ?? null }
      : null;
  }
}
