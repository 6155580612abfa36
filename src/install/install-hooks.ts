// `session-retry install|uninstall`: our hooks in a Claude Code settings file, for people who don't
// use plugins. Idempotent; backs the file up before every change; a file that is not valid JSON is
// never touched.
import { readFileSync } from 'node:fs'
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { addOurHooks, detectIndent, enabledPluginIds, eventsFor, registeredEvents, removeOurHooks, type Settings } from './claude-settings.js'

export type Scope = 'user' | 'project' | 'local'

export interface InstallTarget {
  scope: Scope
  claudeConfigDir: string
  cwd: string
}

export interface InstallResult {
  file: string
  changed: boolean
  backup: string | null
  events: string[]
  text: string
}

export class SettingsFileError extends Error {}

export function settingsFileFor({ scope, claudeConfigDir, cwd }: InstallTarget): string {
  if (scope === 'user') return join(claudeConfigDir, 'settings.json')
  return join(cwd, '.claude', scope === 'project' ? 'settings.json' : 'settings.local.json')
}

export const SCOPES: readonly Scope[] = ['user', 'project', 'local']

/** What one settings file Claude Code reads holds of ours: hooks written by `install`, the plugin enabled. */
export interface HookSource {
  scope: Scope
  file: string
  events: string[]
  plugins: string[]
}

/**
 * Every settings file Claude Code reads in `cwd` that holds our hooks or enables our plugin. Two
 * of them (or the plugin under two marketplaces) mean every event is journaled twice.
 */
export function findOurHooks(claudeConfigDir: string, cwd: string): HookSource[] {
  const seen = new Set<string>()
  const found: HookSource[] = []
  for (const scope of SCOPES) {
    const file = settingsFileFor({ scope, claudeConfigDir, cwd })
    // In the home folder, the project file is the user file.
    if (seen.has(file)) continue
    seen.add(file)
    const settings = readSettingsOrEmpty(file)
    const source = { scope, file, events: registeredEvents(settings), plugins: enabledPluginIds(settings) }
    if (source.events.length || source.plugins.length) found.push(source)
  }
  return found
}

/** Counts each settings file with our hooks and each distinct plugin id once. */
export function hookRoutes(sources: HookSource[]): string[] {
  const plugins = [...new Set(sources.flatMap(s => s.plugins))].map(id => `the plugin ${id}`)
  return [...plugins, ...sources.filter(s => s.events.length).map(s => `hooks in ${s.file}`)]
}

/** A settings file as an object; {} when it is missing or not a JSON object (a broken file is reported by Claude Code). */
export function readSettingsOrEmpty(file: string): Settings {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Settings) : {}
  } catch {
    return {}
  }
}

export { claudeVersion } from '../os/claude-version.js'

export async function installHooks(target: InstallTarget, packageRoot: string, version: string | null, options: { dryRun: boolean; now: number }): Promise<InstallResult> {
  const events = eventsFor(version)
  return rewrite(target, settings => addOurHooks(settings, packageRoot, events), events, options)
}

export async function uninstallHooks(target: InstallTarget, options: { dryRun: boolean; now: number }): Promise<InstallResult> {
  return rewrite(target, removeOurHooks, [], options)
}

async function rewrite(target: InstallTarget, change: (s: Settings) => Settings, events: string[], options: { dryRun: boolean; now: number }): Promise<InstallResult> {
  const file = settingsFileFor(target)
  const original = await readFile(file, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new SettingsFileError(`cannot read ${file}: ${(error as Error).message}`)
  })
  let settings: Settings = {}
  if (original !== null && original.trim() !== '') {
    try {
      settings = JSON.parse(original)
    } catch {
      throw new SettingsFileError(`${file} is not valid JSON; fix it first (nothing was changed)`)
    }
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new SettingsFileError(`${file} does not hold a JSON object; nothing was changed`)
  }
  const next = change(settings)
  const empty = original === null && Object.keys(next).length === 0
  const text = empty ? '' : JSON.stringify(next, null, original ? detectIndent(original) : 2) + (original === null || original.endsWith('\n') ? '\n' : '')
  const changed = !empty && text !== (original ?? '')
  if (!changed || options.dryRun) return { file, changed, backup: null, events, text }
  let backup: string | null = null
  let mode = 0o644
  if (original !== null) {
    mode = (await stat(file)).mode & 0o777
    backup = `${file}.session-retry-backup-${new Date(options.now).toISOString().replaceAll(':', '-')}`
    await copyFile(file, backup)
  }
  await mkdir(dirname(file), { recursive: true })
  await writeFileAtomic(file, text, { mode })
  return { file, changed, backup, events, text }
}
