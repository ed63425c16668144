import { expect, test } from 'vitest';
import { AppError } from '../../src/errors.ts';
test('AppError keeps its code', () => {
  expect(new AppError('NOT_FOUND', 'x').code).toBe('NOT_FOUND');
});
