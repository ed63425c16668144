import {
  LINKEDIN_HOOK_LIMIT,
  LINKEDIN_LIMIT,
  NEWSLETTER_PREVIEW_LIMIT,
  NEWSLETTER_SUBJECT_LIMIT,
  POST_URL_ALLOWANCE,
  POST_URL_PLACEHOLDER,
  SLACK_TEXT_LIMIT,
  X_POST_LIMIT,
  X_THREAD_MAX_POSTS,
  X_URL_LENGTH,
  type VariantChannelId,
} from '../../domain/channels.ts';

/** What the variant prompt tells the model about each channel; the limits are the kernel's. */
export const CHANNEL_RULES: Record<VariantChannelId, string> = {
  linkedin: [
    `- One post in "text", at most ${LINKEDIN_LIMIT.toLocaleString('en-US')} characters.`,
    `- The first line is the hook: end it with a line break within ${LINKEDIN_HOOK_LIMIT} characters, so it shows before "…see more".`,
    '- Plain text (LinkedIn does not render Markdown): short paragraphs separated by blank lines; at most 3 hashtags, at the end.',
    `- Close with one call to action and the article's link, ${POST_URL_PLACEHOLDER}, on its own line (it counts as ${POST_URL_ALLOWANCE} characters).`,
  ].join('\n'),
  x_thread: [
    `- A thread of 1 to ${X_THREAD_MAX_POSTS} posts, in order, in "posts".`,
    `- Each post at most ${X_POST_LIMIT} characters; every URL counts as ${X_URL_LENGTH} characters and an emoji as 2.`,
    '- The first post is the hook and must make sense on its own. Do not number the posts: the app adds "1/5" style numbering (6 characters) to each.',
    `- The last post is the call to action with the article's link, ${POST_URL_PLACEHOLDER} (it counts as ${X_URL_LENGTH} characters).`,
    '- At most 2 hashtags in the whole thread.',
  ].join('\n'),
  newsletter: [
    `- "subject": at most ${NEWSLETTER_SUBJECT_LIMIT} characters.`,
    `- "preview": at most ${NEWSLETTER_PREVIEW_LIMIT} characters; it complements the subject rather than repeating it.`,
    `- "body": Markdown; a short opening, the key points, and one call to action to read the full post, linked as [its text](${POST_URL_PLACEHOLDER}).`,
  ].join('\n'),
  slack_announcement: [
    `- "text" in Slack mrkdwn, at most ${SLACK_TEXT_LIMIT.toLocaleString('en-US')} characters; aim for under 1,000.`,
    '- mrkdwn, not Markdown: *bold*, _italic_, "•" bullets, links as <url|text>; no "#" headings and no **double asterisks**.',
    '- Announce the post to colleagues: what it is, why it matters, then one line per key point.',
    `- Close with one call to action linking to the post as <${POST_URL_PLACEHOLDER}|its text> (it counts as ${POST_URL_ALLOWANCE} characters).`,
  ].join('\n'),
};
