import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

export interface ContactPayload {
  [k: string]: unknown;
  name: string;
  relationship: string | null;
  phone: string;
  is_primary: boolean;
  /** Reaches a Podd account with this e-mail (ReminderModule's emergency delivery). */
  email: string | null;
  /** Receives alerts as a POST (ReminderModule's emergency delivery). */
  webhook_url: string | null;
  user_id: string;
}

export interface AlertDelivery {
  contact_id: string;
  name: string;
  phone: string;
  relationship: string | null;
  is_primary: boolean;
  status: 'pending' | 'sent' | 'delivered' | 'failed';
  updated_at: string;
}

export interface AlertPayload {
  [k: string]: unknown;
  type: string;
  severity: string;
  description: string;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  status: string;
  deliveries: AlertDelivery[];
  user_id: string;
}

export type ContactView = RecordView<ContactPayload>;
export type AlertView = RecordView<AlertPayload>;

/** `emergency_contact:<id>`; `relationship`, `email`, `webhook_url` can be cleared; name/phone keep their value on null. */
export const EMERGENCY_CONTACT: RecordSpec<ContactPayload> = {
  type: 'emergency_contact',
  notFound: 'Emergency contact not found',
  kind: 'fact',
  fields: fieldsOf<ContactPayload>()('name', 'relationship', 'phone', 'is_primary', 'email', 'webhook_url'),
  clearable: ['relationship', 'email', 'webhook_url'],
  defaults: { is_primary: false },
  updatedAt: true,
};

/** `emergency_alert:<id>` — an alert raised by the user, with one delivery status per contact. */
export const EMERGENCY_ALERT: RecordSpec<AlertPayload> = {
  type: 'emergency_alert',
  notFound: 'Emergency alert not found',
  kind: 'action',
  fields: fieldsOf<AlertPayload>()(
    'type',
    'severity',
    'description',
    'location',
    'latitude',
    'longitude',
    'status',
    'deliveries',
  ),
  defaults: { deliveries: [] },
  updatedAt: false,
};
