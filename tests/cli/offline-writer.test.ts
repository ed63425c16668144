import { expect, test } from 'vitest';
import { z } from 'zod';
import { makeOfflineWriter } from '../../src/cli/offline/writer.ts';
import { draftAnswerSchema } from '../../src/orchestrator/stages/draft.ts';

const brief = { topic: 'Remote onboarding for small teams', keyphrase: 'remote onboarding', keywords: [] };

test('the offline writer answers a schema that gained a field, and answers the same prompt the same way', async () => {
  const writer = makeOfflineWriter(brief);
  const schema = draftAnswerSchema.extend({ takeaway: z.string(), tags: z.array(z.string()), rank: z.number().nullable() });
  const request = { stage: 'draft', schemaName: 'draft', schema, system: 'system', user: 'no evidence' };
  const first = await writer.generate(request);
  expect(first.data.takeaway).toBe(first.data.metaDescription);
  expect(first.data.tags).toEqual([]);
  expect(first.data.rank).toBeNull();
  expect(first.data.markdown).toContain('## Next steps');
  expect(first.usage.inputTokens).toBeGreaterThan(0);
  expect(await writer.generate(request)).toEqual(first);
});

test('the offline writer refuses a call it does not know', async () => {
  await expect(makeOfflineWriter(brief).generate({ stage: 'x', schemaName: 'mystery', schema: z.object({}), system: '', user: '' })).rejects.toThrow('no answer for "mystery"');
});
