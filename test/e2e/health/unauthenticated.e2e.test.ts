import { describe, it } from 'vitest';
import { appSuite } from '../../support/app.js';
import { crudRoutes, expectUnauthenticated, type Route } from '../../support/health.js';

/** Every route of the health suites in this folder, by suite: each answers 401 without a token. */
const ROUTES: Record<string, Route[]> = {
  'vitals and food (legacy /api/health too)': [
    ...crudRoutes('/api/vitals'),
    ...crudRoutes('/api/food-logs'),
    'GET /api/health/vitals',
    'POST /api/health/vitals',
    'GET /api/health/food/logs',
    'POST /api/health/food/log',
  ],
  'lab results': crudRoutes('/api/lab-results'),
  'profile and tracking': [
    ...(['GET', 'POST', 'PUT', 'DELETE'] as const).map((m): Route => `${m} /api/profile`),
    ...['water', 'sleep', 'exercise', 'mood'].flatMap((kind): Route[] => [
      `POST /api/tracking/${kind}/log`,
      `GET /api/tracking/${kind}/history`,
    ]),
  ],
  'medication, dose logs, schedules, adherence': [
    ...crudRoutes('/api/medication'),
    'POST /api/medication/log',
    'GET /api/medication/logs',
    'GET /api/medication/adherence',
    'GET /api/medication/schedule',
    'POST /api/medication/schedule',
    ...crudRoutes('/api/medication-schedules'),
  ],
  'meditation and appointments': [
    ...crudRoutes('/api/meditation/sessions').filter((r) => !r.startsWith('PUT')),
    'POST /api/meditation/sessions/batch',
    'POST /api/meditation/log',
    'GET /api/meditation/history',
    ...crudRoutes('/api/appointments'),
    'POST /api/appointments/batch',
  ],
  'emergency contacts, alerts, account erase and export': [
    ...crudRoutes('/api/emergency-contacts'),
    'POST /api/emergency-contacts/batch',
    'POST /api/emergency/alert',
    'DELETE /api/auth/me',
    'GET /api/auth/me/export',
  ],
  insights: ['GET /api/health/insights', 'GET /api/health/recommendations'],
};

describe('401 without a token on every health route', () => {
  const { t } = appSuite({ users: 0 });

  it.each(Object.entries(ROUTES))('%s', async (_, routes) => {
    await expectUnauthenticated(t, routes);
  });
});
