// smart-session-retry hook, stage 2 of 2 (see record-event.sh for stage 1): validate the raw
// events stage 1 left in the spool, enrich them and append them to the per-session journals.
// Bundled into one CommonJS file that imports only node: built-ins, so it starts as fast as Node can.
// It runs detached from Claude Code, so its stderr is <home>/logs/hook.log: one line per problem.
import { join } from 'node:path'
import { autostartDisabled, startSupervisorDetached, supervisorAlive } from '../src/journal/autostart-supervisor.js'
import { homePaths, LOG_MAX_BYTES } from '../src/journal/home-paths.js'
import { isProcessAlive, promoteSpool } from '../src/journal/promote-spool.js'
import { rotateIfLarger } from '../src/journal/safe-files.js'

export function main(argv: string[]): number {
  const homeIndex = argv.indexOf('--home')
  const home = homeIndex === -1 ? undefined : argv[homeIndex + 1]
  if (!home || !home.startsWith('/')) {
    process.stderr.write('session-retry: journal-event needs --home <absolute path>\n')
    return 0
  }
  const completeIndex = argv.indexOf('--complete')
  const complete = new Set(completeIndex === -1 ? [] : [argv[completeIndex + 1] ?? ''])
  const paths = homePaths(home)
  const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`)
  try {
    // Our stderr is hook.log, opened by stage 1: renaming it keeps this run's lines in hook.log.1.
    rotateIfLarger(paths.hookLog, LOG_MAX_BYTES)
    const result = promoteSpool(paths, { now: Date.now, complete, isAlive: isProcessAlive, log })
    if (result.sessionStarts > 0 && !autostartDisabled(process.env) && !supervisorAlive(paths)) {
      // The bundle sits in dist/hooks/; the CLI in dist/src/cli/.
      const pid = startSupervisorDetached(paths, join(__dirname, '..', 'src', 'cli', 'main.js'), process.env)
      log(`session-retry: no supervisor was running; started one (pid ${pid ?? 'unknown'})`)
    }
  } catch (error) {
    process.stderr.write(`${new Date().toISOString()} session-retry: journal-event failed: ${String((error as Error)?.message ?? error)}\n`)
  }
  return 0
}

process.exitCode = main(process.argv.slice(2))
