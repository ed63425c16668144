import { webhookDestinationSchema, webhookSecretSchema, type WebhookConfig } from '../../domain/destinations.ts';
import { buildPublishBody } from '../html.ts';
import { deliverWebhook, pingWebhook } from '../webhook.ts';
import { defineDestinationAdapter } from './adapter.ts';
import { originOf } from './origin.ts';

/** A signed JSON POST of the whole post to a URL the admin gives. */
export const webhookAdapter = defineDestinationAdapter<WebhookConfig>({
  kind: 'webhook',
  label: 'Webhook',
  shortLabel: 'webhook',
  addLabel: 'Add a webhook',
  editTitle: 'Edit webhook',
  namePlaceholder: 'CMS webhook',
  configSchema: webhookDestinationSchema,
  fields: [
    {
      type: 'text',
      name: 'url',
      blockId: 'destination_url',
      label: 'URL',
      placeholder: 'https://example.com/hooks/content',
      maxLength: 2000,
      hint: 'https only (http is allowed for localhost). Each delivery is a signed JSON POST.',
    },
  ],
  secret: {
    blockId: 'destination_secret',
    label: 'Signing secret',
    editLabel: 'New signing secret',
    placeholder: 'At least 16 characters',
    maxLength: 256,
    hint: "The receiver checks each delivery's HMAC-SHA256 signature with it.",
    schema: webhookSecretSchema,
    missing: 'Enter a signing secret of at least 16 characters; the receiver needs the same one.',
    scope: (config) => originOf((config as Partial<WebhookConfig>).url),
  },
  summary: (config) => config.url,
  test: ({ config, secret, timeoutMs, network }) => pingWebhook({ url: config.url, secret, timeoutMs, network }),
  publish: ({ config, secret, content, idempotencyKey, timeoutMs, network }) =>
    deliverWebhook({ url: config.url, secret, body: buildPublishBody(content), idempotencyKey, timeoutMs, network }),
  // Re-sending with the same idempotency key is how a receiver settles a doubt: it drops a duplicate.
  reconcile: async () => ({ outcome: 'absent' }),
});
