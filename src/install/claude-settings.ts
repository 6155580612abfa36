// Our hooks in a Claude Code settings object, for people who don't use plugins. Pure: the caller
// reads and writes the file. Only our own entries are ever touched; every other hook and setting
// is kept as it was, and removing ours gives back exactly what was there before.

/** Events this product listens to, with the first Claude Code version that knows them. */
export const HOOK_EVENTS: readonly { event: string; since: string }[] = [
  { event: 'SessionStart', since: '1.0.0' },
  { event: 'UserPromptSubmit', since: '1.0.0' },
  { event: 'Stop', since: '1.0.0' },
  // A settings file naming an event the installed version does not know makes it load no hooks
  // at all (docs/claude-code.md#older-clis-without-stopfailure): StopFailure only from the version
  // that introduced it.
  { event: 'StopFailure', since: '2.1.78' },
  { event: 'Notification', since: '1.0.0' },
  { event: 'SessionEnd', since: '1.0.0' },
]

export const HOOK_TIMEOUT_SECONDS = 10
const MARKER = '/hooks/record-event.sh'
/** The plugin's name in .claude-plugin/plugin.json: Claude Code keys it as `<name>@<marketplace>`. */
export const PLUGIN_NAME = 'smart-session-retry'

export type Settings = Record<string, unknown>

interface HookCommand {
  type?: unknown
  command?: unknown
  timeout?: unknown
}
interface MatcherGroup {
  matcher?: unknown
  hooks?: HookCommand[]
}

export { compareVersions, parseClaudeVersion } from '../os/claude-version.js'
import { compareVersions } from '../os/claude-version.js'

export function eventsFor(version: string | null): string[] {
  // Unknown version: leave StopFailure out, since naming it on an old version disables every hook;
  // the supervisor finds limits from Stop and the transcript without it.
  return HOOK_EVENTS.filter(e => (version ? compareVersions(version, e.since) >= 0 : e.since === '1.0.0')).map(e => e.event)
}

/**
 * Events whose payload has no field that grows with the conversation (no prompt, no long answer):
 * their hook copies stdin with the shell's own `read`, which starts no process but costs a system
 * call per byte; the others keep `cat` (hooks/record-event.sh, ssr_copy_stdin). hooks/hooks.json
 * says the same for the plugin.
 */
export const SMALL_PAYLOAD_EVENTS: readonly string[] = ['SessionStart', 'StopFailure', 'Notification', 'SessionEnd']

/** The command Claude Code runs for an event: stage 1 sourced in its own shell (see hooks/record-event.sh). */
export function hookCommand(packageRoot: string, event: string): string {
  const quoted = `'${packageRoot.replaceAll("'", `'\\''`)}'`
  const copy = SMALL_PAYLOAD_EVENTS.includes(event) ? ' ssr_copy=builtin;' : ''
  return `trap '' TERM HUP INT; ssr_root=${quoted};${copy} . "$ssr_root${MARKER}"`
}

export function isOurCommand(command: unknown): boolean {
  return typeof command === 'string' && command.includes(MARKER) && command.includes('ssr_root=')
}

export function removeOurHooks(settings: Settings): Settings {
  const hooks = settings.hooks
  if (!isPlainObject(hooks)) return settings
  const kept: Record<string, unknown> = {}
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) {
      kept[event] = groups
      continue
    }
    const remaining = (groups as MatcherGroup[]).filter(group => !(Array.isArray(group?.hooks) && group.hooks.length > 0 && group.hooks.every(h => isOurCommand(h?.command))))
    if (remaining.length > 0) kept[event] = remaining
  }
  const next: Settings = { ...settings }
  if (Object.keys(kept).length > 0) next.hooks = kept
  else delete next.hooks
  return next
}

export function addOurHooks(settings: Settings, packageRoot: string, events: string[]): Settings {
  const base = removeOurHooks(settings)
  const hooks: Record<string, unknown> = isPlainObject(base.hooks) ? { ...base.hooks } : {}
  for (const event of events) {
    const groups = Array.isArray(hooks[event]) ? [...(hooks[event] as unknown[])] : []
    groups.push({ hooks: [{ type: 'command', command: hookCommand(packageRoot, event), timeout: HOOK_TIMEOUT_SECONDS }] })
    hooks[event] = groups
  }
  return { ...base, hooks }
}

/** Which of our events are registered in a settings object (for `doctor`). */
export function registeredEvents(settings: Settings): string[] {
  const hooks = settings.hooks
  if (!isPlainObject(hooks)) return []
  return Object.entries(hooks)
    .filter(([, groups]) => Array.isArray(groups) && (groups as MatcherGroup[]).some(g => Array.isArray(g?.hooks) && g.hooks.some(h => isOurCommand(h?.command))))
    .map(([event]) => event)
}

/** This plugin's ids that a settings object enables (`enabledPlugins`), whatever the marketplace. */
export function enabledPluginIds(settings: Settings): string[] {
  const enabled = settings.enabledPlugins
  if (!isPlainObject(enabled)) return []
  return Object.entries(enabled)
    .filter(([id, on]) => on === true && id.split('@')[0] === PLUGIN_NAME)
    .map(([id]) => id)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The indentation a JSON file uses, so a rewrite changes only what it must. */
export function detectIndent(text: string): string | number {
  const match = /^\{\s*\n([ \t]+)"/.exec(text)
  return match ? match[1]! : 2
}
