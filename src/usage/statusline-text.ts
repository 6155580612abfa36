// What `session-retry statusline` prints: plan usage, then when a waiting session of this project
// will resume. Pure: the caller passes the parsed files and `now`. Local times follow TZ.
import type { UsageFile, UsageWindow } from './usage-file.js'

export const NO_USAGE_TEXT = 'session-retry: no usage'

/** `5h 42% · 7d 10%`; a missing window is left out; '' when there is none. */
export function formatUsage(usage: Pick<UsageFile, 'fiveHour' | 'sevenDay'> | null): string {
  if (!usage) return ''
  const parts: string[] = []
  const add = (label: string, window: UsageWindow | null) => {
    if (window) parts.push(`${label} ${Math.round(window.usedPercentage)}%`)
  }
  add('5h', usage.fiveHour)
  add('7d', usage.sevenDay)
  return parts.join(' · ')
}

/** One pending schedule, as resume_schedule.json lists it (only the fields read here). */
export interface WaitingSchedule {
  sessionId: string
  state: string
  retryAt: string | null
  cwd: string | null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The schedules of a resume_schedule.json body (`{ schedules: [...] }`); malformed entries are skipped. */
export function schedulesFrom(body: unknown): WaitingSchedule[] {
  if (!isRecord(body) || !Array.isArray(body.schedules)) return []
  const out: WaitingSchedule[] = []
  for (const entry of body.schedules) {
    if (!isRecord(entry) || typeof entry.sessionId !== 'string' || typeof entry.state !== 'string') continue
    out.push({
      sessionId: entry.sessionId,
      state: entry.state,
      retryAt: typeof entry.retryAt === 'string' && !Number.isNaN(Date.parse(entry.retryAt)) ? entry.retryAt : null,
      cwd: typeof entry.cwd === 'string' ? entry.cwd : null,
    })
  }
  return out
}

/** `/a/b/` and `/a/b` are the same folder. */
function samePath(a: string, b: string): boolean {
  const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p)
  return trim(a) === trim(b)
}

/** The folders that identify "this project" in a status-line JSON object. */
export function projectDirs(input: unknown): string[] {
  if (!isRecord(input)) return []
  const dirs: unknown[] = [input.cwd]
  if (isRecord(input.workspace)) dirs.push(input.workspace.project_dir, input.workspace.current_dir)
  return [...new Set(dirs.filter((d): d is string => typeof d === 'string' && d.startsWith('/')))]
}

/** Schedules whose session ran in one of `dirs`. */
export function schedulesForProject(schedules: WaitingSchedule[], dirs: string[]): WaitingSchedule[] {
  return schedules.filter(s => s.cwd !== null && dirs.some(d => samePath(d, s.cwd!)))
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** `15:04` today, `Wed 15:04` on another day (local time). */
export function formatClock(at: number, now: number): string {
  const d = new Date(at)
  const n = new Date(now)
  const hhmm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()
  return sameDay ? hhmm : `${WEEKDAYS[d.getDay()]} ${hhmm}`
}

/** `in 1h 12m`, `in 5m`, `in <1m`. */
export function formatIn(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'in <1m'
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  if (h === 0) return `in ${m}m`
  if (h >= 48) return `in ${Math.round(h / 24)}d`
  return m === 0 ? `in ${h}h` : `in ${h}h ${m}m`
}

/** Most urgent first: running or due, then the earliest retry, then those without a time. */
function urgency(s: WaitingSchedule): number {
  if (s.state === 'resuming' || s.state === 'due') return 0
  if (s.retryAt) return 1
  return 2
}

/**
 * The hint for this project's waiting sessions, '' when there is none:
 * `resumes 15:04 (in 1h 12m)`, `resuming now`, `limit hit, resume time unknown`,
 * `ready to continue` (the open session's own turn to go on), with `, +1 more` for the rest.
 */
export function waitingHint(schedules: WaitingSchedule[], now: number): string {
  if (schedules.length === 0) return ''
  const sorted = [...schedules].sort(
    (a, b) => urgency(a) - urgency(b) || (a.retryAt ?? '').localeCompare(b.retryAt ?? ''),
  )
  const first = sorted[0]!
  let text: string
  if (first.state === 'resuming') text = 'resuming now'
  else if (first.state === 'awaitingOwner') text = 'ready to continue'
  else if (first.retryAt) {
    const at = Date.parse(first.retryAt)
    text = at <= now ? 'resume due now' : `resumes ${formatClock(at, now)} (${formatIn(at - now)})`
  } else if (first.state === 'due') text = 'resume due now'
  else text = 'limit hit, resume time unknown'
  return sorted.length > 1 ? `${text}, +${sorted.length - 1} more` : text
}

/** The whole line: usage and hint joined by ` · `, or {@link NO_USAGE_TEXT} when both are empty. */
export function statusLineText(usage: string, hint: string, note = ''): string {
  const parts = [usage, hint].filter(Boolean)
  const line = parts.length > 0 ? parts.join(' · ') : NO_USAGE_TEXT
  return note ? `${line} (${note})` : line
}
