import { linkedinVariantSchema } from '../../domain/channels.ts';
import { linkedinDestinationSchema, type LinkedinConfig } from '../../domain/destinations.ts';
import { accountLabel, linkedinAccessToken, reportNeedsReconnect, type NetworkDeps } from '../networks/accounts.ts';
import { describeLinkedinError, escapeLittleText, linkedinCommentary, linkedinPostUrl, makeLinkedinClient } from '../networks/linkedin-api.ts';
import { defineDestinationAdapter, type PublishCallContext } from './adapter.ts';

/**
 * A member post on LinkedIn. LinkedIn has no idempotency key, but it refuses the same commentary
 * twice with 422 DUPLICATE_POST naming the post it already has: posting again after an ambiguous try
 * either creates the post or names it, so posting again is the reconciliation.
 */
export function makeLinkedinAdapter(deps: NetworkDeps) {
  const { linkedin } = deps.networks;
  const access = async (context: PublishCallContext<LinkedinConfig>) => {
    const result = await linkedinAccessToken(deps, context.config.accountId);
    if (!result.ok && result.needsReconnect) await reportNeedsReconnect(deps, context.slack, result.needsReconnect);
    return result;
  };

  return defineDestinationAdapter<LinkedinConfig>({
    kind: 'linkedin',
    label: 'LinkedIn member',
    shortLabel: 'LinkedIn',
    addLabel: 'Connect a LinkedIn account',
    editTitle: 'Edit LinkedIn',
    namePlaceholder: 'Jane Doe on LinkedIn',
    configSchema: linkedinDestinationSchema,
    fields: [],
    connectedAccount: 'linkedin',
    summary: () => 'Posts the LinkedIn variant as the member, with the link to the post.',
    async test({ config, timeoutMs }) {
      const result = await linkedinAccessToken(deps, config.accountId);
      if (!result.ok) return { ok: false, message: result.result.reason ?? 'The account cannot be used.' };
      try {
        const info = await makeLinkedinClient(linkedin, timeoutMs).get({ resourcePath: '/userinfo', accessToken: result.accessToken });
        const name = (info.data as { name?: unknown }).name;
        const expires = result.account.accessExpiresAt ? `; the connection lasts until ${result.account.accessExpiresAt.toISOString().slice(0, 10)}` : '';
        return { ok: true, message: `signed in to LinkedIn as ${typeof name === 'string' ? name : accountLabel(result.account)}${expires}.` };
      } catch (error) {
        const failure = describeLinkedinError(error, { who: accountLabel(result.account), afterSend: false, timeoutMs, version: linkedin.version });
        return { ok: false, message: failure.result.reason ?? 'LinkedIn did not answer.' };
      }
    },

    async publish(context) {
      const variant = linkedinVariantSchema.safeParse(context.content.variants['linkedin']);
      if (!variant.success || variant.data.text.trim() === '') {
        return { state: 'failed', retryable: false, reason: 'This plan has no LinkedIn post; add the LinkedIn channel to the plan, or unpick this destination.' };
      }
      const granted = await access(context);
      if (!granted.ok) return granted.result;
      const { account, accessToken } = granted;
      if (!account.authorUrn) return { state: 'failed', retryable: false, reason: `LinkedIn account ${accountLabel(account)} has no author; reconnect it in the App Home.` };
      try {
        const response = await makeLinkedinClient(linkedin, context.timeoutMs).create({
          resourcePath: '/posts',
          versionString: linkedin.version,
          accessToken,
          entity: {
            author: account.authorUrn,
            commentary: escapeLittleText(linkedinCommentary(variant.data.text, context.link)),
            visibility: 'PUBLIC',
            distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
            lifecycleState: 'PUBLISHED',
            isReshareDisabledByAuthor: false,
          },
        });
        const urn = response.createdEntityId;
        if (typeof urn !== 'string' || urn === '') {
          return { state: 'unknown', retryable: true, status: response.status, reason: 'LinkedIn accepted the post without naming it; the next try finds it through the duplicate check.' };
        }
        return { state: 'delivered', retryable: false, status: response.status, externalId: urn, url: linkedinPostUrl(urn) };
      } catch (error) {
        const failure = describeLinkedinError(error, { who: accountLabel(account), afterSend: true, timeoutMs: context.timeoutMs, version: linkedin.version });
        if (failure.kind === 'auth' && failure.result.status === 401) {
          await reportNeedsReconnect(deps, context.slack, { account, reason: failure.result.reason ?? 'LinkedIn refused the token.' });
        }
        return failure.result;
      }
    },

    async reconcile({ recordedExternalId }) {
      if (recordedExternalId) return { outcome: 'found', result: { state: 'delivered', retryable: false, externalId: recordedExternalId, url: linkedinPostUrl(recordedExternalId) } };
      // Posting the same commentary again returns 422 DUPLICATE_POST with the URN when the first arrived.
      return { outcome: 'absent' };
    },
  });
}
