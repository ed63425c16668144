import type { WebClient } from '@slack/web-api';
import { and, eq } from 'drizzle-orm';
import { encryptSecret, decryptSecret } from '../../crypto.ts';
import { recordAudit } from '../../db/audit.ts';
import type { Database } from '../../db/client.ts';
import { findDestination, insertDestination, listDestinations, type DestinationRow } from '../../db/destinations.ts';
import { publishDestinations } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { buildAnnouncement } from '../../publish/slack-channel.ts';
import { pingWebhook } from '../../publish/webhook.ts';
import { checkWordpressAuth } from '../../publish/wordpress.ts';
import type { DestinationListItem } from '../views/settings/destinations-modal.ts';
import type { DestinationSubmission } from '../views/settings/destination-form-modal.ts';

export function toListItem(row: DestinationRow): DestinationListItem {
  const config = row.config as Record<string, string>;
  const summary = row.kind === 'slack_channel' ? `<#${config['channelId'] ?? ''}>` : row.kind === 'webhook' ? (config['url'] ?? '') : (config['siteUrl'] ?? '');
  return { id: row.id, kind: row.kind, name: row.name, summary };
}

export async function listDestinationItems(db: Database, teamId: string): Promise<DestinationListItem[]> {
  return (await listDestinations(db, teamId)).map(toListItem);
}

/** Saves a new or edited destination; a secret is encrypted, and an empty one on edit keeps the stored one. */
export async function saveDestination(
  db: Database,
  { teamId, actorId, submission, encryptionKey }: { teamId: string; actorId: string; submission: DestinationSubmission; encryptionKey: Buffer | undefined },
): Promise<void> {
  if (submission.secret && !encryptionKey) {
    throw new AppError('CONFIG', 'ENCRYPTION_KEY is not set, so secrets cannot be stored. Ask whoever runs the app to set it.');
  }
  const secretEncrypted = submission.secret && encryptionKey ? encryptSecret(encryptionKey, submission.secret) : undefined;
  const config = { ...submission.config } as Record<string, unknown>;
  if (submission.id) {
    const existing = await findDestination(db, teamId, submission.id);
    if (!existing) throw new AppError('NOT_FOUND', 'That destination was removed.');
    await db
      .update(publishDestinations)
      .set({ name: submission.name, config, ...(secretEncrypted ? { secretEncrypted } : {}), updatedAt: new Date() })
      .where(and(eq(publishDestinations.teamId, teamId), eq(publishDestinations.id, submission.id)));
  } else {
    await insertDestination(db, { teamId, kind: submission.kind, name: submission.name, config, secretEncrypted: secretEncrypted ?? null });
  }
  await recordAudit(db, { teamId, planId: null, actorId, action: 'destination_saved', details: { kind: submission.kind, name: submission.name } });
}

export async function removeDestination(db: Database, { teamId, actorId, id }: { teamId: string; actorId: string; id: string }): Promise<string | null> {
  const rows = await db
    .delete(publishDestinations)
    .where(and(eq(publishDestinations.teamId, teamId), eq(publishDestinations.id, id)))
    .returning({ name: publishDestinations.name });
  const name = rows[0]?.name ?? null;
  if (name) await recordAudit(db, { teamId, planId: null, actorId, action: 'destination_removed', details: { name } });
  return name;
}

/** "Test": a signed ping to a webhook, an authentication check for WordPress, a short note in a Slack channel. */
export async function testDestination({
  row,
  client,
  encryptionKey,
  timeoutMs,
}: {
  row: DestinationRow;
  client: WebClient;
  encryptionKey: Buffer | undefined;
  timeoutMs: number;
}): Promise<string> {
  const config = row.config as Record<string, string>;
  const secret = () => {
    if (!row.secretEncrypted) return '';
    if (!encryptionKey) throw new AppError('CONFIG', 'ENCRYPTION_KEY is not set, so the stored secret cannot be read.');
    return decryptSecret(encryptionKey, row.secretEncrypted);
  };
  try {
    switch (row.kind) {
      case 'webhook': {
        const check = await pingWebhook({ url: config['url'] ?? '', secret: secret(), timeoutMs });
        return `${check.ok ? '✅' : '❌'} ${row.name}: ${check.message}`;
      }
      case 'wordpress': {
        const check = await checkWordpressAuth(
          { kind: 'wordpress', siteUrl: config['siteUrl'] ?? '', username: config['username'] ?? '', applicationPassword: secret(), status: config['status'] === 'publish' ? 'publish' : 'draft' },
          { timeoutMs },
        );
        return `${check.ok ? '✅' : '❌'} ${row.name}: ${check.message}`;
      }
      case 'slack_channel': {
        const note = buildAnnouncement({
          plan: { id: 'test', number: 0, topic: 'Test', revision: 0, keyphrase: '', keywords: [] },
          post: { title: 'Content Broadcaster can post here', slug: 'test', metaDescription: 'Approved content will be announced in this channel.', markdown: '', html: '' },
          variants: {},
          seo: { seoScore: null, readabilityScore: null },
        });
        await client.chat.postMessage({ channel: config['channelId'] ?? '', ...note });
        return `✅ ${row.name}: posted a test message.`;
      }
    }
  } catch (error) {
    const reason = (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message : String(error));
    return `❌ ${row.name}: ${reason}`;
  }
}
