// What the session machine remembers (its context), the state names, and the pure questions the
// machine asks of its context: is this event our own run's, which limit is in force, what to say.
// Plain data only: a context is persisted as JSON with the snapshot.
import { DEFAULT_RETRY_POLICY, type RetryPolicyConfig, type RetrySource } from './retry-policy.js'
import type {
  HookFacts,
  LimitDetectedEvent,
  LimitKind,
  PermissionMode,
  ResumeExitedEvent,
  ResumeMode,
  RunDetails,
  RunOutcome,
} from './session-events.js'

/** State values: a public contract (they appear in JSON state files). */
export const SESSION_STATES = [
  'active',
  'limited',
  'scheduled',
  'due',
  'resuming',
  'awaitingOwner',
  'needsUser',
  'exhausted',
  'cancelled',
  'ended',
] as const
export type SessionStateValue = (typeof SESSION_STATES)[number]

/** The limit in force, as last adopted. */
export interface LimitRecord {
  kind: LimitKind
  resetAt: number | null
  source: string
  transient: boolean
  usedPercentage: number | null
  /** When it was detected. */
  at: number
}

export type ResumeOutcome =
  | 'running' // spawned run in progress
  | 'awaiting-owner' // the open owner session was given the chance
  | 'completed' // the run completed a turn (or exited 0 without a limit)
  | 'blocked' // the run's tools were refused: nobody was there to approve them
  | 'limited' // the run hit a limit again
  | 'failed' // the run exited non-zero without completing a turn, or could not start
  | 'not-started' // the supervisor stopped before the run could start
  | 'owner-continued' // the owner session showed activity
  | 'owner-ended' // the owner session ended before continuing
  | 'owner-timeout' // the owner did not continue within the grace period
  | 'owner-gave-up' // Claude Code's auto-continue said it will not continue the open session
  | 'tmux-sent' // the keys went into the owner's tmux pane and it took them
  | 'tmux-not-sent' // the owner's tmux pane was left alone (the user is typing, another program runs there)

export interface ResumeRecord {
  attempt: number
  mode: ResumeMode
  startedAt: number
  /** When the spawned run exited (null while running, or in owner mode). */
  exitedAt: number | null
  exitCode: number | null
  /** The run's own hooks reported a completed turn. */
  turnCompleted: boolean
  outcome: ResumeOutcome
  /** The run carries its attempt in its environment: its hooks, and only they, say `runAttempt`. */
  marked: boolean
  /** The permission mode it was started in (null: Claude Code's own default). */
  permissionMode: PermissionMode | null
  /** The run's own account (turns, cost, refused tools), once it exited. */
  details: RunDetails | null
  /** When `outcome` was last set. */
  at: number
}

/** Everything here is plain JSON: it is persisted with the snapshot. */
export interface SessionContext {
  sessionId: string
  /** The limit in force; null while active. */
  limit: LimitRecord | null
  /** When to resume (epoch ms); null when nothing is scheduled. */
  retryAt: number | null
  /** Why `retryAt` is at that time. */
  retrySource: RetrySource | null
  /** The policy's own time and source before the supervisor staggered it. */
  staggeredFrom: { retryAt: number; source: RetrySource | null } | null
  /** Resume attempts started in this limit episode (reset on `active`). */
  attempts: number
  /** The policy's maxAttempts when the last decision was made. */
  maxAttempts: number
  cwd: string | null
  transcriptPath: string | null
  /** The permission mode the user last ran the session in (from its hooks, never from our runs). */
  permissionMode: PermissionMode | null
  /** The pid of the Claude Code process that has the session open. */
  claudePid: number | null
  /** The tmux pane (`%N`) the owner runs in, from its hooks; null outside tmux or once it ended. */
  tmuxPane: string | null
  /**
   * Claude Code will not continue the open session by itself (its auto-continue gave up, or the
   * owner's grace period ran out): the supervisor may continue it in its tmux pane, once.
   */
  ownerStopped: { at: number; why: OwnerStopReason } | null
  /** Is the session open in a Claude Code process other than our own run? */
  open: boolean
  /** Last prompt, completed turn or session start. */
  lastActivityAt: number | null
  /** `at` of the last applied event (`rearm` excluded). */
  lastEventAt: number | null
  lastResume: ResumeRecord | null
  /** The latest decision's reasons, for status and doctor. */
  reasons: string[]
  needsUserReason: string | null
  /** The last non-limit failure (turn.failed). */
  lastError: { at: number; error: string } | null
}

/** `createActor(machine, { input })`. Only plain data: no functions. */
export interface SessionInput {
  sessionId: string
  cwd?: string
  transcriptPath?: string
  claudePid?: number
}

export function initialSessionContext(
  input: SessionInput,
  policy: RetryPolicyConfig = DEFAULT_RETRY_POLICY,
): SessionContext {
  // Copied by spread on purpose: XState copies the context with Object.assign on every assign, and
  // V8 turns a copy of a 20-field object literal into a slow dictionary object, and every later
  // copy with it (12 times slower, most of the replay's cost). A spread copy keeps them all fast.
  const context: SessionContext = {
    sessionId: input.sessionId,
    limit: null,
    retryAt: null,
    retrySource: null,
    staggeredFrom: null,
    attempts: 0,
    maxAttempts: policy.maxAttempts,
    cwd: input.cwd ?? null,
    transcriptPath: input.transcriptPath ?? null,
    permissionMode: null,
    claudePid: input.claudePid ?? null,
    tmuxPane: null,
    ownerStopped: null,
    open: true,
    lastActivityAt: null,
    lastEventAt: null,
    lastResume: null,
    reasons: [],
    needsUserReason: null,
    lastError: null,
  }
  return { ...context }
}

export function limitOf(event: LimitDetectedEvent): LimitRecord {
  return {
    kind: event.kind,
    // non-finite numbers would not survive JSON: they become null (unknown)
    resetAt: Number.isFinite(event.resetAt) ? event.resetAt : null,
    source: event.source,
    transient: event.transient === true,
    usedPercentage: Number.isFinite(event.usedPercentage) ? (event.usedPercentage as number) : null,
    at: event.at,
  }
}

/** The last resume, when it was a run the supervisor spawned. */
function lastSpawn(context: SessionContext): ResumeRecord | null {
  const run = context.lastResume
  return run?.mode === 'spawn' ? run : null
}

/** `at` falls within the run's life: after its start, and before its exit if it exited. */
function duringRun(run: ResumeRecord, at: number): boolean {
  return at >= run.startedAt && (run.exitedAt === null || at <= run.exitedAt)
}

/**
 * Was this event fired by one of our own spawned resume runs? Its hooks
 * (session.started, the resume prompt, Stop, SessionEnd) are not the user
 * coming back, and may land after `resume.exited`. A marked run's hooks say
 * so themselves (`runAttempt`); for runs started before runs were marked,
 * the run's time window is the only clue.
 */
export function isOwnRun(context: SessionContext, event: { at: number } & HookFacts): boolean {
  if (typeof event.runAttempt === 'number') return true
  const run = lastSpawn(context)
  return run !== null && !run.marked && duringRun(run, event.at)
}

/** The last run was marked: its exit, not its hooks, decides what it did. */
export function lastRunMarked(context: SessionContext): boolean {
  return lastSpawn(context)?.marked === true
}

/** A limit from the time the last run lived, arriving after its exit was recorded. */
export function isLateLimitOfLastRun(context: SessionContext, at: number): boolean {
  const run = lastSpawn(context)
  return run !== null && run.exitedAt !== null && duringRun(run, at)
}

/** `attempt` is the spawned run in progress (not an old or repeated exit). */
export function isRunningAttempt(context: SessionContext, attempt: number): boolean {
  const run = lastSpawn(context)
  return run !== null && run.attempt === attempt && run.exitedAt === null
}

/** The verdict of a run exit; journals from before verdicts derive it from the exit code. */
export function exitOutcome(event: ResumeExitedEvent): RunOutcome {
  if (event.outcome) return event.outcome
  if (event.limited) return 'limited'
  return event.exitCode === 0 ? 'completed' : 'failed'
}

/** Why Claude Code will not continue an open session: its auto-continue's word, or the grace period ran out. */
export type OwnerStopReason = 'stale' | 'disabled' | 'timeout'

/** The owner's tmux pane as a hook reported it (never our own run's). */
export function userPane(context: SessionContext, event: { at: number } & HookFacts): string | null {
  return !isOwnRun(context, event) && event.tmuxPane ? event.tmuxPane : (context.tmuxPane ?? null)
}

/** The mode a hook reported, kept unless the event came from our own run. */
export function userMode(context: SessionContext, event: { at: number } & HookFacts): PermissionMode | null {
  return !isOwnRun(context, event) && event.permissionMode ? event.permissionMode : context.permissionMode
}

export function baseRetryAt(context: SessionContext): number | null {
  return context.staggeredFrom?.retryAt ?? context.retryAt
}

export function withReason(reasons: string[], line: string, dropPrefix: string): string[] {
  return [...reasons.filter(r => !r.startsWith(dropPrefix)), line]
}

/** `fired (…message…)`: what the notification said, in its own words when it gave some. */
export function autoResumeText(event: { result: string; message?: string }): string {
  const names: Record<string, string> = {
    fired: 'it continued the session at the reset',
    stale: 'the machine slept past the reset and the session waits for Enter',
    disabled: 'it stopped waiting for the reset',
  }
  const what = names[event.result] ?? event.result
  return `${what} (quota_auto_resume_${event.result}${event.message ? `: ${event.message}` : ''})`
}

export function startText(mode: ResumeMode, attempt: number): string {
  if (mode === 'spawn') return `resume attempt ${attempt} started: claude --resume`
  if (mode === 'tmux') return `resume attempt ${attempt}: continuing the open session in its tmux pane`
  return `resume attempt ${attempt}: the open session may continue by itself`
}
