// Claude Code session ids are UUIDs; other agents posting limits may use their own ids.
// Anything that could escape a folder (`/`, `.`, NUL), look like an option, or bloat a
// file name is refused before it can become part of a path.
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

/**
 * current_session.json and resume_schedule.json sit in sessions/ beside the state files
 * `<id>.json` (where DevFlow's readers look), so their stems can never be a session's id. Compared
 * without case: on a case-insensitive file system `Current_Session.json` is the same file.
 */
export const SUMMARY_FILE_STEMS = { currentSession: 'current_session', resumeSchedule: 'resume_schedule' } as const

function isSummaryStem(value: string): boolean {
  const lower = value.toLowerCase()
  return lower === SUMMARY_FILE_STEMS.currentSession || lower === SUMMARY_FILE_STEMS.resumeSchedule
}

export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value) && !isSummaryStem(value)
}

/** A one-line description of why a value is not a session id, for error messages and logs. */
export function describeBadSessionId(value: unknown): string {
  if (value === undefined || value === null) return 'session_id is missing'
  if (typeof value !== 'string') return `session_id is a ${typeof value}, not a string`
  if (value.length === 0) return 'session_id is empty'
  if (value.length > 128) return `session_id is ${value.length} characters long (at most 128)`
  const shown = JSON.stringify(value.slice(0, 40))
  if (SESSION_ID_PATTERN.test(value) && isSummaryStem(value)) return `session_id ${shown} is reserved: it is the name of a summary file beside the state files`
  return `session_id ${shown} may hold only letters, digits, "-" and "_"`
}
