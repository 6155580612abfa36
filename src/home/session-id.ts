// Claude Code session ids are UUIDs; other agents posting limits may use their own ids.
// Anything that could escape a folder (`/`, `.`, NUL), look like an option, or bloat a
// file name is refused before it can become part of a path.
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value)
}

/** A one-line description of why a value is not a session id, for error messages and logs. */
export function describeBadSessionId(value: unknown): string {
  if (value === undefined || value === null) return 'session_id is missing'
  if (typeof value !== 'string') return `session_id is a ${typeof value}, not a string`
  if (value.length === 0) return 'session_id is empty'
  if (value.length > 128) return `session_id is ${value.length} characters long (at most 128)`
  const shown = JSON.stringify(value.slice(0, 40))
  return `session_id ${shown} may hold only letters, digits, "-" and "_"`
}
