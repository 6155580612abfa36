// `session-retry install|uninstall [--scope user|project|local] [--dry-run] [--force]`: our hooks in
// Claude Code settings for people who don't use the plugin, matched to the installed `claude
// --version`. One route at a time: with the plugin enabled, install refuses unless --force, since
// both routes' hooks would journal every event twice.
import { loadConfig } from '../../config/load-config.js'
import { claudeVersion, findOurHooks, installHooks, uninstallHooks, type InstallResult, type Scope } from '../../install/install-hooks.js'
import { packageRoot } from '../../os/package-root.js'
import type { CliIo } from '../cli-io.js'
import { printJson } from '../json-output.js'
import { UsageError } from '../usage-error.js'

export interface InstallOptions {
  scope?: string
  dryRun?: boolean
  json?: boolean
  force?: boolean
}

function scopeOf(options: InstallOptions): Scope {
  const scope = options.scope ?? 'user'
  if (scope === 'user' || scope === 'project' || scope === 'local') return scope
  throw new UsageError(`--scope must be user, project or local, not ${JSON.stringify(scope)}`)
}

export async function installCommand(options: InstallOptions, io: CliIo): Promise<number> {
  const scope = scopeOf(options)
  const config = loadConfig(io.env, io.cwd)
  const plugin = findOurHooks(config.claudeConfigDir, io.cwd).filter(source => source.plugins.length > 0)
  if (plugin.length > 0 && !options.force) {
    const ids = [...new Set(plugin.flatMap(source => source.plugins))]
    io.stderr(
      `session-retry: the plugin is enabled (${ids.join(', ')} in ${plugin.map(source => source.file).join(', ')}): its hooks already record every event, ` +
        `and hooks in settings as well would journal each event twice. Nothing was changed. Keep the plugin, or disable it first ` +
        `(claude plugin disable ${ids[0]}); --force installs anyway.\n`,
    )
    return 1
  }
  const version = await claudeVersion(config.claudeBin)
  const result = await installHooks({ scope, claudeConfigDir: config.claudeConfigDir, cwd: io.cwd }, packageRoot(), version, { dryRun: !!options.dryRun, now: io.now() })
  report('install', result, options, io, version)
  return 0
}

export async function uninstallCommand(options: InstallOptions, io: CliIo): Promise<number> {
  const scope = scopeOf(options)
  const config = loadConfig(io.env, io.cwd)
  const result = await uninstallHooks({ scope, claudeConfigDir: config.claudeConfigDir, cwd: io.cwd }, { dryRun: !!options.dryRun, now: io.now() })
  report('uninstall', result, options, io, null)
  return 0
}

function report(action: 'install' | 'uninstall', result: InstallResult, options: InstallOptions, io: CliIo, version: string | null): void {
  if (options.json) {
    printJson(io, { action, dryRun: !!options.dryRun, file: result.file, changed: result.changed, backup: result.backup, events: result.events, claudeVersion: version })
    return
  }
  const lines: string[] = []
  if (action === 'install') {
    lines.push(version ? `Claude Code ${version}: hooks for ${result.events.join(', ')}` : `Claude Code version unknown (${'claude --version'} failed): hooks for ${result.events.join(', ')} (StopFailure left out to be safe)`)
  }
  if (!result.changed) lines.push(`${result.file}: already ${action === 'install' ? 'installed' : 'clean'}, nothing to do`)
  else if (options.dryRun) lines.push(`${result.file} would become:`, result.text.trimEnd())
  else lines.push(`${result.file}: ${action === 'install' ? 'hooks written' : 'hooks removed'}${result.backup ? ` (backup: ${result.backup})` : ''}`)
  io.stdout(lines.join('\n') + '\n')
}
