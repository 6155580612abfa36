/**
 * The events a session machine consumes: facts, never commands.
 *
 * Each event says what happened and when (`at`, epoch milliseconds, the time it
 * happened, not the time it was read). The supervisor builds them from two
 * sources, both kept in the session's journal so a replay reproduces the state:
 *
 * - lines the hooks appended (`session.started`, `prompt.submitted`,
 *   `turn.completed`, `limit.detected`, `turn.failed`, `session.ended`, and
 *   `owner.autoResume` from Claude Code's auto-continue notifications);
 * - the supervisor's own decisions, which it journals before acting on them
 *   (`resume.started`, `resume.exited`, `owner.timeout`, `schedule.staggered`)
 *   and manual requests (`resume.requested`, `schedule.cancelled`).
 *
 * `rearm` is the one event that is not a fact and is never journaled: send it
 * after every restore and on every supervisor tick so the machine re-reads its
 * due times (XState does not persist delayed events).
 */

/**
 * Which limit was hit. The limit parser (src/) produces the same strings.
 * `api_rate_limit`, `overloaded` and `server_throttle` are transient: they
 * clear in seconds to minutes.
 */
export type LimitKind =
  | 'five_hour'
  | 'weekly'
  | 'weekly_opus'
  | 'weekly_sonnet'
  | 'extra_usage'
  | 'api_rate_limit'
  | 'overloaded'
  | 'server_throttle'
  | 'unknown'

export const LIMIT_KINDS: readonly LimitKind[] = [
  'five_hour',
  'weekly',
  'weekly_opus',
  'weekly_sonnet',
  'extra_usage',
  'api_rate_limit',
  'overloaded',
  'server_throttle',
  'unknown',
]

/** Kinds that are transient whatever the event's `transient` flag says. */
export const TRANSIENT_LIMIT_KINDS: readonly LimitKind[] = [
  'api_rate_limit',
  'overloaded',
  'server_throttle',
]

/**
 * Claude Code's permission modes, as hook payloads name them (`manual` is the newer CLI's name
 * for `default`). A resumed run is started in the mode the session last ran in.
 */
export const PERMISSION_MODES = ['default', 'manual', 'acceptEdits', 'auto', 'dontAsk', 'plan', 'bypassPermissions'] as const
export type PermissionMode = (typeof PERMISSION_MODES)[number]

export function isPermissionMode(value: unknown): value is PermissionMode {
  return typeof value === 'string' && (PERMISSION_MODES as readonly string[]).includes(value)
}

/** What every hook-reported event may carry besides its own facts. */
export interface HookFacts {
  /**
   * Set when the event comes from one of the supervisor's own resumed runs: the attempt number
   * it was started with (it reaches the hooks through the run's environment). Absent: not ours.
   */
  runAttempt?: number
  /** The session's permission mode, when the hook payload said. */
  permissionMode?: PermissionMode
  /** The tmux pane (`%N`) the hook's Claude Code process runs in, when it runs in tmux. */
  tmuxPane?: string
}

/** A session started or was resumed (SessionStart hook). */
export interface SessionStartedEvent extends HookFacts {
  type: 'session.started'
  at: number
  /** `startup` | `resume` | `clear` | `compact` */
  source: string
  cwd?: string
  transcriptPath?: string
  claudePid?: number
}

/** A prompt was submitted: the user (or a resumed run) is working. */
export interface PromptSubmittedEvent extends HookFacts {
  type: 'prompt.submitted'
  at: number
}

/** A turn ended without a limit (Stop hook). */
export interface TurnCompletedEvent extends HookFacts {
  type: 'turn.completed'
  at: number
}

/** A plan, rate or capacity limit stopped the session. */
export interface LimitDetectedEvent extends HookFacts {
  type: 'limit.detected'
  at: number
  kind: LimitKind
  /** When the limit resets (epoch ms), or null when nobody said. */
  resetAt: number | null
  /** Where the facts came from: `transcript`, `banner`, `hook`, `http`... */
  source: string
  /** Overload, throttle or API 429: a short wait, not a plan reset. */
  transient: boolean
  /** Usage of the limiting window (0-100) when a usage source knew it. */
  usedPercentage?: number | null
  /** Where the session works, when the reporter said so (a session first heard of this way). */
  cwd?: string
  transcriptPath?: string
}

/** A turn failed for a reason that is not a limit (auth, billing...). */
export interface TurnFailedEvent extends HookFacts {
  type: 'turn.failed'
  at: number
  error: string
}

/** The Claude Code process that had the session open ended it. */
export interface SessionEndedEvent extends HookFacts {
  type: 'session.ended'
  at: number
  reason: string
}

export const RESUME_MODES = ['spawn', 'owner', 'tmux'] as const
export type ResumeMode = (typeof RESUME_MODES)[number]

/**
 * The supervisor started resume attempt `attempt` (journal it before acting).
 * `spawn`: it spawned `claude --resume <id> -p continue`.
 * `owner`: the session is still open in a live Claude Code process, whose own
 * auto-continue is given the chance; the supervisor spawns nothing.
 * `tmux`: the session is still open and Claude Code will not continue it by itself; the
 * supervisor types into the owner's own tmux pane (Enter, or the resume prompt), once.
 */
export interface ResumeStartedEvent {
  type: 'resume.started'
  at: number
  attempt: number
  mode: ResumeMode
  /** The permission mode the run was started in (spawn only; absent: Claude Code's default). */
  permissionMode?: PermissionMode
  /** The run carries its attempt in its environment, so its hooks say `runAttempt`. */
  marked?: boolean
}

/**
 * What a resumed run did, as the supervisor judged it from the run's own result object
 * (`--output-format json`), its exit code and the transcript:
 * - `completed`: it finished its turn with nothing refused;
 * - `blocked`: tools it needed were refused (nobody was there to approve them);
 * - `limited`: it hit a limit again;
 * - `failed`: it errored, or could not be started at all (`details.startError`);
 * - `not-started`: the supervisor stopped between journaling the attempt and letting it run.
 */
export const RUN_OUTCOMES = ['completed', 'blocked', 'limited', 'failed', 'not-started'] as const
export type RunOutcome = (typeof RUN_OUTCOMES)[number]

/** The run's own account of itself (absent on CLIs without a JSON result). */
export interface RunDetails {
  turns: number | null
  costUsd: number | null
  /** Names of the tools that were refused, never their inputs. */
  deniedTools: string[]
  /** The first line of the run's final answer, cut short. */
  resultLine: string | null
  terminalReason: string | null
  /** Why `claude` could not be started (not found, not executable), when that is what happened. */
  startError: string | null
}

/** The spawned resume run exited. */
export interface ResumeExitedEvent {
  type: 'resume.exited'
  at: number
  attempt: number
  /** null when it died from a signal or the supervisor lost track of it. */
  exitCode: number | null
  /** The run ended on a limit (the supervisor read the transcript tail). */
  limited: boolean
  /** The supervisor's verdict; journals written before verdicts existed derive it from the fields above. */
  outcome?: RunOutcome
  details?: RunDetails
}

/**
 * The supervisor will not resume this session by itself (plan mode, a bypass the user did not
 * allow, a missing folder): the user has to.
 */
export interface ResumeRefusedEvent {
  type: 'resume.refused'
  at: number
  reason: string
}

/** Manual "resume now" (CLI or HTTP). */
export interface ResumeRequestedEvent {
  type: 'resume.requested'
  at: number
}

/** Manual cancel of the pending schedule. */
export interface ScheduleCancelledEvent {
  type: 'schedule.cancelled'
  at: number
}

/**
 * The supervisor moved this session's retry so sessions sharing one quota do
 * not all resume at once (see `staggerRetryAt` in retry-policy.ts). The
 * machine never moves the retry before the policy's own time because of it.
 */
export interface ScheduleStaggeredEvent {
  type: 'schedule.staggered'
  at: number
  notBefore: number
}

/** The still-open owner session did not continue within the grace period. */
export interface OwnerTimeoutEvent {
  type: 'owner.timeout'
  at: number
}

/**
 * What Claude Code's own auto-continue did, as its Notification hook said (`notification_type`
 * `quota_auto_resume_<result>`):
 * - `fired`: the open session continued by itself at the reset;
 * - `stale`: the machine slept past the reset; the session now waits for Enter;
 * - `disabled`: the wait ended without continuing (a reset more than 24 h out, the session went
 *   to the background, the user cancelled it).
 * `stale` and `disabled` mean Claude Code will not continue this session: nobody else will while
 * it is open, so the user has to.
 */
export const AUTO_RESUME_RESULTS = ['fired', 'stale', 'disabled'] as const
export type AutoResumeResult = (typeof AUTO_RESUME_RESULTS)[number]

export interface OwnerAutoResumeEvent extends HookFacts {
  type: 'owner.autoResume'
  at: number
  result: AutoResumeResult
  /** Claude Code's own words (the notification's message), when it gave any. */
  message?: string
  /** The Claude Code process that sent it: the session's owner. */
  claudePid?: number
}

/**
 * The outcome of a `tmux` attempt: `sent` when the keys went into the owner's pane and the pane,
 * read back, took them; otherwise nothing (or nothing more) was typed, and `detail` says why
 * (the user is typing, the pane runs another process, tmux failed...).
 */
export interface TmuxContinuedEvent {
  type: 'tmux.continued'
  at: number
  attempt: number
  sent: boolean
  detail: string
}

/** Re-evaluate due times: after every restore and on each supervisor tick. */
export interface RearmEvent {
  type: 'rearm'
  at: number
}

export type SessionEvent =
  | SessionStartedEvent
  | PromptSubmittedEvent
  | TurnCompletedEvent
  | LimitDetectedEvent
  | TurnFailedEvent
  | SessionEndedEvent
  | ResumeStartedEvent
  | ResumeExitedEvent
  | ResumeRefusedEvent
  | ResumeRequestedEvent
  | ScheduleCancelledEvent
  | ScheduleStaggeredEvent
  | OwnerTimeoutEvent
  | OwnerAutoResumeEvent
  | TmuxContinuedEvent
  | RearmEvent

export type SessionEventType = SessionEvent['type']

export const SESSION_EVENT_TYPES: readonly SessionEventType[] = [
  'session.started',
  'prompt.submitted',
  'turn.completed',
  'limit.detected',
  'turn.failed',
  'session.ended',
  'resume.started',
  'resume.exited',
  'resume.refused',
  'resume.requested',
  'schedule.cancelled',
  'schedule.staggered',
  'owner.timeout',
  'owner.autoResume',
  'tmux.continued',
  'rearm',
]
