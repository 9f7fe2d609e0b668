import {
  type ConsentStatus,
  consentStatuses,
  contactSources,
  lifecycleStages,
  type Purpose,
  type SegmentFilter,
} from '@custodian/contracts';

type Stage = (typeof lifecycleStages)[number];
type Source = (typeof contactSources)[number];

/** The rule builder's state: text as typed, turned into the contract's filter when sent. */
export type SegmentDraft = {
  stages: Stage[];
  sources: Source[];
  createdFrom: string;
  createdTo: string;
  activeWithinDays: string;
  inactiveForDays: string;
  consentPurpose: '' | Purpose;
  consentStatuses: ConsentStatus[];
  hasEmail: '' | 'yes' | 'no';
  dealStageIds: string[];
  tagIds: string[];
  excludeTagIds: string[];
  /** Conditions the builder does not edit (owners, companies, custom fields set through the API): kept as they are. */
  kept: SegmentFilter;
};

export const emptyDraft = (): SegmentDraft => ({
  stages: [],
  sources: [],
  createdFrom: '',
  createdTo: '',
  activeWithinDays: '',
  inactiveForDays: '',
  consentPurpose: '',
  consentStatuses: ['given'],
  hasEmail: '',
  dealStageIds: [],
  tagIds: [],
  excludeTagIds: [],
  kept: {},
});

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');

export function draftOf(filter: SegmentFilter): SegmentDraft {
  const {
    lifecycleStages: stages,
    sources,
    createdFrom,
    createdTo,
    activeWithinDays,
    inactiveForDays,
    consent,
    hasEmail,
    dealStageIds,
    tagIds,
    excludeTagIds,
    ...kept
  } = filter;
  return {
    stages: stages ?? [],
    sources: sources ?? [],
    createdFrom: day(createdFrom),
    createdTo: day(createdTo),
    activeWithinDays: activeWithinDays ? String(activeWithinDays) : '',
    inactiveForDays: inactiveForDays ? String(inactiveForDays) : '',
    consentPurpose: consent?.purpose ?? '',
    consentStatuses: consent?.statuses ?? ['given'],
    hasEmail: hasEmail === undefined ? '' : hasEmail ? 'yes' : 'no',
    dealStageIds: dealStageIds ?? [],
    tagIds: tagIds ?? [],
    excludeTagIds: excludeTagIds ?? [],
    kept,
  };
}

// Text that is not a whole number goes as -1, which the server refuses at the field (its range starts at 1).
const days = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : -1);

/** The filter the API takes; an empty condition is left out (an empty filter is everyone). */
export function filterOf(d: SegmentDraft): SegmentFilter {
  const f: SegmentFilter = { ...d.kept };
  if (d.stages.length > 0) f.lifecycleStages = d.stages;
  if (d.sources.length > 0) f.sources = d.sources;
  // Days in the browser's time zone: from its first moment, to its last.
  if (d.createdFrom) f.createdFrom = new Date(`${d.createdFrom}T00:00:00`).toISOString();
  if (d.createdTo) f.createdTo = new Date(`${d.createdTo}T23:59:59.999`).toISOString();
  if (d.activeWithinDays.trim()) f.activeWithinDays = days(d.activeWithinDays);
  if (d.inactiveForDays.trim()) f.inactiveForDays = days(d.inactiveForDays);
  if (d.consentPurpose) f.consent = { purpose: d.consentPurpose, statuses: d.consentStatuses };
  if (d.hasEmail) f.hasEmail = d.hasEmail === 'yes';
  if (d.dealStageIds.length > 0) f.dealStageIds = d.dealStageIds;
  if (d.tagIds.length > 0) f.tagIds = d.tagIds;
  if (d.excludeTagIds.length > 0) f.excludeTagIds = d.excludeTagIds;
  return f;
}

export const toggle = <T>(list: T[], value: T, on: boolean): T[] =>
  on ? [...list, value] : list.filter((v) => v !== value);

export { consentStatuses, contactSources, lifecycleStages };
