#!/usr/bin/env node
// The `session-retry` command. `main(argv, io)` parses the arguments with commander, runs one
// command and returns its exit code: 0 ok, 1 failure, 2 usage error. Every error
// reaches the user as one line on stderr, never a stack trace. Run as a script, it sets
// process.exitCode and lets the process end by itself, so piped output is never cut.
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { ConfigError } from '../config/load-config.js'
import { processIo, type CliIo } from './cli-io.js'
import type { InstallOptions } from './commands/install.js'
import { packageVersion } from '../os/package-version.js'
import { UsageError } from './usage-error.js'

export const PROGRAM = 'session-retry'
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

export async function main(argv: string[], io: CliIo): Promise<number> {
  let code = EXIT_OK
  // The command being parsed, so a usage error can point at its --help.
  const program = buildProgram(io, result => (code = result))
  let current = program
  for (const group of [program, ...program.commands.filter(c => c.commands.length > 0)]) {
    group.hook('preSubcommand', (_parent, sub) => void (current = sub))
  }
  try {
    // A bare `session-retry` shows the status.
    await program.parseAsync(argv.length === 0 ? ['status'] : argv, { from: 'user' })
    return code
  } catch (error) {
    return reportError(error, io, current)
  }
}

function commandPath(command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

function buildProgram(io: CliIo, done: (code: number) => void): Command {
  const json = (): Option => new Option('--json', 'print one JSON object (with a "version" field) instead of text')
  // Each command's module is imported when it runs: --help and status never load the supervisor.
  const program = new Command(PROGRAM)
    .description('Notices Claude Code plan limits in every session and resumes each session when its limit resets.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout(text),
      // Usage errors, and the help commander prints for a group called without its command,
      // become one line in reportError.
      writeErr: () => {},
      outputError: () => {},
    })
    .addHelpText(
      'after',
      `\nWith no command, runs "status". Files live in SESSION_RETRY_HOME (default ~/.devflow).\n` +
        `Exit codes: 0 ok, 1 failure, 2 usage error.\n`,
    )

  program
    .command('status')
    .description('sessions, their limits and next retries, and whether the supervisor runs (the default command)')
    .addOption(json())
    .action(async (options: { json?: boolean }) => {
      const { statusCommand } = await import('./commands/status.js')
      done(await statusCommand(options, io))
    })

  program
    .command('sessions')
    .argument('[session]', 'one session: its id, or a unique prefix of it (the 8 characters status shows)')
    .description('every session (or one) with all its recorded fields and what its last resume did, most recently updated first')
    .addOption(json())
    .action(async (session: string | undefined, options: { json?: boolean }) => {
      const { sessionsCommand } = await import('./commands/sessions.js')
      done(await sessionsCommand({ ...options, session }, io))
    })

  program
    .command('schedules')
    .description('pending schedules (sessions limited, scheduled or due, and resumes under way), soonest first')
    .addOption(json())
    .action(async (options: { json?: boolean }) => {
      const { schedulesCommand } = await import('./commands/schedules.js')
      done(await schedulesCommand(options, io))
    })

  const idHelp = 'the session id, or a unique prefix of it (at least 4 characters, as "status" shows)'
  program
    .command('resume')
    .description('ask the supervisor to resume a waiting session now')
    .argument('<session-id>', idHelp)
    .action(async (id: string) => {
      const { resumeCommand } = await import('./commands/resume.js')
      done(await resumeCommand(id, io))
    })

  program
    .command('cancel')
    .description("ask the supervisor to drop a session's pending schedule")
    .argument('<session-id>', idHelp)
    .action(async (id: string) => {
      const { cancelCommand } = await import('./commands/cancel.js')
      done(await cancelCommand(id, io))
    })

  program
    .command('dashboard')
    .description('open the live page of the running supervisor, with the token its buttons need')
    .option('--no-open', 'print the URL (token included) instead of opening a browser')
    .addOption(json())
    .action(async (options: { open?: boolean; json?: boolean }) => {
      const { dashboardCommand } = await import('./commands/dashboard.js')
      done(await dashboardCommand(options, io))
    })

  const supervisor = program
    .command('supervisor')
    .description('run, start, stop or check the supervisor that resumes sessions')
  supervisor
    .command('run')
    .description('run the supervisor in the foreground until SIGTERM or Ctrl-C')
    .action(async () => {
      const { supervisorRunCommand } = await import('./commands/supervisor-run.js')
      done(await supervisorRunCommand(io))
    })
  supervisor
    .command('start')
    .description('start the supervisor in the background and wait until it is ready')
    .action(async () => {
      const { supervisorStartCommand } = await import('./commands/supervisor-start.js')
      done(await supervisorStartCommand(io))
    })
  supervisor
    .command('stop')
    .description('stop the running supervisor (SIGTERM, then SIGKILL after 10 s)')
    .action(async () => {
      const { supervisorStopCommand } = await import('./commands/supervisor-stop.js')
      done(await supervisorStopCommand(io))
    })
  supervisor
    .command('status')
    .description('whether a supervisor is running, and where its files are')
    .addOption(json())
    .action(async (options: { json?: boolean }) => {
      const { supervisorStatusCommand } = await import('./commands/supervisor-status.js')
      done(await supervisorStatusCommand(options, io))
    })

  program
    .command('logs')
    .description("print the end of the supervisor's log")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --lines <count>', 'how many lines (default 50)')
    .option('--json', 'print the raw JSON log lines')
    .action(async (options: { follow?: boolean; lines?: string; json?: boolean }) => {
      const { logsCommand } = await import('./commands/logs.js')
      done(await logsCommand(options, io))
    })

  for (const [name, what] of [
    ['install', "write this product's hooks into Claude Code settings (for people who don't use the plugin)"],
    ['uninstall', "remove this product's hooks from Claude Code settings, keeping everything else"],
  ] as const) {
    const command = program
      .command(name)
      .description(what)
      .option('--scope <scope>', 'user (~/.claude/settings.json), project (.claude/settings.json) or local (.claude/settings.local.json)', 'user')
      .option('--dry-run', 'show the result without writing')
    if (name === 'install') command.option('--force', 'install even though the plugin is enabled (every event is then journaled twice)')
    command
      .addOption(json())
      .action(async (options: InstallOptions) => {
        const { installCommand, uninstallCommand } = await import('./commands/install.js')
        done(await (name === 'install' ? installCommand : uninstallCommand)(options, io))
      })
  }

  program
    .command('doctor')
    .description('check Node, Claude Code, hooks, home, supervisor, port and auto-continue')
    .addOption(json())
    .action(async (options: { json?: boolean }) => {
      const { doctorCommand } = await import('./commands/doctor.js')
      done(await doctorCommand(options, io))
    })

  const service = program
    .command('service')
    .description('an always-on supervisor: systemd user unit (Linux) or launchd agent (macOS)')
  service
    .command('install')
    .description('write the service file (with this PATH, claude, home and port) and print how to enable it')
    .option('--dry-run', 'print the file instead of writing it')
    .action(async (options: { dryRun?: boolean }) => {
      const { serviceInstallCommand } = await import('./commands/service-install.js')
      done(await serviceInstallCommand(options, io))
    })
  service
    .command('uninstall')
    .description('stop and disable the service, and remove its file')
    .option('--dry-run', 'print what would be done')
    .action(async (options: { dryRun?: boolean }) => {
      const { serviceUninstallCommand } = await import('./commands/service-install.js')
      done(await serviceUninstallCommand(options, io))
    })

  program
    .command('statusline')
    .description('status-line command for Claude Code settings: records usage, prints a short line')
    .action(() => {
      io.stderr(`${PROGRAM}: run "statusline" through the session-retry executable (bin/session-retry.cjs)\n`)
      done(EXIT_USAGE)
    })

  program
    .command('parse-limit')
    .description('show, as JSON, what the product makes of a limit message or a transcript')
    .argument('[text...]', 'the message, e.g. "You\'ve hit your session limit · resets 3pm (Europe/Paris)"')
    .option('--now <iso>', 'the time the message was seen, ISO-8601 with a zone (default: now)')
    .option('--tz <zone>', "the IANA zone of a banner without one (default: this machine's)")
    .option('--transcript <path>', "read the limit from a session transcript's last rows")
    .action(async (text: string[], options: { now?: string; tz?: string; transcript?: string }) => {
      const { parseLimitCliCommand } = await import('./commands/parse-limit.js')
      done(await parseLimitCliCommand(text, options, io))
    })

  return program
}

function reportError(error: unknown, io: CliIo, current: Command): number {
  if (error instanceof CommanderError) {
    // --help, --version and `help` have printed to stdout already.
    if (error.exitCode === 0) return EXIT_OK
    const command = commandPath(current)
    const subcommands = current.commands.map(c => c.name()).filter(name => name !== 'help')
    const message =
      error.code === 'commander.help'
        ? `"${command}" needs a command: ${subcommands.join(', ')}`
        : error.message
            .replace(/^error: /, '')
            .replace(/\s*\(Did you mean (.+?)\?\)/, ' — did you mean $1?')
            .replace(/\s*\n\s*/g, ' ')
    io.stderr(`${PROGRAM}: ${message} (see ${command} --help)\n`)
    return EXIT_USAGE
  }
  const message = oneLine(error instanceof Error ? error.message : String(error))
  io.stderr(`${PROGRAM}: ${message}\n`)
  return error instanceof UsageError || error instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ') || 'unknown error'
}

function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href
  } catch {
    return false
  }
}

/** Run as the `session-retry` process: exit code set, output never cut, no stack traces. */
export function runAsProcess(argv: string[] = process.argv.slice(2)): void {
  // `session-retry status | head -1`: a closed pipe ends the output, not with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return
    process.stderr.write(`${PROGRAM}: cannot write output: ${error.code ?? error.message}\n`)
    process.exitCode ||= EXIT_FAILURE
  })
  main(argv, processIo()).then(
    code => {
      process.exitCode ||= code
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = EXIT_FAILURE
    },
  )
}

if (isEntryPoint()) runAsProcess()
