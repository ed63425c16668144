import { describe, expect, test } from 'vitest';
import {
  applicationPasswordSchema,
  destinationConfigSchema,
  validateDestinationUrl,
  webhookDestinationSchema,
} from '../../src/publish/types.ts';

describe('validateDestinationUrl', () => {
  test('https is fine anywhere', () => {
    expect(validateDestinationUrl('https://hooks.example.com/content')).toBeNull();
    expect(validateDestinationUrl('  https://blog.example.com  ')).toBeNull();
  });

  test('http only for localhost and 127.0.0.1', () => {
    expect(validateDestinationUrl('http://localhost:8080/hook')).toBeNull();
    expect(validateDestinationUrl('http://127.0.0.1:3000/hook')).toBeNull();
    expect(validateDestinationUrl('http://hooks.example.com/content')).toBe(
      'The URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1).',
    );
    expect(validateDestinationUrl('http://127.0.0.2/hook')).not.toBeNull();
  });

  test('other schemes, fragments of URLs and credentials are refused with a sentence', () => {
    expect(validateDestinationUrl('')).toBe('Enter a URL.');
    expect(validateDestinationUrl('example.com/hook')).toMatch(/^Enter a full URL/);
    expect(validateDestinationUrl('ftp://example.com/hook')).toBe('The URL must start with https://.');
    expect(validateDestinationUrl('https://user:pass@example.com/hook')).toMatch(/^Remove the user name and password/);
  });
});

describe('destination schemas', () => {
  test('a webhook config carries the URL rule as its message', () => {
    const result = webhookDestinationSchema.safeParse({ kind: 'webhook', url: 'http://example.com' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/must start with https/);
    expect(webhookDestinationSchema.parse({ kind: 'webhook', url: ' https://example.com/h ' }).url).toBe('https://example.com/h');
  });

  test('the union tells kinds apart and leaves secrets out', () => {
    expect(destinationConfigSchema.parse({ kind: 'slack_channel', channelId: 'C0123ABC' })).toEqual({ kind: 'slack_channel', channelId: 'C0123ABC' });
    const wordpress = destinationConfigSchema.parse({
      kind: 'wordpress',
      siteUrl: 'https://blog.example.com',
      username: 'editor',
      status: 'draft',
      applicationPassword: 'never kept',
    });
    expect(wordpress).not.toHaveProperty('applicationPassword');
    expect(destinationConfigSchema.safeParse({ kind: 'wordpress', siteUrl: 'https://x.test', username: '', status: 'draft' }).success).toBe(false);
  });

  test('an application password as WordPress shows it', () => {
    expect(applicationPasswordSchema.parse('abcd EFGH 1234 ijkl MNOP 5678')).toBe('abcdEFGH1234ijklMNOP5678');
    expect(applicationPasswordSchema.safeParse('my normal password').success).toBe(false);
  });
});
