// Every file the product reads or writes lives under one home folder (docs/journal-and-state.md#the-home-folder).
// Paths are derived here and nowhere else, so a session id reaches the file system only
// through `sessionFile`, which refuses ids that are not strictly valid.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { isValidSessionId, SUMMARY_FILE_STEMS } from './session-id.js'

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
  /** `<home>/sessions/current_session.json`, where DevFlow's readers look. */
  currentSession: string
  /** `<home>/sessions/resume_schedule.json`, where DevFlow's readers look. */
  resumeSchedule: string
  /**
   * Where version 0.1 wrote the two summary files (the home folder itself). Readers fall back to
   * them while the new ones do not exist; the supervisor removes them once it has written the new
   * ones. Kept for one release.
   */
  legacySummary: Record<SummaryFile, string>
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
    currentSession: join(sessionsDir, SUMMARY_FILE_NAMES.currentSession),
    resumeSchedule: join(sessionsDir, SUMMARY_FILE_NAMES.resumeSchedule),
    legacySummary: {
      currentSession: join(home, SUMMARY_FILE_NAMES.currentSession),
      resumeSchedule: join(home, SUMMARY_FILE_NAMES.resumeSchedule),
    },
    pidFile: join(home, 'supervisor.pid'),
    lockTarget: join(home, 'supervisor'),
    tokenFile: join(home, 'api-token'),
    usageFile: join(home, 'usage.json'),
    dashboardHandoff: join(home, 'dashboard.html'),
  }
}

/** The two summary files share `sessions/` with the state files `<id>.json`; no session may take their names. */
export const SUMMARY_FILE_NAMES = {
  currentSession: `${SUMMARY_FILE_STEMS.currentSession}.json`,
  resumeSchedule: `${SUMMARY_FILE_STEMS.resumeSchedule}.json`,
} as const
export type SummaryFile = keyof typeof SUMMARY_FILE_NAMES

/**
 * The summary file a reader opens: the one in `sessions/`, or, while that does not exist yet (a
 * home last served by version 0.1), the one in the home folder. If the supervisor moves them
 * between the check and the read, the reader sees a missing file once, as on a fresh home.
 */
export function summaryFileToRead(paths: HomePaths, file: SummaryFile): string {
  return existsSync(paths[file]) ? paths[file] : paths.legacySummary[file]
}

export type SessionFileKind = 'journal' | 'state'

/** The journal or state file of a session; throws on an id that must never become a file name. */
export function sessionFile(paths: HomePaths, sessionId: string, kind: SessionFileKind): string {
  if (!isValidSessionId(sessionId)) throw new Error(`refusing invalid session id ${JSON.stringify(String(sessionId).slice(0, 80))}`)
  return kind === 'journal' ? join(paths.eventsDir, `${sessionId}.jsonl`) : join(paths.sessionsDir, `${sessionId}.json`)
}

/** Each log in <home>/logs is renamed to `<name>.1` (replacing the previous one) past this size. */
export const LOG_MAX_BYTES = 8 * 1024 * 1024
