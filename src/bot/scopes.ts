/** The bot scopes the app needs, with what each is for; manifest.yml must list exactly these. */
export const BOT_SCOPES = {
  commands: 'the /content command',
  'chat:write': "posting and updating the plan's message, its thread replies and ephemeral notices",
  'chat:write.public': 'posting in public channels the app has not been invited to (private channels still need /invite)',
  'files:write': 'attaching a draft too long for a message as a Markdown file',
  'canvases:write': "publishing the full draft with its sources as a canvas in the plan's channel, linked from the plan's message (without it, the link opens the draft reply)",
  'users:read': 'users.info and users.list, to tell workspace admins and owners (they decide when no approvers are named)',
  'reactions:read': 'counting reactions on published announcements',
  'channels:history':
    'after an ambiguous Slack error, finding an announcement already posted in a public channel, and after a stopped render, a thread reply it posted, so neither is posted twice',
  'groups:history': 'the same in private channels the app is in',
  'channels:read': "conversations.info and conversations.members: whether a plan's channel is public, and which approvers are in it",
  'groups:read': 'the same in private channels: their plans are shown only to the author, approvers and admins, and approvers outside them get a DM',
  'im:write': 'conversations.open, to DM approvers who are not in the plan\'s channel, and review reminders',
} as const;
