// smart-session-retry hook, stage 2 of 2 (see record-event.sh for stage 1): validate the raw
// events stage 1 left in the spool, enrich them and append them to the per-session journals.
// Bundled into one CommonJS file that imports only node: built-ins, so it starts as fast as Node can.
// It runs detached from Claude Code, so its stderr is <home>/logs/hook.log: one line per problem.
import { join } from 'node:path'
import { autostartDisabled, startSupervisorProcess, supervisorAlive, type StartOutcome } from '../src/hook/autostart-supervisor.js'
import { homePaths, LOG_MAX_BYTES } from '../src/home/home-paths.js'
import { promoteSpool } from '../src/journal/promote-spool.js'
import { enrichmentSteps } from '../src/hook/enrich-record.js'
import { isProcessAlive } from '../src/os/process-identity.js'
import { rotateIfLarger } from '../src/home/safe-files.js'

export async function main(argv: string[]): Promise<number> {
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
    const result = promoteSpool(paths, { now: Date.now, complete, isAlive: isProcessAlive, log, ...enrichmentSteps(paths, Date.now) })
    if (result.sessionStarts > 0 && !autostartDisabled(process.env) && !supervisorAlive(paths)) {
      // The bundle sits in dist/hooks/; the CLI in dist/src/cli/. This process is detached from
      // Claude Code, so waiting for the supervisor's verdict costs the session nothing.
      const cliMain = join(__dirname, '..', 'src', 'cli', 'main.js')
      const outcome = await startSupervisorProcess(paths, { cliMain, env: process.env, requestedBy: `autostart: SessionStart hook, pid ${process.pid}`, now: Date.now() })
      log(`session-retry: no supervisor was running; ${autostartReport(outcome)}`)
    }
  } catch (error) {
    process.stderr.write(`${new Date().toISOString()} session-retry: journal-event failed: ${String((error as Error)?.message ?? error)}\n`)
  }
  return 0
}

function autostartReport(outcome: StartOutcome): string {
  switch (outcome.kind) {
    case 'ready':
      return `started one (pid ${outcome.pid}, ${outcome.port === null ? `its HTTP API did not start: ${outcome.apiError ?? 'see supervisor.out'}` : `HTTP on 127.0.0.1:${outcome.port}`})`
    case 'other':
      return `another start won the race (pid ${outcome.pid})`
    case 'slow':
      return `started one (pid ${outcome.pid}), not ready yet; see logs/supervisor.out`
    case 'exited':
      return `the one it started ${outcome.how} before it was ready: ${outcome.output.slice(-5).join(' | ') || '(no output)'}`
  }
}

void main(process.argv.slice(2)).then(code => (process.exitCode = code))
