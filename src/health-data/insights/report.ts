import { PRIORITY_ORDER, type Category, type Finding, type InsightResult, type Priority } from './analyze.js';

/**
 * Turns findings into the original's response shapes: one insight text for an `insight_type`, and
 * recommendation items with its filters. Pure; no text without the user's numbers.
 */

export const INSIGHT_TYPES = [
  'overall',
  'vitals',
  'medication',
  'food',
  'hydration',
  'sleep',
  'mood',
  'exercise',
  'lab',
] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];

const CATEGORIES_OF: Record<InsightType, Category[] | null> = {
  overall: null,
  vitals: ['vitals'],
  medication: ['medication'],
  food: ['diet', 'hydration'],
  hydration: ['hydration'],
  sleep: ['sleep'],
  mood: ['mood'],
  exercise: ['exercise'],
  lab: ['lab'],
};

/** The original's recommendation categories (diet, exercise, medication, vitals, lifestyle). */
export const RECOMMENDATION_CATEGORY: Record<Category, string> = {
  vitals: 'vitals',
  medication: 'medication',
  diet: 'diet',
  hydration: 'diet',
  exercise: 'exercise',
  sleep: 'lifestyle',
  mood: 'lifestyle',
  // The original has no lab category; a lab value is a measurement like a vital sign.
  lab: 'vitals',
};

/** Confidence grows with the evidence: 0.3 with nothing, about 0.9 from 60 data points on. */
export function confidence(points: number): number {
  return Math.round(Math.min(0.9, 0.3 + points / 100) * 100) / 100;
}

export function insightText(
  type: InsightType,
  result: InsightResult,
  windowDays: number,
): { insight: string; recommendation: string; findings: Finding[]; points: number } {
  const cats = CATEGORIES_OF[type];
  const findings = cats ? result.findings.filter((f) => cats.includes(f.category)) : result.findings;
  const points = cats
    ? cats.reduce((a, c) => a + result.points_by_category[c], 0)
    : result.data_points_analyzed;
  if (!findings.length) {
    if (type === 'lab')
      return {
        insight: 'There is no HbA1c result to show yet.',
        recommendation:
          'Add your lab results (HbA1c, lipids, TSH…) as your reports arrive, so they can be compared.',
        findings,
        points,
      };
    const what = type === 'overall' ? 'health records' : `${type} records`;
    return {
      insight: `There ${points === 1 ? 'is' : 'are'} ${points} ${what} in the last ${windowDays} days to analyse, not enough to find a pattern.`,
      recommendation: `Log your ${type === 'overall' ? 'vitals, water, sleep and mood' : type} daily for the next ${windowDays} days so trends can be shown.`,
      findings,
      points,
    };
  }
  const top = findings.slice(0, 5);
  const actionable = top.filter((f) => f.actionable);
  return {
    insight: top.map((f) => f.message).join(' '),
    recommendation: (actionable.length ? actionable : top).map((f) => f.recommendation).join(' '),
    findings,
    points,
  };
}

export interface RecommendationItem {
  category: string;
  title: string;
  description: string;
  priority: Priority;
  actionable: boolean;
  estimated_impact: string | null;
}

export function recommendations(
  result: InsightResult,
  windowDays: number,
  filters: { categories?: string[]; priority_min?: Priority; actionable_only?: boolean },
): { items: RecommendationItem[]; summary: string } {
  let items: RecommendationItem[] = result.findings.map((f) => ({
    category: RECOMMENDATION_CATEGORY[f.category],
    title: f.title,
    description: `${f.message} ${f.recommendation}`,
    priority: f.priority,
    actionable: f.actionable,
    estimated_impact: f.estimated_impact,
  }));
  if (result.data_points_analyzed < 5) {
    items.push({
      category: 'lifestyle',
      title: 'Log your health data',
      description: `Only ${result.data_points_analyzed} record(s) were logged in the last ${windowDays} days; log blood pressure, water, sleep and mood daily so your trends can be found.`,
      priority: 'low',
      actionable: true,
      estimated_impact: 'Personal advice based on your own numbers',
    });
  }
  if (filters.categories?.length) items = items.filter((i) => filters.categories!.includes(i.category));
  if (filters.priority_min)
    items = items.filter((i) => PRIORITY_ORDER[i.priority] >= PRIORITY_ORDER[filters.priority_min!]);
  if (filters.actionable_only) items = items.filter((i) => i.actionable);
  const urgent = items.filter((i) => i.priority === 'high' || i.priority === 'urgent').length;
  let summary = `Based on analysis of your health data, we have ${items.length} recommendation(s) for you. `;
  if (urgent) summary += `Priority attention: ${urgent} high/urgent priority item(s).`;
  return { items, summary: summary.trim() };
}
