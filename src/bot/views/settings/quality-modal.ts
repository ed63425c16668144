import type { ModalView } from '@slack/types';
import type { WorkspaceSettings } from '../../../db/settings.ts';
import { context } from '../../blocks/format.ts';
import { SETTINGS_INPUT_ACTION as A, SETTINGS_MODALS } from '../../ids.ts';
import { inputBlock, readForm, settingsModal, wholeNumberSchema, type ParseResult, type SubmittedView } from './form.ts';

const { callbackId, blocks: B } = SETTINGS_MODALS.quality;

export const QUALITY_RANGES = {
  seoThreshold: { min: 0, max: 100 },
  readabilityThreshold: { min: 0, max: 100 },
  maxRefinements: { min: 0, max: 10 },
} as const;

export type QualitySettings = Pick<WorkspaceSettings, 'seoThreshold' | 'readabilityThreshold' | 'maxRefinements'>;

/** "Quality": the scores the optimisation loop aims for and how many SEO passes it may spend. */
export function buildQualityModal(current: QualitySettings): ModalView {
  const numberInput = (value: number, { min, max }: { min: number; max: number }) => ({
    type: 'number_input' as const,
    action_id: A,
    is_decimal_allowed: false,
    min_value: String(min),
    max_value: String(max),
    initial_value: String(value),
  });
  return settingsModal({
    callbackId,
    title: 'Quality',
    blocks: [
      inputBlock(B.seoThreshold, 'SEO score to reach', numberInput(current.seoThreshold, QUALITY_RANGES.seoThreshold), {
        hint: 'From 0 to 100. Drafts below it are revised.',
      }),
      inputBlock(
        B.readabilityThreshold,
        'Readability score to reach',
        numberInput(current.readabilityThreshold, QUALITY_RANGES.readabilityThreshold),
        { hint: 'From 0 to 100 (Flesch reading ease; 60 and up reads easily).' },
      ),
      inputBlock(B.maxRevisions, 'Most SEO passes per draft', numberInput(current.maxRefinements, QUALITY_RANGES.maxRefinements), {
        hint: 'From 0 to 10. Each SEO pass rewrites the draft with one more call to the model.',
      }),
      context('Changes apply to plans created from now on.'),
    ],
  });
}

export function parseQualitySubmission(view: SubmittedView): ParseResult<QualitySettings> {
  const form = readForm(view);
  const range = (key: keyof typeof QUALITY_RANGES) => wholeNumberSchema(QUALITY_RANGES[key].min, QUALITY_RANGES[key].max);
  const seoThreshold = form.check(B.seoThreshold, range('seoThreshold'), form.text(B.seoThreshold));
  const readabilityThreshold = form.check(B.readabilityThreshold, range('readabilityThreshold'), form.text(B.readabilityThreshold));
  const maxRefinements = form.check(B.maxRevisions, range('maxRefinements'), form.text(B.maxRevisions));
  return form.finish(() => ({
    seoThreshold: seoThreshold ?? 0,
    readabilityThreshold: readabilityThreshold ?? 0,
    maxRefinements: maxRefinements ?? 0,
  }));
}
