// The journal line format, schema version 1: one JSON object per line in
// <home>/sessions/events/<session_id>.jsonl. Hooks, the CLI, the HTTP API and the supervisor
// all write this one shape, so the supervisor has a single path into the machine.
import { randomUUID } from 'node:crypto'
import { describeBadSessionId, isValidSessionId } from '../home/session-id.js'
import type { RunDetails, RunOutcome } from '../../state/session-events.js'
import { EARLIEST_TIME_MS, isPlausibleReset, isValidTime, LATEST_TIME_MS } from '../../state/time-range.js'

export const JOURNAL_SCHEMA_VERSION = 1
/** A tmux pane id as tmux prints it (`#{pane_id}`, `TMUX_PANE`). */
export const TMUX_PANE_ID = /^%\d{1,9}$/
/** Long texts are cut to their tail (a limit banner ends a message) so a line stays one small write. */
export const MAX_TEXT_CHARS = 8192

/** Who wrote the line. */
export type RecordOrigin = 'hook' | 'cli' | 'http' | 'supervisor'

export interface JournalRecord {
  v: typeof JOURNAL_SCHEMA_VERSION
  /** Unique per event; a line seen twice (a promotion retried after a crash) is applied once. */
  id: string
  /** ISO-8601 UTC: when the event happened (for hooks, when the raw event reached the disk). */
  ts: string
  /** Claude Code's hook_event_name, or one of the product's own events (ControlEvent). */
  event: string
  sessionId: string
  origin: RecordOrigin
  cwd?: string
  transcriptPath?: string
  /** SessionStart: startup | resume | clear | compact. */
  source?: string
  /** SessionEnd: clear | logout | prompt_input_exit | other ... */
  reason?: string
  /** StopFailure: rate_limit | overloaded | ... */
  error?: string
  errorDetails?: string
  /** Present when the event comes from a subagent, not the main session. */
  agentId?: string
  agentType?: string
  lastAssistantMessage?: string
  /** Notification text, or the limit message posted to /notify-limit. */
  message?: string
  notificationType?: string
  /** Epoch ms of a reset reported by a caller of /notify-limit. */
  resetAt?: number
  /** The Claude Code process that ran the hook, for later liveness checks. */
  claudePid?: number
  /** The tmux pane the hook's Claude Code runs in (`TMUX_PANE`, `%N`). */
  tmuxPane?: string
  permissionMode?: string
  /** The attempt of the supervisor's own resumed run that fired this hook (from its environment). */
  runAttempt?: number
  /** Length only: prompts are the user's words and never stored. */
  promptLength?: number
  truncated?: string[]
  /** Set when the line was rebuilt from another record, e.g. a StopFailure from the transcript. */
  recovered?: 'transcript'
  /** Fields of the product's own events (resume attempts and their outcome). */
  attempt?: number
  mode?: string
  exitCode?: number | null
  limited?: boolean
  pid?: number
  /** ResumeStarted: the run carries its attempt in its environment. */
  marked?: boolean
  /** ResumeStarted: asked for by the user (not counted by the daily cap on automatic resumes). */
  manual?: boolean
  /** TmuxContinued: the keys went into the owner's pane (`reason` says what, or why not). */
  sent?: boolean
  /** ResumeExited: the supervisor's verdict on the run, and the run's own account. */
  outcome?: RunOutcome
  details?: RunDetails
  /** Five-hour usage (0-100) the status line last recorded, when fresh: the adaptive wait uses it. */
  usedPercentage?: number
  /** ScheduleStaggered: the earliest retry time (epoch ms) the supervisor allows this session. */
  notBefore?: number
}

/** Events the product writes itself; hook events keep Claude Code's names. */
export const CONTROL_EVENTS = [
  'ResumeRequested',
  'ScheduleCancelled',
  'LimitReported',
  'ResumeStarted',
  'ResumeExited',
  'ResumeRefused',
  'OwnerTimeout',
  'ScheduleStaggered',
  'TmuxContinued',
] as const
export type ControlEvent = (typeof CONTROL_EVENTS)[number]

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

export interface HookMeta {
  id: string
  ts: string
  claudePid?: number
  tmuxPane?: string
  runAttempt?: number
}

/**
 * The one way to build a record: hooks, the CLI, the HTTP API and the supervisor all start here.
 * `id` and `ts` default to a fresh UUID and `now`.
 */
export function newRecord(
  origin: RecordOrigin,
  sessionId: string,
  event: string,
  now: number,
  fields: Partial<Omit<JournalRecord, 'v' | 'origin' | 'sessionId' | 'event'>> = {},
): JournalRecord {
  // Defaults only when not given: a hook record brings its own id and time (stage 2's hot path).
  const { id = randomUUID(), ts = new Date(now).toISOString(), ...rest } = fields
  return { v: JOURNAL_SCHEMA_VERSION, id, ts, event, sessionId, origin, ...rest }
}

/** Turns Claude Code's hook stdin payload into a journal record, or says why it cannot. */
export function recordFromHookPayload(payload: unknown, meta: HookMeta): Parsed<JournalRecord> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, error: 'hook input is not a JSON object' }
  }
  const p = payload as Record<string, unknown>
  if (!isValidSessionId(p.session_id)) return { ok: false, error: describeBadSessionId(p.session_id) }
  if (typeof p.hook_event_name !== 'string' || !/^[A-Za-z]{1,64}$/.test(p.hook_event_name)) {
    return { ok: false, error: 'hook_event_name is missing or not a plain name' }
  }
  const truncated: string[] = []
  const text = (key: string): string | undefined => {
    const value = p[key]
    if (typeof value !== 'string') return undefined
    if (value.length <= MAX_TEXT_CHARS) return value
    truncated.push(key)
    return value.slice(-MAX_TEXT_CHARS)
  }
  const record = newRecord('hook', p.session_id, p.hook_event_name, 0, { id: meta.id, ts: meta.ts })
  assignDefined(record, {
    cwd: text('cwd'),
    transcriptPath: text('transcript_path'),
    source: text('source'),
    reason: text('reason'),
    error: text('error'),
    errorDetails: text('error_details'),
    agentId: text('agent_id'),
    agentType: text('agent_type'),
    lastAssistantMessage: text('last_assistant_message'),
    message: text('message'),
    notificationType: text('notification_type'),
    permissionMode: text('permission_mode'),
    promptLength: typeof p.prompt === 'string' ? p.prompt.length : undefined,
    claudePid: meta.claudePid,
    tmuxPane: meta.tmuxPane,
    runAttempt: meta.runAttempt,
  })
  if (truncated.length > 0) record.truncated = truncated
  return { ok: true, value: record }
}

function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value
  }
}

export function serializeRecord(record: JournalRecord): string {
  return JSON.stringify(record) + '\n'
}

/** A journal line read back, with its `ts` as epoch ms (parsed once: a replay reads 100,000 lines). */
export type ParsedLine = { ok: true; value: JournalRecord; at: number } | { ok: false; error: string }

/**
 * Reads one journal line back; anything that is not a v1 record is an error, never a throw. Its
 * times must be in range: one bad time applied to a session would poison it for good.
 */
export function parseJournalLine(line: string): ParsedLine {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { ok: false, error: 'not JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'not an object' }
  const r = value as Partial<JournalRecord>
  if (r.v !== JOURNAL_SCHEMA_VERSION) return { ok: false, error: `unknown schema version ${JSON.stringify(r.v)}` }
  if (typeof r.id !== 'string' || r.id.length === 0) return { ok: false, error: 'missing id' }
  const at = typeof r.ts === 'string' ? Date.parse(r.ts) : NaN
  if (Number.isNaN(at)) return { ok: false, error: 'missing or invalid ts' }
  if (!isValidTime(at)) return { ok: false, error: `ts ${JSON.stringify(r.ts!.slice(0, 40))} is out of range (${TIME_RANGE})` }
  if (typeof r.event !== 'string') return { ok: false, error: 'missing event' }
  if (!isValidSessionId(r.sessionId)) return { ok: false, error: describeBadSessionId(r.sessionId) }
  for (const field of ['resetAt', 'notBefore'] as const) {
    if (r[field] !== undefined && !isPlausibleReset(r[field], at)) {
      return { ok: false, error: `${field} ${JSON.stringify(r[field])} is not a time within a year of ts` }
    }
  }
  return { ok: true, value: r as JournalRecord, at }
}

const TIME_RANGE = `${new Date(EARLIEST_TIME_MS).getUTCFullYear()} to ${new Date(LATEST_TIME_MS).getUTCFullYear()}`
