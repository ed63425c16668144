import { ghostAdminKeySchema, ghostDestinationSchema, type GhostConfig } from '../../domain/destinations.ts';
import { checkGhost, type GhostCall, publishToGhost } from '../ghost.ts';
import { defineDestinationAdapter, type DestinationCallContext } from './adapter.ts';
import { originOf } from './origin.ts';

const callOf = ({ secret, timeoutMs, network }: DestinationCallContext<GhostConfig>): GhostCall => ({ adminKey: secret, timeoutMs, network });

/** A Ghost site through its Admin API: the post as a draft, published, or published and emailed to a newsletter. */
export const ghostAdapter = defineDestinationAdapter<GhostConfig>({
  kind: 'ghost',
  label: 'Ghost',
  shortLabel: 'Ghost',
  addLabel: 'Add a Ghost site',
  editTitle: 'Edit Ghost site',
  namePlaceholder: 'Company blog on Ghost',
  configSchema: ghostDestinationSchema,
  fields: [
    {
      type: 'text',
      name: 'adminUrl',
      blockId: 'destination_ghost_url',
      label: 'Admin API URL',
      placeholder: 'https://blog.example.com',
      maxLength: 2000,
      hint: 'Settings → Integrations → your custom integration shows it.',
    },
    {
      type: 'text',
      name: 'newsletter',
      blockId: 'destination_ghost_newsletter',
      label: 'Newsletter to email (slug)',
      placeholder: 'default-newsletter',
      maxLength: 191,
      hint: 'Only needed to email posts; leave empty otherwise.',
      optional: true,
    },
    {
      type: 'radio',
      name: 'mode',
      blockId: 'destination_ghost_mode',
      label: 'Posts are',
      options: [
        { label: 'Saved as a draft', value: 'draft' },
        { label: 'Published', value: 'publish' },
        { label: 'Published and emailed to the newsletter', value: 'publish_and_email' },
      ],
      initial: 'draft',
    },
  ],
  secret: {
    blockId: 'destination_ghost_key',
    label: 'Admin API key',
    editLabel: 'New Admin API key',
    placeholder: '24 hex digits:64 hex digits',
    maxLength: 100,
    hint: 'The Admin API key of a custom integration (Settings → Integrations).',
    schema: ghostAdminKeySchema,
    missing: 'Paste the Admin API key Ghost showed you.',
    scope: (config) => originOf((config as Partial<GhostConfig>).adminUrl),
  },
  makesPostLink: true,
  summary: (config) => (config.mode === 'publish_and_email' ? `${config.adminUrl} · emails “${config.newsletter}”` : config.adminUrl),
  test: (context) => checkGhost(context.config, callOf(context)),
  publish: (context) => publishToGhost({ config: context.config, call: callOf(context), content: context.content }),
  // publish looks the post up by its deterministic slug and this revision's tag before creating one,
  // so publishing again is itself the reconciliation (and the newsletter goes out once).
  reconcile: async () => ({ outcome: 'absent' }),
});
