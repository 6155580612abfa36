// <home>/usage.json: the exact plan usage Claude Code hands its status line (`rate_limits`),
// recorded by `session-retry statusline` after every turn and read by the supervisor.
//
// Shape (schema of the file, one JSON object):
//
//   {
//     "schema": 1,                                      // USAGE_SCHEMA_VERSION (absent before 0.2)
//     "source": "statusline",
//     "updatedAt": "2026-11-25T04:53:00.000Z",         // when the status line ran (ISO, UTC)
//     "fiveHour": { "usedPercentage": 42, "resetsAt": "2026-11-25T06:00:00.000Z" } | null,
//     "sevenDay": { "usedPercentage": 10, "resetsAt": "2026-12-01T00:00:00.000Z" } | null,
//     "sessionId": "48e5dceb-..."                       // optional: the session whose turn it was
//   }
//
// `usedPercentage` is Claude Code's `used_percentage` as given (0-100, may be fractional);
// `resetsAt` is its `resets_at` (epoch seconds) as ISO, or null when absent.
//
// The file is replaced atomically (temp file in the same folder + rename, mode 0600) with
// node: built-ins only, because this runs after every turn. There is no fsync: after a power
// loss the file may be empty, and readers treat an unreadable file as "no figure".
// Imports only node: built-ins and small own modules: the status line bundle includes it.
import { dirname } from 'node:path'
import { ensureHome } from '../home/safe-dirs.js'
import { writeFileAtomicSync } from '../home/safe-files.js'
import { isValidSessionId } from '../home/session-id.js'

export interface UsageWindow {
  usedPercentage: number
  resetsAt: string | null
}

/**
 * Changes only when a field changes meaning or goes away (schemas/usage.schema.json). A file
 * without it was written by version 0.1 and has the same fields.
 */
export const USAGE_SCHEMA_VERSION = 1

export interface UsageFile {
  schema: typeof USAGE_SCHEMA_VERSION
  source: 'statusline'
  updatedAt: string
  fiveHour: UsageWindow | null
  sevenDay: UsageWindow | null
  sessionId?: string
}

/** Bigger than any status-line JSON Claude Code sends (about 2 KB in 2.1.331). */
export const MAX_USAGE_FILE_BYTES = 64 * 1024

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A percentage Claude Code could plausibly send: a finite number in 0..1000 (over 100 is possible past the limit). */
function percentage(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1000 ? value : null
}

/** `resets_at` is epoch seconds; a value that is clearly milliseconds is taken as such. */
function epochToIso(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null
  const ms = value > 1e12 ? value : value * 1000
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

function statusLineWindow(value: unknown): UsageWindow | null {
  if (!isRecord(value)) return null
  const usedPercentage = percentage(value.used_percentage)
  if (usedPercentage === null) return null
  return { usedPercentage, resetsAt: epochToIso(value.resets_at) }
}

/**
 * The usage.json body for one status-line JSON object, or null when it carries no usable
 * `rate_limits` (the first status line of a session has none: nothing was answered yet).
 */
export function usageFromStatusLine(input: unknown, now: number): UsageFile | null {
  if (!isRecord(input) || !isRecord(input.rate_limits)) return null
  const fiveHour = statusLineWindow(input.rate_limits.five_hour)
  const sevenDay = statusLineWindow(input.rate_limits.seven_day)
  if (!fiveHour && !sevenDay) return null
  const usage: UsageFile = { schema: USAGE_SCHEMA_VERSION, source: 'statusline', updatedAt: new Date(now).toISOString(), fiveHour, sevenDay }
  if (isValidSessionId(input.session_id)) usage.sessionId = input.session_id
  return usage
}

function storedWindow(value: unknown): UsageWindow | null | undefined {
  if (value === null) return null
  if (!isRecord(value)) return undefined
  const usedPercentage = percentage(value.usedPercentage)
  if (usedPercentage === null) return undefined
  const resetsAt = value.resetsAt
  if (resetsAt === null || resetsAt === undefined) return { usedPercentage, resetsAt: null }
  if (typeof resetsAt !== 'string' || Number.isNaN(Date.parse(resetsAt))) return undefined
  return { usedPercentage, resetsAt }
}

export type ParsedUsageFile = { ok: true; usage: UsageFile } | { ok: false; error: string }

/** Validates the text of a usage.json; a bad file is an error value, never a throw: it only means "no figure". */
export function parseUsageFile(text: string): ParsedUsageFile {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, error: 'usage.json is not JSON' }
  }
  if (!isRecord(value)) return { ok: false, error: 'usage.json is not an object' }
  if (value.schema !== undefined && value.schema !== USAGE_SCHEMA_VERSION) {
    return { ok: false, error: `usage.json has schema ${JSON.stringify(value.schema)}; this version reads ${USAGE_SCHEMA_VERSION}` }
  }
  if (value.source !== 'statusline') return { ok: false, error: 'usage.json has no "source": "statusline"' }
  if (typeof value.updatedAt !== 'string' || Number.isNaN(Date.parse(value.updatedAt))) {
    return { ok: false, error: 'usage.json has no valid updatedAt' }
  }
  const fiveHour = storedWindow(value.fiveHour ?? null)
  const sevenDay = storedWindow(value.sevenDay ?? null)
  if (fiveHour === undefined || sevenDay === undefined) return { ok: false, error: 'usage.json has a malformed window' }
  const usage: UsageFile = { schema: USAGE_SCHEMA_VERSION, source: 'statusline', updatedAt: value.updatedAt, fiveHour, sevenDay }
  if (isValidSessionId(value.sessionId)) usage.sessionId = value.sessionId
  return { ok: true, usage }
}

/** usage.json sits in the home folder, which is created (or checked) first. */
export function writeUsageFile(path: string, usage: UsageFile): void {
  ensureHome(dirname(path))
  writeFileAtomicSync(path, JSON.stringify(usage, null, 2) + '\n', { fsync: false })
}

/** A window without a reset time is trusted this long after it was recorded. */
export const WINDOW_WITHOUT_RESET_MS = 5 * 3600_000

/**
 * The windows of a recorded figure that still describe the present: a window whose `resetsAt`
 * has passed (or, without one, recorded over 5 hours ago) is dropped; null when none is left.
 */
export function currentWindows(usage: UsageFile, now: number): UsageFile | null {
  const keep = (window: UsageWindow | null): UsageWindow | null => {
    if (!window) return null
    if (window.resetsAt !== null) return Date.parse(window.resetsAt) > now ? window : null
    return now - Date.parse(usage.updatedAt) <= WINDOW_WITHOUT_RESET_MS ? window : null
  }
  const fiveHour = keep(usage.fiveHour)
  const sevenDay = keep(usage.sevenDay)
  return fiveHour || sevenDay ? { ...usage, fiveHour, sevenDay } : null
}
