/** The bot scopes the app needs, with what each is for; manifest.yml must list exactly these. */
export const BOT_SCOPES = {
  commands: 'the /content command',
  'chat:write': "posting and updating the plan's message, its thread replies and ephemeral notices",
  'chat:write.public': 'posting in public channels the app has not been invited to (private channels still need /invite)',
  'files:write': 'attaching a draft too long for a message as a Markdown file',
  'users:read': 'users.info, to tell workspace admins and owners',
  'reactions:read': 'counting reactions on published announcements',
  'channels:history': 'after an ambiguous Slack error, finding an announcement already posted in a public channel, so it is not posted twice',
  'groups:history': 'the same in private channels the app is in',
  'channels:read': "conversations.info: whether a plan's channel is public, so /content list and status show it to everyone",
  'groups:read': "conversations.info on private channels: their plans are shown only to the author, approvers and admins",
} as const;
