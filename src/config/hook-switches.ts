// The two switches the hook reads itself, before any configuration is loaded:
// SESSION_RETRY_ENABLED (stage 1, in sh) and SESSION_RETRY_AUTOSTART (stage 2). A hook never fails
// Claude Code, so an unclear value cannot be an error there: only a clear "off" word turns a switch
// off, anything else leaves it on. This is that rule, once; hooks/record-event.sh spells the same
// words in a `case` pattern (test/hooks/record-event.test.ts runs it with each of them), and
// `session-retry doctor` names a value that is neither on nor off.
export const HOOK_SWITCHES = ['SESSION_RETRY_ENABLED', 'SESSION_RETRY_AUTOSTART'] as const
export type HookSwitch = (typeof HOOK_SWITCHES)[number]

export const OFF_WORDS = ['false', '0', 'no', 'off'] as const
export const ON_WORDS = ['true', '1', 'yes', 'on'] as const

export function switchIsOff(env: NodeJS.ProcessEnv, name: HookSwitch): boolean {
  return (OFF_WORDS as readonly string[]).includes((env[name] ?? '').toLowerCase())
}

/** A value the hook reads as "on" although it is not an on word: worth telling the user. */
export function unclearSwitch(env: NodeJS.ProcessEnv, name: HookSwitch): string | null {
  const raw = env[name]
  if (raw === undefined || raw === '') return null
  const word = raw.toLowerCase()
  if ((OFF_WORDS as readonly string[]).includes(word) || (ON_WORDS as readonly string[]).includes(word)) return null
  return `${name}=${JSON.stringify(raw)} is neither true nor false: the hook takes it as true`
}
