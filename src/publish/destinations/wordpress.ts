import { applicationPasswordSchema, wordpressDestinationSchema, type WordpressConfig } from '../../domain/destinations.ts';
import { checkWordpressAuth, publishToWordpress } from '../wordpress.ts';
import { defineDestinationAdapter } from './adapter.ts';
import { originOf } from './origin.ts';

const asDestination = (config: WordpressConfig, applicationPassword: string) => ({ ...config, applicationPassword });

/** A WordPress site through its REST API, signed in with an application password. */
export const wordpressAdapter = defineDestinationAdapter<WordpressConfig>({
  kind: 'wordpress',
  label: 'WordPress',
  shortLabel: 'WordPress',
  addLabel: 'Add a WordPress site',
  editTitle: 'Edit WordPress site',
  namePlaceholder: 'Company blog',
  configSchema: wordpressDestinationSchema,
  fields: [
    {
      type: 'text',
      name: 'siteUrl',
      blockId: 'destination_site_url',
      label: 'Site URL',
      placeholder: 'https://blog.example.com',
      maxLength: 2000,
      hint: 'https only (http is allowed for localhost).',
    },
    { type: 'text', name: 'username', blockId: 'destination_username', label: 'WordPress user name', placeholder: 'content-bot', maxLength: 60 },
    {
      type: 'radio',
      name: 'status',
      blockId: 'destination_status',
      label: 'Posts are',
      options: [
        { label: 'Save as a draft', value: 'draft' },
        { label: 'Publish right away', value: 'publish' },
      ],
      initial: 'draft',
    },
  ],
  secret: {
    blockId: 'destination_app_password',
    label: 'Application password',
    editLabel: 'New application password',
    placeholder: 'abcd efgh ijkl mnop qrst uvwx',
    maxLength: 64,
    hint: 'Create one in WordPress under Users → Profile → Application Passwords.',
    schema: applicationPasswordSchema,
    missing: 'Paste the application password WordPress showed you.',
    scope: (config) => {
      const { siteUrl, username } = config as Partial<WordpressConfig>;
      return `${originOf(siteUrl)} ${(username ?? '').trim()}`;
    },
  },
  makesPostLink: true,
  summary: (config) => config.siteUrl,
  test: ({ config, secret, timeoutMs, network }) => checkWordpressAuth(asDestination(config, secret), { timeoutMs, network }),
  publish: ({ config, secret, content, timeoutMs, network }) => publishToWordpress({ destination: asDestination(config, secret), content, timeoutMs, network }),
  // publish looks the post up by its slug and this revision's marker before creating one, so
  // publishing again is itself the reconciliation.
  reconcile: async () => ({ outcome: 'absent' }),
});
