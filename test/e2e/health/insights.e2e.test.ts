import { beforeAll, describe, expect, it } from 'vitest';
import { appSuite, registerUser } from '../../support/app.js';
import { expectQueryBounds } from '../../support/health.js';

const ago = (days: number): string => new Date(Date.now() - days * 86400_000).toISOString();

describe('GET /api/health/insights and /api/health/recommendations (from the user records)', () => {
  const { t, u } = appSuite();
  beforeAll(async () => {
    for (const [d, sys, dia, spo2] of [
      [3, 150, 96, 93],
      [2, 132, 84, 97],
      [1, 182, 110, 96],
    ]) {
      await t.as(u).post('/api/vitals', {
        blood_pressure_systolic: sys,
        blood_pressure_diastolic: dia,
        spo2,
        logged_at: ago(d),
      });
    }
    await t.as(u).post('/api/tracking/water/log', { amount_ml: 600, logged_at: ago(1) });
  });

  it('insights name the out-of-range readings and count the data points', async () => {
    const res = await t.as(u).get('/api/health/insights?insight_type=vitals');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user_id: u.id,
      insight_type: 'vitals',
      data_points_analyzed: 3,
      context: { insight_type: 'vitals', window_days: 30 },
    });
    expect(res.body.insight).toContain(
      '2 of 3 blood pressure readings were at or above 140/90 mmHg (highest 182/110',
    );
    expect(res.body.insight).toContain('1 of 3 oxygen saturation readings was outside 95 % or more');
    expect(res.body.findings.map((f: { key: string }) => f.key)).toEqual(
      expect.arrayContaining(['bp_high', 'spo2_low']),
    );
    expect(res.body.findings[0]).toMatchObject({ key: 'bp_high', priority: 'urgent' });
    const overall = await t.as(u).get('/api/health/insights');
    expect(overall.body.insight_type).toBe('overall');
    expect(overall.body.data_points_analyzed).toBe(4);
    expect(overall.body.insight).toContain('600 ml a day against a goal of 2,000 ml');
    // A new user has nothing to analyse: the text says so with the numbers.
    const v = await registerUser(t);
    const empty = await t.as(v).get('/api/health/insights?days=7');
    expect(empty.body.insight).toBe(
      'There are 0 health records in the last 7 days to analyse, not enough to find a pattern.',
    );
    await expectQueryBounds(t, u, '/api/health/insights', 'days', ['1', '365'], ['0', '366']);
    await expectQueryBounds(
      t,
      u,
      '/api/health/insights',
      'insight_type',
      ['overall', 'vitals', 'medication', 'food', 'sleep', 'mood'],
      ['weather'],
    );
  });

  it('recommendations have the original shape and filters', async () => {
    const res = await t.as(u).get('/api/health/recommendations');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([
      'confidence',
      'created_at',
      'data_points_analyzed',
      'id',
      'recommendations',
      'summary',
      'user_id',
    ]);
    expect(res.body.recommendations[0]).toMatchObject({
      category: 'vitals',
      priority: 'urgent',
      actionable: true,
    });
    expect(Object.keys(res.body.recommendations[0]).sort()).toEqual([
      'actionable',
      'category',
      'description',
      'estimated_impact',
      'priority',
      'title',
    ]);
    expect(res.body.summary).toMatch(
      /^Based on analysis of your health data, we have \d+ recommendation\(s\) for you\. Priority attention: \d+ high\/urgent priority item\(s\)\.$/,
    );
    const diet = await t.as(u).get('/api/health/recommendations?categories=diet');
    expect(diet.body.recommendations.every((r: { category: string }) => r.category === 'diet')).toBe(true);
    const two = await t
      .as(u)
      .get('/api/health/recommendations?categories=diet&categories=vitals&priority_min=urgent');
    expect(two.body.recommendations.map((r: { priority: string }) => r.priority)).toEqual(['urgent']);
    await expectQueryBounds(
      t,
      u,
      '/api/health/recommendations',
      'priority_min',
      ['low', 'urgent'],
      ['critical'],
    );
    await expectQueryBounds(t, u, '/api/health/recommendations', 'actionable_only', ['true'], ['perhaps']);
  });
});
