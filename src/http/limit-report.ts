// POST /notify-limit: a limit reported by another program, validated and turned into the same
// journal line a hook would write (event `LimitReported`, origin `http`). Two body shapes:
//   { session_id, message?, reset_at?, cwd?, transcript_path? }   this product's own
//   { limitMessage, reset_at? }                                    DevFlow's clients: the current session
// reset_at is an ISO-8601 time with a zone (`2026-11-25T15:00:00Z`, `...+01:00`) or an epoch
// number: seconds when below 1e11, milliseconds otherwise.
import { readFile } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import { z } from 'zod'
import { newRecord, MAX_TEXT_CHARS, type JournalRecord } from '../journal/event-record.js'
import { summaryFileToRead, type HomePaths } from '../home/home-paths.js'
import { describeBadSessionId, isValidSessionId } from '../home/session-id.js'
import { HttpError } from './respond.js'
import { isPlausibleReset } from '../../state/time-range.js'

/** Epoch numbers below this are seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
export const EPOCH_SECONDS_BELOW = 1e11
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i

const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine(p => isAbsolute(p) && !p.includes('\0'), 'must be an absolute path')
const limitText = z.string().min(1, 'must not be empty')
const resetAt = z.union([z.string().max(64), z.number()], { error: 'must be an ISO-8601 string or an epoch number' })

export const notifyLimitBody = z.strictObject({
  session_id: z.string(),
  message: limitText.optional(),
  reset_at: resetAt.optional(),
  cwd: absolutePath.optional(),
  transcript_path: absolutePath.optional(),
})

export const devflowLimitBody = z.strictObject({
  limitMessage: limitText,
  reset_at: resetAt.optional(),
})

export interface LimitReport {
  /** null: the DevFlow shape, for the current session. */
  sessionId: string | null
  message?: string
  resetAt?: number
  cwd?: string
  transcriptPath?: string
}

/** Validates a parsed body into a report; 400 with every problem otherwise. */
export function parseLimitReport(body: unknown, now: number): LimitReport {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the request body must be a JSON object')
  const devflow = !Object.hasOwn(body, 'session_id') && Object.hasOwn(body, 'limitMessage')
  if (devflow) {
    const parsed = devflowLimitBody.safeParse(body)
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error))
    return { sessionId: null, message: parsed.data.limitMessage, ...resetField(parsed.data.reset_at, now) }
  }
  const parsed = notifyLimitBody.safeParse(body)
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error))
  const { session_id, message, reset_at, cwd, transcript_path } = parsed.data
  if (!isValidSessionId(session_id)) throw new HttpError(400, describeBadSessionId(session_id))
  return {
    sessionId: session_id,
    ...(message !== undefined ? { message } : {}),
    ...resetField(reset_at, now),
    ...(cwd !== undefined ? { cwd } : {}),
    ...(transcript_path !== undefined ? { transcriptPath: transcript_path } : {}),
  }
}

function resetField(value: string | number | undefined, now: number): { resetAt?: number } {
  if (value === undefined) return {}
  const parsed = parseResetAt(value, now)
  if (!parsed.ok) throw new HttpError(400, `reset_at: ${parsed.error}`)
  return { resetAt: parsed.ms }
}

export function parseResetAt(value: string | number, now: number): { ok: true; ms: number } | { ok: false; error: string } {
  let ms: number
  if (typeof value === 'string') {
    if (!ISO_WITH_ZONE.test(value)) return { ok: false, error: 'must be an ISO-8601 time with a zone, like 2026-11-25T15:00:00Z' }
    ms = Date.parse(value)
    if (!Number.isFinite(ms)) return { ok: false, error: 'is not a real date' }
  } else {
    if (!Number.isFinite(value) || value <= 0) return { ok: false, error: 'must be a positive epoch number' }
    ms = Math.round(value < EPOCH_SECONDS_BELOW ? value * 1000 : value)
  }
  // The same rule as a journal line's resetAt: what is accepted here is never refused on replay.
  if (!isPlausibleReset(ms, now)) {
    return { ok: false, error: 'is out of range (at most a year from now, either way; epoch seconds below 1e11, else milliseconds)' }
  }
  return { ok: true, ms }
}

function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map(issue => {
    const where = issue.path.length ? issue.path.join('.') : 'body'
    return `${where}: ${issue.message}`
  })
  return parts.join('; ').slice(0, 500)
}

/**
 * The session DevFlow's `{ limitMessage }` applies to: `sessionId` of current_session.json (in
 * sessions/, or where version 0.1 wrote it while that is all there is), else 409.
 */
export async function currentSessionId(paths: HomePaths): Promise<string> {
  let text: string
  try {
    text = await readFile(summaryFileToRead(paths, 'currentSession'), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new HttpError(409, 'no current session: no session has been seen yet (current_session.json does not exist); send session_id')
    throw new HttpError(409, `no current session: current_session.json cannot be read (${code ?? 'error'}); send session_id`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new HttpError(409, 'no current session: current_session.json is not valid JSON; send session_id')
  }
  const id = (value as { sessionId?: unknown } | null)?.sessionId
  if (id === null || id === undefined) throw new HttpError(409, 'no current session: no session has been seen yet; send session_id')
  if (!isValidSessionId(id)) throw new HttpError(409, 'no current session: current_session.json names an invalid session id; send session_id')
  return id
}

/** The journal line for a report, exactly as a hook would write it. */
export function limitReportRecord(report: LimitReport & { sessionId: string }, now: number): JournalRecord {
  const record = newRecord('http', report.sessionId, 'LimitReported', now)
  if (report.message !== undefined) {
    // Like the hook: a banner ends a message, so a long text keeps its tail.
    if (report.message.length > MAX_TEXT_CHARS) {
      record.message = report.message.slice(-MAX_TEXT_CHARS)
      record.truncated = ['message']
    } else record.message = report.message
  }
  if (report.resetAt !== undefined) record.resetAt = report.resetAt
  if (report.cwd !== undefined) record.cwd = report.cwd
  if (report.transcriptPath !== undefined) record.transcriptPath = report.transcriptPath
  return record
}
