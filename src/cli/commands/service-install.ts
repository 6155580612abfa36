// `session-retry service install|uninstall [--dry-run]`: an always-on supervisor (systemd user unit /
// launchd agent). Install refuses when `claude` cannot be found: a service that cannot start it
// would spend every resume attempt failing.
import { execFile } from 'node:child_process'
import { mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { loadConfig, type Config } from '../../config/load-config.js'
import { packageRoot } from '../../os/package-root.js'
import { resolveBin } from '../../install/resolve-bin.js'
import { serviceEnvironment, serviceFile, type ServiceFile } from '../../install/service-unit.js'
import type { CliIo } from '../cli-io.js'

export interface ServiceOptions {
  dryRun?: boolean
}

export async function serviceInstallCommand(options: ServiceOptions, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const found = resolveBin(config.claudeBin, io.env.PATH ?? '')
  if (found === null && config.claudeIntegration) {
    io.stderr(
      `session-retry: ${config.claudeBin} is not on PATH here, so the service could not resume anything. ` +
        `Run this where \`claude\` works, or set SESSION_RETRY_CLAUDE_BIN to its full path.\n`,
    )
    return 1
  }
  const claudeBin = found === null ? config.claudeBin : resolve(io.cwd, found)
  const file = fileFor(config, io, serviceEnvironment({ env: io.env, retryHome: config.home, port: config.port, claudeBin }))
  if (options.dryRun) {
    io.stdout(`${file.path} would hold:\n${file.text}`)
    return 0
  }
  // The service appends its output to <home>/logs/supervisor.out: the folder must exist.
  await mkdir(join(config.home, 'logs'), { recursive: true, mode: 0o700 })
  await mkdir(dirname(file.path), { recursive: true })
  // 0600: the captured settings may hold a webhook URL with a token in it.
  await writeFileAtomic(file.path, file.text, { mode: 0o600 })
  io.stdout(
    `wrote ${file.path}\n` +
      `it runs the supervisor with claude at ${claudeBin}, home ${config.home}, port ${config.port}, and this shell's PATH\n` +
      `enable it with:\n${file.enable.map(c => `  ${c}`).join('\n')}\n`,
  )
  const root = packageRoot()
  if (root.startsWith(join(config.claudeConfigDir, 'plugins') + '/')) {
    io.stderr(`note: this copy (${root}) is in Claude Code's plugin cache, which a plugin update replaces: run service install again after each update\n`)
  }
  return 0
}

export async function serviceUninstallCommand(options: ServiceOptions, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const file = fileFor(config, io, [])
  if (!(await exists(file.path))) {
    io.stdout(`no service file at ${file.path}: nothing to remove\n`)
    return 0
  }
  if (options.dryRun) {
    io.stdout([...file.disable.map(c => `would run: ${c.join(' ')}`), `would remove ${file.path}`, ...file.afterRemove.map(c => `would run: ${c.join(' ')}`)].join('\n') + '\n')
    return 0
  }
  const lines: string[] = []
  for (const command of file.disable) lines.push(await runQuietly(command, io.env))
  await rm(file.path, { force: true })
  lines.push(`removed ${file.path}`)
  for (const command of file.afterRemove) lines.push(await runQuietly(command, io.env))
  io.stdout(lines.join('\n') + '\n')
  return 0
}

function fileFor(config: Config, io: CliIo, environment: [string, string][]): ServiceFile {
  const home = io.env.HOME
  if (!home) throw new Error('HOME is not set: cannot tell where the service file goes')
  return serviceFile({ platform: process.platform, home, nodePath: process.execPath, cliMain: join(packageRoot(), 'dist', 'src', 'cli', 'main.js'), retryHome: config.home, environment })
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** Runs a service-manager command; what happened, as one line (a service that is not loaded is no error here). */
function runQuietly([file, ...args]: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const shown = [file, ...args].join(' ')
  return new Promise(done => {
    execFile(file!, args, { timeout: 15_000, env }, (error, _stdout, stderr) => {
      if (!error) done(`ran: ${shown}`)
      else done(`${shown}: ${String(stderr).trim().split('\n').at(-1) || error.message} (if the service still runs, stop it by hand)`)
    })
  })
}
