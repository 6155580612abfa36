// `session-retry sessions [--json]`: every session with all its public fields, most recently
// updated first. Text mode prints one block per session.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import type { CliIo } from '../cli-io.js'
import { tildePath } from '../format-path.js'
import { formatLocalTime, formatRetryTime, localZoneName, NO_VALUE } from '../format-time.js'
import { printJson } from '../json-output.js'
import { compareUpdatedDesc, waitsForRetry, readSessions, type PublicSession } from '../read-sessions.js'
import { resolveSessionId } from '../resolve-session-id.js'
import { problemLines, type ReadCommandOptions } from './status.js'

/** Transitions shown per session in text mode; `--json` has them all. */
export const HISTORY_SHOWN = 3

export async function sessionsCommand(options: ReadCommandOptions & { session?: string }, io: CliIo): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const read = await readSessions(paths)
  let { sessions, problems } = read
  if (options.session !== undefined) {
    const id = await resolveSessionId(paths, options.session)
    sessions = sessions.filter(s => s.sessionId === id)
    problems = problems.filter(p => p.sessionId === id)
    if (sessions.length === 0) {
      io.stderr(`no session ${JSON.stringify(options.session)} in ${tildePath(paths.home, io.env.HOME)}; session-retry status lists them\n`)
      return 1
    }
  }
  sessions.sort((a, b) => compareUpdatedDesc(a, b) || a.sessionId.localeCompare(b.sessionId))
  if (options.json) {
    printJson(io, { sessions, problems })
    return 0
  }
  const blocks = sessions.map(s => sessionBlock(s, io.now(), io.env.HOME))
  let text = sessions.length === 0 ? `no sessions yet in ${tildePath(paths.home, io.env.HOME)}\n` : blocks.join('\n')
  if (sessions.length > 0) text += `\ntimes are local (${localZoneName()})\n`
  text += problemLines(problems)
  io.stdout(text)
  return 0
}

function sessionBlock(s: PublicSession, now: number, home: string | undefined): string {
  const rows: [string, string][] = [
    ['project', tildePath(s.cwd, home)],
    ['transcript', tildePath(s.transcriptPath, home)],
    ['limit', limitText(s.limit)],
    ['next retry', retryText(s, now)],
    ['attempts', String(s.attempts ?? 0)],
    ['permission mode', s.permissionMode ?? NO_VALUE],
    ['last run', lastRunText(s.lastRun)],
    ['open', s.open ? 'yes' : 'no'],
    ['last activity', formatLocalTime(s.lastActivityAt)],
    ['updated', formatLocalTime(s.updatedAt)],
  ]
  if (s.lastRun?.resultLine) rows.push(['its answer', s.lastRun.resultLine])
  if (s.lastRun?.logFile) rows.push(['its log', tildePath(s.lastRun.logFile, home)])
  if (s.needsUserReason) rows.push(['needs you', s.needsUserReason])
  const reasons = Array.isArray(s.reasons) ? s.reasons : []
  for (const [i, reason] of reasons.entries()) rows.push([i === 0 ? 'reasons' : '', reason])
  const history = Array.isArray(s.history) ? s.history.slice(-HISTORY_SHOWN) : []
  for (const [i, h] of history.entries()) {
    rows.push([i === 0 ? 'history' : '', `${formatLocalTime(h.at, { seconds: true })}  ${h.from} → ${h.to} (${h.event})`])
  }
  const label = Math.max(...rows.map(([name]) => name.length))
  return `${s.sessionId}  ${s.state}\n` + rows.map(([name, value]) => `  ${name.padEnd(label)}  ${value}\n`).join('')
}

/** "attempt 2, completed at 03:12 (4 turns, $0.08)" / "attempt 1, blocked: Write refused". */
export function lastRunText(run: PublicSession['lastRun'] | undefined): string {
  if (!run) return NO_VALUE
  const when = run.exitedAt ? ` at ${formatLocalTime(run.exitedAt)}` : run.outcome === 'running' ? ` since ${formatLocalTime(run.startedAt)}` : ''
  const facts = [
    run.turns !== null ? `${run.turns} turn${run.turns === 1 ? '' : 's'}` : null,
    run.costUsd !== null ? `$${run.costUsd.toFixed(2)}` : null,
    run.deniedTools.length > 0 ? `refused: ${run.deniedTools.join(', ')}` : null,
    run.startError ? `claude ${run.startError}` : null,
    run.permissionMode ? `mode ${run.permissionMode}` : null,
  ].filter(Boolean)
  return `attempt ${run.attempt}, ${run.outcome}${when}${facts.length ? ` (${facts.join(', ')})` : ''}`
}

function limitText(limit: PublicSession['limit']): string {
  if (!limit) return NO_VALUE
  const reset = limit.resetAt ? `resets ${formatLocalTime(limit.resetAt)}` : 'reset time unknown'
  return `${limit.kind}, ${reset} (${limit.source})`
}

function retryText(s: PublicSession, now: number): string {
  if (!s.retryAt) return NO_VALUE
  const when = formatLocalTime(s.retryAt)
  const countdown = waitsForRetry(s) ? formatRetryTime(s.retryAt, now) + ', ' : ''
  return `${when} (${countdown}${s.retrySource ?? 'unknown source'})`
}
