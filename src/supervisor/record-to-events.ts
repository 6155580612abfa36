// Journal records (what happened) become session machine events (what it means). Limit reading
// happens here, at the edge, so the machine stays pure: a Stop or StopFailure whose message or
// transcript row is a limit becomes `limit.detected` with the best reset time available
// (transcript epoch > banner text > none; docs/claude-code.md#transcript-limit-rows).
import { setTimeout as sleep } from 'node:timers/promises'
import type { JournalRecord } from '../journal/event-record.js'
import { firstLine } from './run-outcome.js'
import { parseLimitMessage } from '../limits/parse-limit-message.js'
import { DEFAULT_RETRY_DELAY_MS, readNewestAnswer, readTranscriptLimit, type TranscriptLimit } from '../limits/read-transcript-limit.js'
import { rowText } from '../limits/limit-row.js'
import { TMUX_PANE_ID } from '../journal/event-record.js'
import { AUTO_RESUME_RESULTS, isPermissionMode, RUN_OUTCOMES, type AutoResumeResult, type HookFacts, type LimitDetectedEvent, type RunDetails, type SessionEvent } from '../../state/session-events.js'

export interface TranslateOptions {
  /** Zone of the machine Claude Code runs on, for banner times without a zone. */
  timeZone: string
  /** Transcript reads retry briefly: the row may not be flushed when the hook fires. */
  transcriptRetries: number
}

/**
 * Claude Code may run a hook before it flushes the transcript row that goes with it, so reading the
 * row for a record this young retries briefly. An older record (a replay at start-up, a journal
 * caught up late) reads once: its row is on disk by now, or never will be, and waiting is lost time.
 */
export const TRANSCRIPT_FLUSH_MS = 60_000
export const LIVE_TRANSCRIPT_RETRIES = 3

/** `at` is the record's `ts` as epoch ms, when the caller has it already. */
export function transcriptRetriesFor(record: JournalRecord, now: number, at = Date.parse(record.ts)): number {
  return now - at < TRANSCRIPT_FLUSH_MS ? LIVE_TRANSCRIPT_RETRIES : 0
}

/**
 * The options for each record, chosen from two made once: an object per line would cost a replay,
 * and `zone` stays uncalled until a banner names a time without a zone.
 */
export function translateOptionsFor(zone: () => string): (record: JournalRecord, now: number, at?: number) => TranslateOptions {
  const make = (transcriptRetries: number): TranslateOptions => ({
    transcriptRetries,
    get timeZone() {
      return zone()
    },
  })
  const old = make(0)
  const live = make(LIVE_TRANSCRIPT_RETRIES)
  return (record, now, at) => (transcriptRetriesFor(record, now, at) === 0 ? old : live)
}

/** A transcript limit row belongs to an event when it was written shortly before it. */
export const ROW_MATCH_BEFORE_MS = 10 * 60_000
export const ROW_MATCH_AFTER_MS = 60_000

/** StopFailure `error` values that are a short wait, not a plan limit (public docs). */
const TRANSIENT_ERRORS: Record<string, LimitDetectedEvent['kind']> = {
  overloaded: 'overloaded',
  server_error: 'server_throttle',
}

/**
 * The events of one record: at once (an array) when the record alone decides, a promise when a
 * transcript must be read first (a Stop or StopFailure that reads as a limit). A replay applies
 * a hundred thousand lines; most of them need no wait.
 */
export function recordToEvents(record: JournalRecord, options: TranslateOptions, at = Date.parse(record.ts)): SessionEvent[] | Promise<SessionEvent[]> {
  if (record.agentId) return []
  const facts = hookFacts(record)
  const events = translate(record, at, options)
  if (facts === null) return events
  return Array.isArray(events) ? withFacts(events, facts) : events.then(later => withFacts(later, facts))
}

/** The events are this record's own, made just now: the facts go into them in place. */
function withFacts(events: SessionEvent[], facts: HookFacts): SessionEvent[] {
  for (const event of events) if (isHookEvent(event)) Object.assign(event, facts)
  return events
}

const HOOK_EVENT_TYPES = new Set<SessionEvent['type']>(['session.started', 'prompt.submitted', 'turn.completed', 'limit.detected', 'turn.failed', 'session.ended', 'owner.autoResume'])

function isHookEvent(event: SessionEvent): boolean {
  return HOOK_EVENT_TYPES.has(event.type)
}

/** Which of our runs fired the hook, and the session's permission mode, when the line says. */
function hookFacts(record: JournalRecord): HookFacts | null {
  if (record.origin !== 'hook') return null
  const facts: HookFacts = {}
  if (Number.isSafeInteger(record.runAttempt) && record.runAttempt! >= 1) facts.runAttempt = record.runAttempt
  if (isPermissionMode(record.permissionMode)) facts.permissionMode = record.permissionMode
  if (typeof record.tmuxPane === 'string' && TMUX_PANE_ID.test(record.tmuxPane)) facts.tmuxPane = record.tmuxPane
  return facts
}

function translate(record: JournalRecord, at: number, options: TranslateOptions): SessionEvent[] | Promise<SessionEvent[]> {
  switch (record.event) {
    case 'SessionStart':
      return [
        {
          type: 'session.started',
          at,
          source: record.source ?? 'startup',
          ...(record.cwd ? { cwd: record.cwd } : {}),
          ...(record.transcriptPath ? { transcriptPath: record.transcriptPath } : {}),
          ...(record.claudePid ? { claudePid: record.claudePid } : {}),
        },
      ]
    case 'UserPromptSubmit':
      return [{ type: 'prompt.submitted', at }]
    case 'Stop':
      return stopEvents(record, at, options)
    case 'StopFailure':
      return stopFailureEvents(record, at, options)
    case 'SessionEnd':
      return [{ type: 'session.ended', at, reason: record.reason ?? 'other' }]
    case 'Notification':
      return autoResumeFromNotification(record, at)
    case 'ResumeRequested':
      return [{ type: 'resume.requested', at }]
    case 'ScheduleCancelled':
      return [{ type: 'schedule.cancelled', at }]
    case 'LimitReported':
      return [{ ...limitFromReport(record, at, options), ...(record.cwd ? { cwd: record.cwd } : {}), ...(record.transcriptPath ? { transcriptPath: record.transcriptPath } : {}) }]
    case 'ResumeStarted':
      return [
        {
          type: 'resume.started',
          at,
          attempt: record.attempt ?? 1,
          mode: record.mode === 'owner' || record.mode === 'tmux' ? record.mode : 'spawn',
          ...(isPermissionMode(record.permissionMode) ? { permissionMode: record.permissionMode } : {}),
          ...(record.marked === true ? { marked: true } : {}),
        },
      ]
    case 'ResumeExited':
      return [
        {
          type: 'resume.exited',
          at,
          attempt: record.attempt ?? 1,
          exitCode: record.exitCode ?? null,
          limited: record.limited === true,
          ...(RUN_OUTCOMES.includes(record.outcome!) ? { outcome: record.outcome } : {}),
          ...(record.details ? { details: runDetails(record.details) } : {}),
        },
      ]
    case 'ResumeRefused':
      return [{ type: 'resume.refused', at, reason: record.reason ?? 'not resumed automatically' }]
    case 'OwnerTimeout':
      return [{ type: 'owner.timeout', at }]
    case 'TmuxContinued':
      return [{ type: 'tmux.continued', at, attempt: record.attempt ?? 1, sent: record.sent === true, detail: (record.reason ?? 'no reason given').slice(0, 300) }]
    case 'ScheduleStaggered':
      return Number.isFinite(record.notBefore) ? [{ type: 'schedule.staggered', at, notBefore: record.notBefore! }] : []
    default:
      return []
  }
}

/**
 * The zone is read only when a text names a time without one: the supervisor looks its zone up on
 * first use, because asking Intl pages in ICU's data (about 6 MiB) that only a limit banner needs.
 */
function parseOptions(at: number, options: TranslateOptions): { now: number; timeZone: string } {
  return new LazyZone(at, options)
}

/** A class, not a literal with a getter: one of these is made for every Stop a replay reads. */
class LazyZone {
  constructor(
    readonly now: number,
    private readonly options: TranslateOptions,
  ) {}

  get timeZone(): string {
    return this.options.timeZone
  }
}

/** Claude Code's auto-continue reports itself as Notification `quota_auto_resume_<result>`; other notifications mean nothing here. */
export const AUTO_RESUME_NOTIFICATION_PREFIX = 'quota_auto_resume_'
const MAX_AUTO_RESUME_MESSAGE = 300

function autoResumeFromNotification(record: JournalRecord, at: number): SessionEvent[] {
  const type = record.notificationType ?? ''
  if (!type.startsWith(AUTO_RESUME_NOTIFICATION_PREFIX)) return []
  const result = type.slice(AUTO_RESUME_NOTIFICATION_PREFIX.length)
  if (!(AUTO_RESUME_RESULTS as readonly string[]).includes(result)) return []
  const message = record.message?.trim().slice(0, MAX_AUTO_RESUME_MESSAGE)
  return [
    {
      type: 'owner.autoResume',
      at,
      result: result as AutoResumeResult,
      ...(message ? { message } : {}),
      ...(record.claudePid ? { claudePid: record.claudePid } : {}),
    },
  ]
}

/** A journal line is data from disk: keep only well-formed fields. */
function runDetails(raw: Partial<RunDetails>): RunDetails {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : null)
  return {
    turns: num(raw.turns),
    costUsd: num(raw.costUsd),
    deniedTools: Array.isArray(raw.deniedTools) ? raw.deniedTools.filter((t): t is string => typeof t === 'string').slice(0, 20).map(t => t.slice(0, 100)) : [],
    resultLine: str(raw.resultLine, 300),
    terminalReason: str(raw.terminalReason, 100),
    startError: str(raw.startError, 300),
  }
}

function withUsage(record: JournalRecord, event: SessionEvent): SessionEvent {
  return event.type === 'limit.detected' && Number.isFinite(record.usedPercentage) ? { ...event, usedPercentage: record.usedPercentage! } : event
}

/**
 * Before StopFailure existed (Claude Code < 2.1.78) a limit ended the turn with a plain Stop whose
 * message is the banner, written to the transcript as Claude Code's own error row. A model's answer
 * can hold a banner too: a subagent that hits a limit hands its banner to the main agent (in the
 * tool result or the task notification), the main turn goes on, and its answer may quote it.
 */
/** A Stop whose message reads as no limit is a completed turn, decided without the transcript. */
function stopEvents(record: JournalRecord, at: number, options: TranslateOptions): SessionEvent[] | Promise<SessionEvent[]> {
  const text = record.lastAssistantMessage ?? ''
  const parsed = parseLimitMessage(text, parseOptions(at, options))
  if (!parsed.limited && !parsed.transient) return [{ type: 'turn.completed', at }]
  return limitFromStop(record, at, text, parsed, options).then(limit => [withUsage(record, limit ?? { type: 'turn.completed', at })])
}

/** Only a rate_limit failure may need its transcript row; the other errors say all there is. */
function stopFailureEvents(record: JournalRecord, at: number, options: TranslateOptions): SessionEvent[] | Promise<SessionEvent[]> {
  const transientKind = record.error ? TRANSIENT_ERRORS[record.error] : undefined
  if (transientKind) return [withUsage(record, { type: 'limit.detected', at, kind: transientKind, resetAt: null, source: 'hook', transient: true })]
  if (record.error !== 'rate_limit') return [{ type: 'turn.failed', at, error: record.error ?? 'unknown' }]
  return limitFromRateLimit(record, at, options).then(event => [withUsage(record, event)])
}

async function limitFromStop(record: JournalRecord, at: number, text: string, parsed: ReturnType<typeof parseLimitMessage>, options: TranslateOptions): Promise<LimitDetectedEvent | null> {
  if (await isModelAnswer(record, text, options)) return null
  const row = await matchingRow(record, at, options)
  if (row?.limited) return fromRow(row, at)
  return fromBanner(parsed, at, 'banner')
}

async function limitFromRateLimit(record: JournalRecord, at: number, options: TranslateOptions): Promise<SessionEvent> {
  const row = await matchingRow(record, at, options)
  if (row && (row.limited || row.transient)) return fromRow(row, at)
  const parsed = parseLimitMessage(record.lastAssistantMessage ?? '', parseOptions(at, options))
  if (parsed.limited || parsed.transient) return fromBanner(parsed, at, 'banner')
  // A limit no reset clears (an organisation setting, credits gone): waiting would only waste attempts.
  if (parsed.category === 'blocked') return { type: 'turn.failed', at, error: `a limit no reset clears: ${firstLine(record.lastAssistantMessage ?? null) ?? 'no text'}` }
  // Claude Code said rate_limit but neither the row nor the text told more: a limit, time unknown.
  return { type: 'limit.detected', at, kind: 'unknown', resetAt: null, source: 'hook', transient: false }
}

function limitFromReport(record: JournalRecord, at: number, options: TranslateOptions): LimitDetectedEvent {
  const parsed = record.message ? parseLimitMessage(record.message, parseOptions(at, options)) : null
  const kind = parsed?.kind ?? 'unknown'
  const transient = parsed?.transient === true
  if (Number.isFinite(record.resetAt)) return { type: 'limit.detected', at, kind, resetAt: record.resetAt!, source: 'http', transient }
  if (parsed && (parsed.limited || parsed.transient)) return fromBanner(parsed, at, 'banner')
  return { type: 'limit.detected', at, kind, resetAt: null, source: 'http', transient }
}

/**
 * Whether the transcript's newest main-chain answer holds the Stop's message and is the model's
 * own, not Claude Code's error row. Not found (not flushed yet, no transcript) means "cannot tell".
 */
async function isModelAnswer(record: JournalRecord, text: string, options: TranslateOptions): Promise<boolean> {
  if (!record.transcriptPath) return false
  const wanted = text.trim()
  for (let attempt = 0; ; attempt++) {
    const row = await readNewestAnswer(record.transcriptPath)
    if (row && rowText(row).includes(wanted)) return row.isApiErrorMessage !== true
    if (attempt >= options.transcriptRetries) return false
    await sleep(DEFAULT_RETRY_DELAY_MS)
  }
}

async function matchingRow(record: JournalRecord, at: number, options: TranslateOptions): Promise<TranscriptLimit | null> {
  if (!record.transcriptPath) return null
  const result = await readTranscriptLimit(record.transcriptPath, Object.assign(parseOptions(at, options), { retries: options.transcriptRetries }))
  if (!result.ok || !result.limit) return null
  const rowAt = result.limit.timestamp ? Date.parse(result.limit.timestamp) : NaN
  if (!(rowAt >= at - ROW_MATCH_BEFORE_MS && rowAt <= at + ROW_MATCH_AFTER_MS)) return null
  return result.limit
}

function fromRow(row: TranscriptLimit, at: number): LimitDetectedEvent {
  const exact = row.source === 'transcript'
  const resetAt = row.resetAt === null ? null : exact || row.source !== 'banner' ? row.resetAt : row.resetAt + BANNER_PRECISION_MS
  return { type: 'limit.detected', at, kind: row.kind, resetAt, source: exact ? 'transcript' : 'banner', transient: row.transient }
}

/**
 * A banner prints minutes ("resets 4:01am" for a reset at 4:01:15), so the real reset may lie up
 * to a minute after the printed one: wait for the end of that minute, never resume early.
 */
export const BANNER_PRECISION_MS = 60_000

function fromBanner(parsed: ReturnType<typeof parseLimitMessage>, at: number, source: string): LimitDetectedEvent {
  const resetAt = parsed.resetAt === null ? null : parsed.source === 'banner' ? parsed.resetAt + BANNER_PRECISION_MS : parsed.resetAt
  return { type: 'limit.detected', at, kind: parsed.kind ?? 'unknown', resetAt, source, transient: parsed.transient }
}
