import {
  activityTypes,
  contactSources,
  lifecycleStages,
  type ScoringCondition,
  type ScoringRule,
} from '@custodian/contracts';

export type ConditionKind = ScoringCondition['kind'];
export const conditionKinds: readonly ConditionKind[] = [
  'activity',
  'lifecycle_stage',
  'source',
  'field_present',
  'open_deal',
  'tag',
];
export const kindWords: Record<ConditionKind, string> = {
  activity: 'Activities within a time',
  lifecycle_stage: 'Lifecycle stage',
  source: 'Source',
  field_present: 'A field holds a value',
  open_deal: 'In an open deal',
  tag: 'Carries a tag',
};

type ActivityType = (typeof activityTypes)[number];
type Stage = (typeof lifecycleStages)[number];
type Source = (typeof contactSources)[number];

/** The rule form's state: every kind's inputs at once, so switching kind keeps what was typed. */
export type RuleDraft = {
  name: string;
  points: string;
  active: boolean;
  kind: ConditionKind;
  types: ActivityType[];
  withinDays: string;
  maxCount: string;
  stages: Stage[];
  sources: Source[];
  field: string;
  pipelineId: string;
  stageIds: string[];
  tagIds: string[];
};

export const emptyRule = (): RuleDraft => ({
  name: '',
  points: '10',
  active: true,
  kind: 'activity',
  types: ['call', 'meeting'],
  withinDays: '30',
  maxCount: '1',
  stages: [],
  sources: [],
  field: 'jobTitle',
  pipelineId: '',
  stageIds: [],
  tagIds: [],
});

export function ruleDraftOf(rule: ScoringRule): RuleDraft {
  const d: RuleDraft = {
    ...emptyRule(),
    name: rule.name,
    points: String(rule.points),
    active: rule.active,
    kind: rule.condition.kind,
  };
  const c = rule.condition;
  if (c.kind === 'activity')
    return { ...d, types: c.types, withinDays: String(c.withinDays), maxCount: String(c.maxCount) };
  if (c.kind === 'lifecycle_stage') return { ...d, stages: c.stages };
  if (c.kind === 'source') return { ...d, sources: c.sources };
  if (c.kind === 'field_present') return { ...d, field: c.field };
  if (c.kind === 'tag') return { ...d, tagIds: c.tagIds };
  return { ...d, pipelineId: c.pipelineId ?? '', stageIds: c.stageIds ?? [] };
}

// Text that is no whole number goes as a number the contract's range refuses, so the server names the field.
const whole = (text: string, invalid: number) => (/^-?\d+$/.test(text.trim()) ? Number(text) : invalid);

export function conditionOf(d: RuleDraft): ScoringCondition {
  switch (d.kind) {
    case 'activity':
      return {
        kind: 'activity',
        types: d.types,
        withinDays: whole(d.withinDays, 0),
        maxCount: whole(d.maxCount, 0),
      };
    case 'lifecycle_stage':
      return { kind: 'lifecycle_stage', stages: d.stages };
    case 'source':
      return { kind: 'source', sources: d.sources };
    case 'field_present':
      return { kind: 'field_present', field: d.field };
    case 'tag':
      return { kind: 'tag', tagIds: d.tagIds };
    case 'open_deal':
      return {
        kind: 'open_deal',
        ...(d.pipelineId ? { pipelineId: d.pipelineId } : {}),
        ...(d.stageIds.length > 0 ? { stageIds: d.stageIds } : {}),
      };
  }
}

export const ruleBodyOf = (d: RuleDraft) => ({
  name: d.name,
  points: whole(d.points, 0),
  active: d.active,
  condition: conditionOf(d),
});

export { activityTypes, contactSources, lifecycleStages };
