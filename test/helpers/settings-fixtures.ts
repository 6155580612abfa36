// A user's Claude Code settings with hooks and settings of their own, which installing ours must
// leave as they are, and a plugin root with a space in it (quoting is part of what is tested).
export const PLUGIN_ROOT = '/opt/smart session-retry'

export const THEIR_SETTINGS = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    Stop: [{ hooks: [{ type: 'command', command: 'notify-me', timeout: 5 }] }],
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard.sh' }] }],
  },
  statusLine: { type: 'command', command: 'my-line' },
}
