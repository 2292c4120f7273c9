import { RecordController } from '../records/record-controller.js';
import { ProfileDto, ProfileResponseDto } from './profile.dto.js';
import { ProfileService } from './profile.service.js';

/** One profile per user: the routes take no id. */
@RecordController<ProfileController>({
  path: 'api/profile',
  tag: 'profile',
  resource: (c) => c.profiles,
  dto: { response: ProfileResponseDto, create: ProfileDto, update: ProfileDto },
  routes: {
    get: { summary: 'Your profile (all fields null/empty when none was saved yet)' },
    create: {
      summary: 'Create your profile (200, as the original); 400 when one exists — use PUT',
      status: 200,
      errors: [400, 413, 422],
    },
    update: {
      summary: 'Create or update your profile: only the fields sent change; null clears a field',
      errors: [400, 413, 422],
    },
    remove: { summary: 'Erase your profile (idempotent)' },
  },
})
export class ProfileController {
  constructor(readonly profiles: ProfileService) {}
}
