// Every file the product reads or writes lives under one home folder (DESIGN: "Home").
// Paths are derived here and nowhere else, so a session id reaches the file system only
// through `sessionFile`, which refuses ids that are not strictly valid.
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { isValidSessionId } from './session-id.js'

export interface HomePaths {
  home: string
  sessionsDir: string
  eventsDir: string
  spoolDir: string
  quarantineDir: string
  logsDir: string
  resumeLogsDir: string
  hookLog: string
  supervisorLog: string
  /** Where a supervisor started in the background (or by the service manager) writes its output. */
  supervisorOutput: string
  currentSession: string
  resumeSchedule: string
  pidFile: string
  lockTarget: string
  tokenFile: string
  usageFile: string
  /** The page `session-retry dashboard` opens: it hands the token to the browser (0600). */
  dashboardHandoff: string
}

/** `SESSION_RETRY_HOME`, else `~/.devflow`; a relative value is taken from `cwd`. */
export function resolveHome(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const configured = env.SESSION_RETRY_HOME
  if (configured) return isAbsolute(configured) ? configured : resolve(cwd, configured)
  return join(env.HOME || homedir(), '.devflow')
}

export function homePaths(home: string): HomePaths {
  const sessionsDir = join(home, 'sessions')
  const logsDir = join(home, 'logs')
  return {
    home,
    sessionsDir,
    eventsDir: join(sessionsDir, 'events'),
    spoolDir: join(sessionsDir, 'spool'),
    quarantineDir: join(sessionsDir, 'quarantine'),
    logsDir,
    resumeLogsDir: join(logsDir, 'resume'),
    hookLog: join(logsDir, 'hook.log'),
    supervisorLog: join(logsDir, 'session-retry.log'),
    supervisorOutput: join(logsDir, 'supervisor.out'),
    currentSession: join(home, 'current_session.json'),
    resumeSchedule: join(home, 'resume_schedule.json'),
    pidFile: join(home, 'supervisor.pid'),
    lockTarget: join(home, 'supervisor'),
    tokenFile: join(home, 'api-token'),
    usageFile: join(home, 'usage.json'),
    dashboardHandoff: join(home, 'dashboard.html'),
  }
}

export type SessionFileKind = 'journal' | 'state'

/** The journal or state file of a session; throws on an id that must never become a file name. */
export function sessionFile(paths: HomePaths, sessionId: string, kind: SessionFileKind): string {
  if (!isValidSessionId(sessionId)) throw new Error(`refusing invalid session id ${JSON.stringify(String(sessionId).slice(0, 80))}`)
  return kind === 'journal' ? join(paths.eventsDir, `${sessionId}.jsonl`) : join(paths.sessionsDir, `${sessionId}.json`)
}

/** Each log in <home>/logs is renamed to `<name>.1` (replacing the previous one) past this size. */
export const LOG_MAX_BYTES = 8 * 1024 * 1024
