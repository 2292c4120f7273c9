import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/decorators.js';
import { newId } from '../../common/ids.js';
import type { Payload } from '../../locusgraph/locusgraph.types.js';
import { FOOD } from '../food/food.record.js';
import { LAB_LOOKBACK_DAYS, LAB_RESULT } from '../lab/lab.record.js';
import { MedicationService } from '../medication/medication.service.js';
import { PROFILE } from '../profile/profile.record.js';
import type { RecordSpec } from '../records/record-spec.js';
import { RecordStore } from '../records/record-store.js';
import { addDays, localDate, zonedIso } from '../records/time.js';
import { EXERCISE, MOOD, SLEEP, WATER } from '../tracking/tracking.record.js';
import { VITALS } from '../vitals/vitals.record.js';
import { analyze, type InsightInput, type InsightResult } from './analyze.js';
import type {
  HealthInsightResponseDto,
  HealthRecommendationsResponseDto,
  InsightsQuery,
  RecommendationsQuery,
} from './insights.dto.js';
import { confidence, insightText, recommendations } from './report.js';

/** Most records of one type read for one analysis (a year of several readings a day). */
const MAX_PER_TYPE = 5000;
/** HbA1c is tested every 3–6 months: the insight reads the latest results of two years, whatever the window. */
const HBA1C_MAX = 10;

/** Loads the caller's records of the window and runs the pure analysis (insights/analyze.ts). */
@Injectable()
export class InsightsService {
  constructor(
    private readonly store: RecordStore,
    private readonly medication: MedicationService,
  ) {}

  private async analyse(
    user: AuthUser,
    days: number,
  ): Promise<{ result: InsightResult; zone: string; now: Date }> {
    const c = await this.store.caller(user);
    const now = this.store.now();
    const from = new Date(now.getTime() - days * 86400_000);
    const load = async <P extends Payload>(spec: RecordSpec<P>): Promise<P[]> =>
      (
        await this.store
          .repo(spec)
          .list(c, { from, to: new Date(now.getTime() + 1), limit: MAX_PER_TYPE, order: 'asc' })
      ).map((r) => r.payload);
    const today = localDate(now, c.zone);
    const [vitals, water, sleep, mood, exercise, food, adherence, profile, hba1c] = await Promise.all([
      load(VITALS),
      load(WATER),
      load(SLEEP),
      load(MOOD),
      load(EXERCISE),
      load(FOOD),
      this.medication.adherence(user, {
        date_from: addDays(today, -(Math.min(days, 92) - 1)),
        date_to: today,
      }),
      this.store.repo(PROFILE).find(c, c.userId),
      this.store.repo(LAB_RESULT).list(c, {
        from: new Date(now.getTime() - LAB_LOOKBACK_DAYS * 86400_000),
        to: new Date(now.getTime() + 1),
        where: { test: 'hba1c' },
        limit: HBA1C_MAX,
        order: 'desc',
      }),
    ]);
    const input: InsightInput = {
      zone: c.zone,
      now,
      windowDays: days,
      vitals,
      water,
      sleep,
      mood,
      exercise,
      food,
      adherence: adherence.by_schedule.length ? adherence.overall : null,
      weightKg: profile?.payload.weight_kg ?? null,
      hba1c: hba1c.map((r) => r.payload).reverse(),
      hba1cTarget: profile?.payload.hba1c_target ?? null,
    };
    return { result: analyze(input), zone: c.zone, now };
  }

  async insights(user: AuthUser, q: InsightsQuery): Promise<HealthInsightResponseDto> {
    const { result, zone, now } = await this.analyse(user, q.days);
    const text = insightText(q.insight_type, result, q.days);
    return {
      id: newId(),
      user_id: user.id,
      insight_type: q.insight_type,
      insight: text.insight,
      recommendation: text.recommendation,
      confidence: confidence(text.points),
      created_at: zonedIso(now, zone),
      data_points_analyzed: text.points,
      context: {
        insight_type: q.insight_type,
        query: `health data user ${user.id} ${q.insight_type} last ${q.days} days`,
        window_days: q.days,
      },
      findings: text.findings,
    };
  }

  async recommendations(user: AuthUser, q: RecommendationsQuery): Promise<HealthRecommendationsResponseDto> {
    const { result, zone, now } = await this.analyse(user, q.days);
    const { items, summary } = recommendations(result, q.days, q);
    return {
      id: newId(),
      user_id: user.id,
      recommendations: items,
      summary,
      confidence: confidence(result.data_points_analyzed),
      created_at: zonedIso(now, zone),
      data_points_analyzed: result.data_points_analyzed,
    };
  }
}
