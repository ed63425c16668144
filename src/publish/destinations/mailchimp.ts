import { mailchimpApiKeySchema, mailchimpDestinationSchema, type MailchimpConfig } from '../../domain/destinations.ts';
import { campaignDelivered, campaignTitle, findCampaignByTitle, isCampaignFinished, type MailchimpCall, publishToMailchimp, sendMailchimpTest } from '../mailchimp.ts';
import { defineDestinationAdapter, type DestinationCallContext } from './adapter.ts';

export type MailchimpAdapterDeps = {
  /** MAILCHIMP_API_URL: replaces https://<prefix>.api.mailchimp.com (tests, proxies). */
  apiUrl: string | undefined;
  now?: () => Date;
};

/** A Mailchimp audience: the plan's newsletter variant becomes a campaign, scheduled, sent, or saved as a draft. */
export function makeMailchimpAdapter({ apiUrl, now = () => new Date() }: MailchimpAdapterDeps) {
  const callOf = ({ secret, timeoutMs, network }: DestinationCallContext<MailchimpConfig>): MailchimpCall => ({ apiUrl, apiKey: secret, timeoutMs, network });
  return defineDestinationAdapter<MailchimpConfig>({
    kind: 'mailchimp',
    label: 'Mailchimp audience',
    shortLabel: 'Mailchimp',
    addLabel: 'Add a Mailchimp audience',
    editTitle: 'Edit Mailchimp audience',
    namePlaceholder: 'Monthly newsletter',
    configSchema: mailchimpDestinationSchema,
    fields: [
      {
        type: 'text',
        name: 'serverPrefix',
        blockId: 'destination_mailchimp_server',
        label: 'Server prefix',
        placeholder: 'us21',
        maxLength: 20,
        hint: 'The letters and digits after the dash at the end of the API key.',
      },
      {
        type: 'text',
        name: 'listId',
        blockId: 'destination_mailchimp_audience',
        label: 'Audience ID',
        placeholder: 'a1b2c3d4e5',
        maxLength: 20,
        hint: 'Audience → Settings → Audience name and defaults.',
      },
      { type: 'text', name: 'fromName', blockId: 'destination_mailchimp_from_name', label: 'From name', placeholder: 'Acme Newsletter', maxLength: 100 },
      { type: 'text', name: 'replyTo', blockId: 'destination_mailchimp_reply_to', label: 'Reply-to address', placeholder: 'news@example.com', maxLength: 254 },
      {
        type: 'text',
        name: 'testEmail',
        blockId: 'destination_mailchimp_test_email',
        label: 'Test emails go to',
        placeholder: 'you@example.com',
        maxLength: 254,
        hint: 'Test in the list sends a test email here.',
      },
      {
        type: 'radio',
        name: 'delivery',
        blockId: 'destination_mailchimp_delivery',
        label: 'At the destination’s time',
        options: [
          { label: 'Schedule the campaign (at the next quarter hour)', value: 'schedule' },
          { label: 'Send the campaign', value: 'send' },
          { label: 'Save as a draft campaign', value: 'draft' },
        ],
        initial: 'schedule',
      },
    ],
    secret: {
      blockId: 'destination_mailchimp_api_key',
      label: 'API key',
      editLabel: 'New API key',
      placeholder: '0123456789abcdef0123456789abcdef-us21',
      maxLength: 64,
      hint: 'Create one in Mailchimp under Profile → Extras → API keys.',
      schema: mailchimpApiKeySchema,
      missing: 'Paste the API key Mailchimp showed you.',
      scope: (config) => String((config as Partial<MailchimpConfig>).serverPrefix ?? '').trim().toLowerCase(),
    },
    summary: (config) => `audience ${config.listId} (${config.serverPrefix})`,
    test: (context) => sendMailchimpTest(context.config, callOf(context)),
    publish: (context) =>
      publishToMailchimp({
        config: context.config,
        call: callOf(context),
        content: context.content,
        idempotencyKey: context.idempotencyKey,
        attemptStartedAt: context.attemptStartedAt,
        scheduledAt: context.scheduledAt,
        link: context.link,
        now: now(),
      }),
    // A campaign is found by the title that carries the attempt's key. One that is not finished yet
    // (created, then the answer was lost) counts as absent: publishing finds it by title and carries on.
    async reconcile(context) {
      const found = await findCampaignByTitle(context.config, callOf(context), { title: campaignTitle(context.content, context.idempotencyKey), since: context.attemptStartedAt });
      // When the list cannot be read, publishing reads it again before it creates anything.
      const campaign = found.ok ? found.value : undefined;
      if (campaign === undefined || !isCampaignFinished(campaign, context.config)) return { outcome: 'absent' };
      return { outcome: 'found', result: campaignDelivered(campaign, context.config) };
    },
  });
}
