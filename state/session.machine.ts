/**
 * One Claude Code session, from its journal's facts to "resume it now".
 *
 * The main path:
 *
 *   active ──limit.detected──▶ limited ──(policy: schedule)──▶ scheduled
 *     ▲                          │ (policy: wait → stays)         │ now() ≥ retryAt (capped timer, or rearm)
 *     │                          └─(policy: exhausted)─▶ exhausted ▼
 *     │                                                           due ── the supervisor's runner takes over
 *     │                                            resume.started │ mode spawn        │ mode owner
 *     │                                                           ▼                   ▼
 *     ├──── turn.completed / resume.exited 0 ──────────────── resuming          awaitingOwner
 *     │                                                           │                   │
 *     │          limit.detected / resume.exited limited ─▶ limited (backoff)  ◀───────┤ limit.detected
 *     │          resume.exited failed ─▶ scheduled (backoff), or exhausted at max      │
 *     └──── prompt.submitted / turn.completed / session.started (the owner went on) ──┤
 *                                                  session.ended ─▶ due  ◀────────────┤
 *                                                  owner.timeout ─▶ needsUser ◀───────┘
 *
 * Every transition, by state (events not listed are recorded, not acted on):
 *
 *   active         limit.detected → limited; session.ended → ended (not our own run's)
 *   limited        always → scheduled | exhausted per policy, needsUser for a long wait under
 *                  the notify policy, else stays (wait);
 *                  rearm / limit.detected → re-decide
 *   scheduled      timer or rearm when due → due; limit.detected → earlier only (never-later),
 *                  except the late limit of the run that just failed (may move later);
 *                  schedule.staggered → max(policy time, notBefore)
 *   due            (the supervisor journals resume.started)
 *   resuming       turn.completed → active (an unmarked run's; a marked run's waits for its
 *                  exit); limit.detected → limited; resume.exited by verdict: limited → limited,
 *                  completed → active, blocked → needsUser, not-started → scheduled (now),
 *                  claude not startable → needsUser, else → scheduled (backoff) | exhausted;
 *                  the run's own session.started / prompt.submitted: stay
 *   awaitingOwner  activity → active; session.ended → due; owner.timeout → needsUser;
 *                  limit.detected → limited; resume.started spawn → resuming;
 *                  owner.autoResume fired → active, stale / disabled → needsUser (no grace wait)
 *   needsUser      session.ended → scheduled when the retry time is still ahead (Claude Code
 *                  gave up before the reset); stays when nothing is scheduled and the limit's
 *                  reset is still ahead (a long wait under the notify policy); else due
 *                  (nobody owns it now)
 *   ended          session.started / prompt.submitted → active;
 *                  limit.detected → limited (the limit landed after SessionEnd)
 *   waiting states (limited, scheduled, due, needsUser, exhausted, cancelled):
 *                  prompt.submitted / turn.completed / session.started → active, schedule
 *                  dropped (the user came back) — unless it is our own run's hook landing
 *                  late: its turn.completed is that run's success, the rest is ignored
 *   owner.autoResume   Claude Code's own auto-continue (not our run's): fired → active from
 *                  any waiting state (the owner continued); stale / disabled → needsUser from
 *                  limited / scheduled / due (the retry time is kept: nobody may write to an
 *                  open session, so the user has to act); elsewhere recorded
 *   resume.requested   limited / scheduled / exhausted / needsUser / cancelled → due;
 *                  in due: marks the retry manual (the runner's daily cap does not hold it back)
 *   schedule.cancelled limited / scheduled / due / awaitingOwner / needsUser → cancelled
 *   resume.refused     any state → needsUser (plan mode, a bypass not allowed, a missing folder)
 *   resume.started     any state → resuming (spawn) / awaitingOwner (owner): the supervisor
 *                  journals it, and a replay never sees the timer that made the session due
 *                  (a second start while resuming / awaiting the owner is ignored)
 *
 * `limited` is left in the same macrostep when the policy schedules; it shows
 * in `inspect` microsteps (`@xstate.microstep`), not in subscribe snapshots.
 *
 * Time: the machine reads the clock only through `now` given to
 * `createSessionMachine`, and only to fire timers (`retryDue`, `untilRetry`).
 * Decisions use the `at` of the event that calls for them, so a replay of the
 * journal computes the same `retryAt`.
 *
 * Timers: XState does not persist delayed events. `retryAt` is absolute and
 * in context; the `untilRetry` delay is capped at MAX_TIMER_MS and `scheduled`
 * re-enters itself on each wake until the retry is due. After a restore (and
 * on each supervisor tick) send `rearm`: `scheduled` goes to `due` at once if
 * the retry time has passed, else re-arms its timer; `limited` re-decides.
 *
 * Actions are pure `assign`s (nothing here throws), guards are pure.
 */
import { and, assign, setup } from 'xstate'
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  iso,
  jitterFraction,
  knownResetAt,
  type LimitInfo,
  type RetryDecision,
  type RetryPolicyConfig,
  type RetrySource,
} from './retry-policy.js'
import type {
  HookFacts,
  LimitDetectedEvent,
  LimitKind,
  PermissionMode,
  ResumeExitedEvent,
  ResumeMode,
  RunDetails,
  RunOutcome,
  SessionEvent,
} from './session-events.js'

/** The longest single timer; a longer wait re-enters `scheduled`. */
export const MAX_TIMER_MS = 60_000

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

export interface SessionMachineOptions {
  /** The only clock the machine reads (tests: `() => clock.now()`). */
  now: () => number
  policy?: RetryPolicyConfig
}

export function initialSessionContext(
  input: SessionInput,
  policy: RetryPolicyConfig = DEFAULT_RETRY_POLICY,
): SessionContext {
  return {
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
}

function limitOf(event: LimitDetectedEvent): LimitRecord {
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

/**
 * Was this event fired by one of our own spawned resume runs? Its hooks
 * (session.started, the resume prompt, Stop, SessionEnd) are not the user
 * coming back, and may land after `resume.exited`. A marked run's hooks say
 * so themselves (`runAttempt`); for runs started before runs were marked,
 * the run's time window is the only clue.
 */
function isOwnRun(context: SessionContext, event: { at: number } & HookFacts): boolean {
  if (typeof event.runAttempt === 'number') return true
  const run = context.lastResume
  if (!run || run.mode !== 'spawn' || run.marked) return false
  return event.at >= run.startedAt && (run.exitedAt === null || event.at <= run.exitedAt)
}

/** The last run was marked: its exit, not its hooks, decides what it did. */
function lastRunMarked(context: SessionContext): boolean {
  return context.lastResume?.mode === 'spawn' && context.lastResume.marked
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
function userPane(context: SessionContext, event: { at: number } & HookFacts): string | null {
  return !isOwnRun(context, event) && event.tmuxPane ? event.tmuxPane : (context.tmuxPane ?? null)
}

/** The mode a hook reported, kept unless the event came from our own run. */
function userMode(context: SessionContext, event: { at: number } & HookFacts): PermissionMode | null {
  return !isOwnRun(context, event) && event.permissionMode ? event.permissionMode : context.permissionMode
}

function baseRetryAt(context: SessionContext): number | null {
  return context.staggeredFrom?.retryAt ?? context.retryAt
}

function withReason(reasons: string[], line: string, dropPrefix: string): string[] {
  return [...reasons.filter(r => !r.startsWith(dropPrefix)), line]
}

/**
 * Build the session machine. `now` and `policy` live in this closure, never in
 * context, so persisted snapshots stay plain JSON; restore them with
 * `createActor(createSessionMachine(opts), { snapshot })`, start, then send
 * `rearm`.
 */
export function createSessionMachine(options: SessionMachineOptions) {
  const now = options.now
  const policy = options.policy ?? DEFAULT_RETRY_POLICY

  const decide = (
    context: SessionContext,
    at: number,
    limit: LimitInfo | null,
  ): RetryDecision =>
    decideRetry({
      at,
      limit,
      attempts: context.attempts,
      config: policy,
      random: jitterFraction(context.sessionId, context.attempts),
    })

  /** The decision `limited` acts on: from the facts in context only. */
  const decideInContext = (context: SessionContext): RetryDecision =>
    decide(context, context.lastEventAt ?? now(), context.limit)

  const applyDecision = (d: RetryDecision) => ({
    retryAt: d.retryAt,
    retrySource: d.source,
    staggeredFrom: null,
    reasons: d.reasons,
    maxAttempts: policy.maxAttempts,
  })

  /** A new limit that would move a pending retry earlier (never later). */
  const earlierDecision = (
    context: SessionContext,
    event: LimitDetectedEvent,
  ): { decision: RetryDecision; before: number } | null => {
    const limit = limitOf(event)
    if (knownResetAt(limit, event.at, policy) === null) return null
    const decision = decide(context, event.at, limit)
    const before = baseRetryAt(context)
    if (decision.action !== 'schedule' || before === null || decision.retryAt >= before) {
      return null
    }
    return { decision, before }
  }

  return setup({
    types: {
      context: {} as SessionContext,
      events: {} as SessionEvent,
      input: {} as SessionInput,
    },
    delays: {
      untilRetry: ({ context }) =>
        context.retryAt === null
          ? MAX_TIMER_MS
          : Math.min(Math.max(context.retryAt - now(), 0), MAX_TIMER_MS),
    },
    guards: {
      retryDue: ({ context }) => context.retryAt !== null && now() >= context.retryAt,
      isSpawn: ({ event }) => event.type === 'resume.started' && event.mode === 'spawn',
      isCurrentTmuxAttempt: ({ context, event }) =>
        event.type === 'tmux.continued' &&
        context.lastResume?.mode === 'tmux' &&
        context.lastResume.attempt === event.attempt &&
        context.lastResume.outcome === 'awaiting-owner',
      tmuxSent: ({ event }) => event.type === 'tmux.continued' && event.sent,
      autoResumeFired: ({ context, event }) =>
        event.type === 'owner.autoResume' && event.result === 'fired' && !isOwnRun(context, event),
      autoResumeGaveUp: ({ context, event }) =>
        event.type === 'owner.autoResume' && event.result !== 'fired' && !isOwnRun(context, event),
      retryStillAhead: ({ context, event }) => context.retryAt !== null && context.retryAt > event.at,
      isOwnRunEvent: ({ context, event }) => isOwnRun(context, event),
      /** A marked run's own event in a waiting state: its exit already decided; nothing to do. */
      isMarkedOwnRunEvent: ({ context, event }) => lastRunMarked(context) && isOwnRun(context, event),
      decisionSchedules: ({ context }) => decideInContext(context).action === 'schedule',
      decisionExhausted: ({ context }) => decideInContext(context).action === 'exhausted',
      decisionNotifies: ({ context }) => decideInContext(context).action === 'notify',
      /** Nothing scheduled and the limit's reset still ahead: a spawn now would only hit it. */
      limitStillAhead: ({ context, event }) =>
        context.retryAt === null && context.limit?.resetAt != null && context.limit.resetAt > event.at,
      isLateLimitOfLastRun: ({ context, event }) => {
        const run = context.lastResume
        return (
          event.type === 'limit.detected' &&
          run !== null &&
          run.mode === 'spawn' &&
          run.exitedAt !== null &&
          event.at >= run.startedAt &&
          event.at <= run.exitedAt
        )
      },
      limitMovesRetryEarlier: ({ context, event }) =>
        event.type === 'limit.detected' && earlierDecision(context, event) !== null,
      isStaleExit: ({ context, event }) =>
        event.type === 'resume.exited' &&
        (context.lastResume === null ||
          context.lastResume.mode !== 'spawn' ||
          context.lastResume.attempt !== event.attempt ||
          context.lastResume.exitedAt !== null),
      exitLimited: ({ event }) => event.type === 'resume.exited' && exitOutcome(event) === 'limited',
      exitClean: ({ event }) => event.type === 'resume.exited' && exitOutcome(event) === 'completed',
      exitBlocked: ({ event }) => event.type === 'resume.exited' && exitOutcome(event) === 'blocked',
      exitNotStarted: ({ event }) => event.type === 'resume.exited' && exitOutcome(event) === 'not-started',
      exitCannotStart: ({ event }) => event.type === 'resume.exited' && Boolean(event.details?.startError),
      failureExhausts: ({ context, event }) =>
        decide(context, event.at, context.limit).action !== 'schedule',
    },
    actions: {
      /** Leaving a limit episode: nothing pending, attempts start over. */
      clearEpisode: assign({
        limit: null,
        retryAt: null,
        retrySource: null,
        staggeredFrom: null,
        attempts: 0,
        needsUserReason: null,
        ownerStopped: null,
      }),
      recordActivity: assign(({ context, event }) => {
        const own = isOwnRun(context, event)
        const run = context.lastResume
        return {
          lastActivityAt: event.at,
          lastEventAt: event.at,
          permissionMode: userMode(context, event),
          tmuxPane: userPane(context, event),
          open: own ? context.open : true,
          lastResume:
            own && run && event.type === 'turn.completed'
              ? { ...run, turnCompleted: true }
              : run,
        }
      }),
      recordSessionStarted: assign(({ context, event }) => {
        if (event.type !== 'session.started') return {}
        const own = isOwnRun(context, event)
        return {
          permissionMode: userMode(context, event),
          cwd: event.cwd ?? context.cwd,
          transcriptPath: event.transcriptPath ?? context.transcriptPath,
          claudePid: own ? context.claudePid : (event.claudePid ?? context.claudePid),
          tmuxPane: userPane(context, event),
          open: own ? context.open : true,
          lastActivityAt: event.at,
          lastEventAt: event.at,
        }
      }),
      recordEnded: assign(({ context, event }) => {
        const own = isOwnRun(context, event)
        return {
          open: own ? context.open : false,
          claudePid: own ? context.claudePid : null,
          tmuxPane: own ? (context.tmuxPane ?? null) : null,
          lastEventAt: event.at,
        }
      }),
      recordFailure: assign(({ event }) =>
        event.type === 'turn.failed'
          ? { lastError: { at: event.at, error: event.error }, lastEventAt: event.at }
          : {},
      ),
      touch: assign(({ event }) => ({ lastEventAt: event.at })),
      adoptLimit: assign(({ context, event }) =>
        event.type === 'limit.detected'
          ? {
              limit: limitOf(event),
              lastEventAt: event.at,
              // A limit reported over HTTP may be the first we hear of a session: keep its folder.
              cwd: context.cwd ?? event.cwd ?? null,
              transcriptPath: context.transcriptPath ?? event.transcriptPath ?? null,
            }
          : {},
      ),
      /** Entry of `limited`: ask the policy. */
      decide: assign(({ context }) => applyDecision(decideInContext(context))),
      adoptEarlierLimit: assign(({ context, event }) => {
        if (event.type !== 'limit.detected') return {}
        const earlier = earlierDecision(context, event)
        if (!earlier) return {}
        return {
          ...applyDecision(earlier.decision),
          limit: limitOf(event),
          lastEventAt: event.at,
          reasons: [...earlier.decision.reasons, `moved earlier from ${iso(earlier.before)}`],
        }
      }),
      adoptLateRunLimit: assign(({ context, event }) => {
        if (event.type !== 'limit.detected') return {}
        const limit = limitOf(event)
        const d = decide(context, event.at, limit)
        const base = baseRetryAt(context)
        const later = d.action === 'schedule' && (base === null || d.retryAt > base)
        if (!later) return { limit, lastEventAt: event.at }
        return {
          ...applyDecision(d),
          limit,
          lastEventAt: event.at,
          reasons: [
            ...d.reasons,
            `the limit of resume attempt ${context.lastResume?.attempt} arrived after it exited`,
          ],
        }
      }),
      keepRetry: assign(({ context, event }) => {
        if (event.type !== 'limit.detected') return {}
        const at = context.retryAt
        const line =
          `kept ${at === null ? 'state' : `retry at ${iso(at)}`}: ${event.kind} limit from ` +
          `${event.source} (reset ${event.resetAt === null ? 'unknown' : iso(event.resetAt)}) ` +
          `would not move it earlier`
        return { lastEventAt: event.at, reasons: withReason(context.reasons, line, 'kept ') }
      }),
      applyStagger: assign(({ context, event }) => {
        if (event.type !== 'schedule.staggered') return {}
        const base = baseRetryAt(context)
        if (base === null || !Number.isFinite(event.notBefore)) {
          return { lastEventAt: event.at }
        }
        const source = context.staggeredFrom ? context.staggeredFrom.source : context.retrySource
        const retryAt = Math.max(base, event.notBefore)
        const staggered = retryAt > base
        return {
          lastEventAt: event.at,
          retryAt,
          retrySource: staggered ? ('stagger' as const) : source,
          staggeredFrom: staggered ? { retryAt: base, source } : null,
          reasons: withReason(
            context.reasons,
            staggered
              ? `staggered from ${iso(base)} to ${iso(retryAt)}: sessions sharing the quota resume apart`
              : `staggering removed: back to ${iso(base)}`,
            'stagger',
          ),
        }
      }),
      noteDue: assign(({ context }) => ({
        reasons: [
          `retry time ${context.retryAt === null ? '?' : iso(context.retryAt)} reached (${context.retrySource ?? '?'})`,
        ],
      })),
      requestNow: assign(({ event }) => ({
        lastEventAt: event.at,
        retryAt: event.at,
        retrySource: 'manual' as const,
        staggeredFrom: null,
        needsUserReason: null,
        reasons: ['resume requested manually'],
      })),
      ownerGone: assign({
        needsUserReason: null,
        reasons: ['the open session ended: nobody owns it now, a resume may spawn'],
      }),
      cancel: assign(({ event }) => ({
        lastEventAt: event.at,
        retryAt: null,
        retrySource: null,
        staggeredFrom: null,
        reasons: ['schedule cancelled manually'],
      })),
      startResume: assign(({ context, event }) => {
        if (event.type !== 'resume.started') return {}
        const attempt = Math.max(context.attempts + 1, Math.floor(event.attempt) || 0)
        // spawn: the supervisor found nobody holding the session open; from
        // here our own run's hooks never change `open` or `claudePid`.
        const spawn = event.mode === 'spawn'
        return {
          attempts: attempt,
          lastEventAt: event.at,
          open: spawn ? false : context.open,
          claudePid: spawn ? null : context.claudePid,
          ownerStopped: null,
          retryAt: null,
          retrySource: null,
          staggeredFrom: null,
          needsUserReason: null,
          lastResume: {
            attempt,
            mode: event.mode,
            startedAt: event.at,
            exitedAt: null,
            exitCode: null,
            turnCompleted: false,
            outcome: event.mode === 'spawn' ? ('running' as const) : ('awaiting-owner' as const),
            at: event.at,
            marked: event.mode === 'spawn' && event.marked === true,
            permissionMode: event.permissionMode ?? null,
            details: null,
          },
          reasons: [startText(event.mode, attempt)],
        }
      }),
      ignoreDuplicateStart: assign(({ context, event }) => ({
        lastEventAt: event.at,
        reasons: withReason(
          context.reasons,
          `ignored resume.started: attempt ${context.lastResume?.attempt} is in progress`,
          'ignored resume.started',
        ),
      })),
      recordExit: assign(({ context, event }) => {
        if (event.type !== 'resume.exited') return {}
        const run = context.lastResume
        if (!run || run.mode !== 'spawn' || run.attempt !== event.attempt || run.exitedAt !== null) {
          return { lastEventAt: event.at }
        }
        return {
          lastEventAt: event.at,
          lastResume: { ...run, exitedAt: event.at, exitCode: event.exitCode, details: event.details ?? null },
        }
      }),
      noteBlocked: assign(({ context, event }) => {
        const denied = event.type === 'resume.exited' ? (event.details?.deniedTools ?? []) : []
        const folder = context.cwd ? ` in ${context.cwd}` : ''
        return {
          needsUserReason:
            `resume attempt ${context.lastResume?.attempt ?? '?'} was refused ${denied.length ? denied.join(', ') : 'a tool'}: ` +
            `nobody was there to approve it. Continue it yourself: claude --resume ${context.sessionId}${folder}`,
        }
      }),
      noteCannotStart: assign(({ event }) => ({
        needsUserReason:
          `claude could not be started (${event.type === 'resume.exited' ? event.details?.startError : '?'}): ` +
          `set SESSION_RETRY_CLAUDE_BIN or the supervisor's PATH, then run session-retry resume`,
      })),
      noteNotStarted: assign(({ context, event }) => ({
        retryAt: event.at,
        retrySource: 'backoff' as const,
        staggeredFrom: null,
        reasons: [`resume attempt ${context.lastResume?.attempt ?? '?'} never started (the supervisor stopped first): retrying now`],
      })),
      refuse: assign(({ event }) => ({
        lastEventAt: event.at,
        retryAt: null,
        retrySource: null,
        staggeredFrom: null,
        needsUserReason: event.type === 'resume.refused' ? event.reason : null,
        reasons: [event.type === 'resume.refused' ? `not resumed automatically: ${event.reason}` : 'not resumed automatically'],
      })),
      noteRun: assign(
        ({ context, event }, params: { outcome: ResumeOutcome; reason: string }) => {
          const run = context.lastResume
          return {
            lastResume: run ? { ...run, outcome: params.outcome, at: event.at } : null,
            reasons: [`resume attempt ${run?.attempt ?? '?'}: ${params.reason}`],
          }
        },
      ),
      applyFailure: assign(({ context, event }) => {
        const d = decide(context, event.at, context.limit)
        const run = context.lastResume
        const code = event.type === 'resume.exited' ? event.exitCode : null
        return {
          ...applyDecision(d),
          reasons: [
            `resume attempt ${run?.attempt ?? '?'} exited ${code === null ? 'without a code' : `with code ${code}`} before completing a turn`,
            ...d.reasons,
          ],
        }
      }),
      noteUserReturned: assign(({ event }) => ({
        reasons: [`the session came back by itself (${event.type} at ${iso(event.at)}): schedule dropped`],
      })),
      recordOwnerActivity: assign(({ event }) => ({ lastActivityAt: event.at })),
      recordAutoResume: assign(({ context, event }) => {
        if (event.type !== 'owner.autoResume') return {}
        const own = isOwnRun(context, event)
        return {
          lastEventAt: event.at,
          open: own ? context.open : true,
          claudePid: own ? context.claudePid : (event.claudePid ?? context.claudePid),
          tmuxPane: userPane(context, event),
          reasons: withReason(context.reasons, `Claude Code's auto-continue: ${autoResumeText(event)}`, "Claude Code's auto-continue"),
        }
      }),
      noteAutoResumeFired: assign(({ context, event }) => ({
        lastActivityAt: event.at,
        reasons: [
          `the open session continued by itself (Claude Code's auto-continue fired at ${iso(event.at)})` +
            (context.retryAt === null ? '' : `: schedule for ${iso(context.retryAt)} dropped`),
        ],
      })),
      noteOwnerGaveUp: assign(({ context, event }) => {
        if (event.type !== 'owner.autoResume') return {}
        const pid = context.claudePid === null ? '' : ` (pid ${context.claudePid})`
        const after =
          context.retryAt === null
            ? 'close it and the supervisor resumes it'
            : `close it and the supervisor resumes it at ${iso(context.retryAt)}`
        const line = `Claude Code will not continue this open session by itself: ${autoResumeText(event)}`
        return {
          lastEventAt: event.at,
          needsUserReason: `${line}. Continue it in its terminal${pid}, or ${after}`,
          reasons: [line],
          ownerStopped: { at: event.at, why: event.result === 'stale' ? ('stale' as const) : ('disabled' as const) },
        }
      }),
      noteTmuxNotSent: assign(({ context, event }) => {
        if (event.type !== 'tmux.continued') return {}
        const pane = context.tmuxPane ? ` (tmux pane ${context.tmuxPane})` : ''
        return {
          lastEventAt: event.at,
          needsUserReason: `the open session was not continued in its terminal${pane}: ${event.detail}. Continue it there yourself, or close it and the supervisor resumes it`,
        }
      }),
      noteLongWait: assign(({ context }) => ({
        needsUserReason:
          `the ${context.limit?.kind ?? ''} limit resets ${context.limit?.resetAt == null ? 'later' : `at ${iso(context.limit.resetAt)}`}, ` +
          `beyond the long-wait horizon, and the long-wait policy is notify: after the reset, ` +
          `session-retry resume ${context.sessionId} (or continue it in Claude Code)`,
      })),
      ownerGoneBeforeRetry: assign(({ context }) => ({
        needsUserReason: null,
        reasons: [`the open session ended: nobody owns it now, resuming at ${context.retryAt === null ? '?' : iso(context.retryAt)}`],
      })),
      noteOwnerTimeout: assign(({ context, event }) => ({
        // After a tmux attempt the supervisor has had its one try: no second one.
        ownerStopped: context.lastResume?.mode === 'owner' ? { at: event.at, why: 'timeout' as const } : null,
        needsUserReason:
          `the session is open in a live Claude Code process` +
          `${context.claudePid === null ? '' : ` (pid ${context.claudePid})`} and did not continue ` +
          `by itself: continue it there, or close it and ask for a resume`,
      })),
    },
  }).createMachine({
    id: 'session',
    initial: 'active',
    context: ({ input }) => initialSessionContext(input, policy),
    // Facts recorded in any state that does not handle them itself.
    on: {
      'session.started': { actions: 'recordSessionStarted' },
      'prompt.submitted': { actions: 'recordActivity' },
      'turn.completed': { actions: 'recordActivity' },
      'limit.detected': { actions: 'keepRetry' },
      'turn.failed': { actions: 'recordFailure' },
      'session.ended': { actions: 'recordEnded' },
      // The supervisor journals resume.started before it acts: accept it from
      // any state (a replay never sees the timer that made the session due).
      'resume.started': [
        { guard: 'isSpawn', target: '.resuming', actions: 'startResume' },
        { target: '.awaitingOwner', actions: 'startResume' },
      ],
      'resume.exited': { actions: 'recordExit' },
      // Journaled when the session was due; a replay may apply it before the (unjournaled) timer
      // that made it due, so it is accepted from any state, like resume.started.
      'resume.refused': { target: '.needsUser', actions: 'refuse' },
      'resume.requested': { actions: 'touch' },
      'schedule.cancelled': { actions: 'touch' },
      'schedule.staggered': { actions: 'touch' },
      'owner.timeout': { actions: 'touch' },
      'owner.autoResume': { actions: 'recordAutoResume' },
      'tmux.continued': { actions: 'touch' },
    },
    states: {
      active: {
        entry: 'clearEpisode',
        on: {
          'limit.detected': { target: 'limited', actions: 'adoptLimit' },
          'session.ended': [
            // our finished resume run's SessionEnd: the session stays active
            { guard: 'isOwnRunEvent', actions: 'recordEnded' },
            { target: 'ended', actions: 'recordEnded' },
          ],
        },
      },

      limited: {
        entry: 'decide',
        always: [
          { guard: 'decisionSchedules', target: 'scheduled' },
          { guard: 'decisionExhausted', target: 'exhausted' },
          { guard: 'decisionNotifies', target: 'needsUser', actions: 'noteLongWait' },
        ],
        on: {
          rearm: { target: 'limited', reenter: true },
          'limit.detected': { target: 'limited', reenter: true, actions: 'adoptLimit' },
          'resume.requested': { target: 'due', actions: 'requestNow' },
          'schedule.cancelled': { target: 'cancelled', actions: 'cancel' },
          'owner.autoResume': ownerAutoResume(),
          ...userComesBack(),
        },
      },

      scheduled: {
        after: {
          untilRetry: [
            { guard: 'retryDue', target: 'due', actions: 'noteDue' },
            { target: 'scheduled', reenter: true },
          ],
        },
        on: {
          rearm: [
            { guard: 'retryDue', target: 'due', actions: 'noteDue' },
            { target: 'scheduled', reenter: true },
          ],
          'limit.detected': [
            { guard: 'isLateLimitOfLastRun', target: 'scheduled', reenter: true, actions: 'adoptLateRunLimit' },
            { guard: 'limitMovesRetryEarlier', target: 'scheduled', reenter: true, actions: 'adoptEarlierLimit' },
            { actions: 'keepRetry' },
          ],
          'schedule.staggered': { target: 'scheduled', reenter: true, actions: 'applyStagger' },
          'resume.requested': { target: 'due', actions: 'requestNow' },
          'schedule.cancelled': { target: 'cancelled', actions: 'cancel' },
          'owner.autoResume': ownerAutoResume(),
          ...userComesBack(),
        },
      },

      // The supervisor's runner takes over: it journals resume.started.
      due: {
        on: {
          // Already due, but held back (daily cap, spacing): a manual request lifts that.
          'resume.requested': { actions: 'requestNow' },
          'schedule.cancelled': { target: 'cancelled', actions: 'cancel' },
          'owner.autoResume': ownerAutoResume(),
          ...userComesBack(),
        },
      },

      resuming: {
        on: {
          // A marked run's turn is judged when the run exits (a turn whose tools were all
          // refused also ends with Stop); an unmarked run's Stop was its success.
          'turn.completed': [
            { guard: 'isMarkedOwnRunEvent', actions: 'recordActivity' },
            {
              target: 'active',
              actions: [
                'recordActivity',
                { type: 'noteRun', params: { outcome: 'completed', reason: 'completed a turn' } },
              ],
            },
          ],
          'limit.detected': {
            target: 'limited',
            actions: [
              'adoptLimit',
              { type: 'noteRun', params: { outcome: 'limited', reason: 'hit a limit again' } },
            ],
          },
          'resume.started': { actions: 'ignoreDuplicateStart' },
          'resume.exited': [
            { guard: 'isStaleExit', actions: 'recordExit' },
            {
              guard: 'exitLimited',
              target: 'limited',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'limited', reason: 'exited on a limit' } },
              ],
            },
            {
              guard: 'exitClean',
              target: 'active',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'completed', reason: 'completed its turn' } },
              ],
            },
            {
              guard: 'exitBlocked',
              target: 'needsUser',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'blocked', reason: 'tools it needed were refused' } },
                'noteBlocked',
              ],
            },
            {
              guard: 'exitNotStarted',
              target: 'scheduled',
              actions: ['recordExit', { type: 'noteRun', params: { outcome: 'not-started', reason: 'never started' } }, 'noteNotStarted'],
            },
            {
              guard: 'exitCannotStart',
              target: 'needsUser',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'failed', reason: 'claude could not be started' } },
                'noteCannotStart',
              ],
            },
            {
              guard: 'failureExhausts',
              target: 'exhausted',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'failed', reason: 'failed' } },
                'applyFailure',
              ],
            },
            {
              target: 'scheduled',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'failed', reason: 'failed' } },
                'applyFailure',
              ],
            },
          ],
        },
      },

      // The session is open in a live Claude Code process: its own
      // auto-continue gets the chance; we never write to its transcript.
      awaitingOwner: {
        on: {
          'prompt.submitted': ownerContinued('recordActivity'),
          'turn.completed': ownerContinued('recordActivity'),
          'session.started': ownerContinued('recordSessionStarted'),
          'session.ended': {
            target: 'due',
            actions: [
              'recordEnded',
              { type: 'noteRun', params: { outcome: 'owner-ended', reason: 'the open session ended: nobody owns it now' } },
            ],
          },
          'owner.timeout': {
            target: 'needsUser',
            actions: [
              'touch',
              { type: 'noteRun', params: { outcome: 'owner-timeout', reason: 'the open session did not continue' } },
              'noteOwnerTimeout',
            ],
          },
          'limit.detected': {
            target: 'limited',
            actions: [
              'adoptLimit',
              { type: 'noteRun', params: { outcome: 'limited', reason: 'the open session hit a limit again' } },
            ],
          },
          'resume.started': [
            { guard: 'isSpawn', target: 'resuming', actions: 'startResume' },
            { actions: 'ignoreDuplicateStart' },
          ],
          'schedule.cancelled': { target: 'cancelled', actions: 'cancel' },
          // The outcome of the supervisor's one try in the owner's tmux pane: sent, the owner's
          // own hooks (or the grace period) decide what comes next; not sent, the user has to act.
          'tmux.continued': [
            {
              guard: and(['isCurrentTmuxAttempt', 'tmuxSent']),
              actions: ['touch', { type: 'noteRun', params: { outcome: 'tmux-sent', reason: 'typed into the open session\'s tmux pane' } }],
            },
            {
              guard: 'isCurrentTmuxAttempt',
              target: 'needsUser',
              actions: [{ type: 'noteRun', params: { outcome: 'tmux-not-sent', reason: 'the open session\'s tmux pane was left alone' } }, 'noteTmuxNotSent'],
            },
            { actions: 'touch' },
          ],
          // Claude Code said what its auto-continue did: no need to wait out the grace period.
          'owner.autoResume': [
            {
              guard: 'autoResumeFired',
              target: 'active',
              actions: [
                'recordAutoResume',
                'recordOwnerActivity',
                { type: 'noteRun', params: { outcome: 'owner-continued', reason: "the open session continued by itself (Claude Code's auto-continue fired)" } },
              ],
            },
            {
              guard: 'autoResumeGaveUp',
              target: 'needsUser',
              actions: [
                'recordAutoResume',
                { type: 'noteRun', params: { outcome: 'owner-gave-up', reason: "Claude Code's auto-continue gave up on the open session" } },
                'noteOwnerGaveUp',
              ],
            },
            { actions: 'recordAutoResume' },
          ],
        },
      },

      needsUser: {
        on: {
          // The owner closed it: nobody owns it now, so a spawn is safe (at the retry time, when
          // Claude Code gave up on the session before the reset).
          'session.ended': [
            { guard: 'retryStillAhead', target: 'scheduled', actions: ['recordEnded', 'ownerGoneBeforeRetry'] },
            { guard: 'limitStillAhead', actions: 'recordEnded' },
            { target: 'due', actions: ['recordEnded', 'ownerGone'] },
          ],
          'resume.requested': { target: 'due', actions: 'requestNow' },
          'schedule.cancelled': { target: 'cancelled', actions: 'cancel' },
          'owner.autoResume': [
            { guard: 'autoResumeFired', target: 'active', actions: ['recordAutoResume', 'noteAutoResumeFired'] },
            { guard: 'autoResumeGaveUp', actions: ['recordAutoResume', 'noteOwnerGaveUp'] },
            { actions: 'recordAutoResume' },
          ],
          ...userComesBack(),
        },
      },

      exhausted: {
        on: {
          'resume.requested': { target: 'due', actions: 'requestNow' },
          'owner.autoResume': ownerAutoResumeFiredOnly(),
          ...userComesBack(),
        },
      },

      cancelled: {
        on: {
          'resume.requested': { target: 'due', actions: 'requestNow' },
          'owner.autoResume': ownerAutoResumeFiredOnly(),
          ...userComesBack(),
        },
      },

      ended: {
        on: {
          'session.started': { target: 'active', actions: 'recordSessionStarted' },
          'prompt.submitted': { target: 'active', actions: 'recordActivity' },
          'limit.detected': { target: 'limited', actions: 'adoptLimit' },
        },
      },
    },
  })
}

/**
 * Activity in a waiting state: the user came back by themselves (schedule
 * dropped), unless it is our own resume run's hooks landing late; a late
 * turn.completed of our run is that run's success.
 */
function userComesBack() {
  return {
    'prompt.submitted': [
      { guard: 'isOwnRunEvent', actions: 'recordActivity' },
      { target: '#session.active', actions: ['recordActivity', 'noteUserReturned'] },
    ],
    'session.started': [
      { guard: 'isOwnRunEvent', actions: 'recordSessionStarted' },
      { target: '#session.active', actions: ['recordSessionStarted', 'noteUserReturned'] },
    ],
    'turn.completed': [
      { guard: 'isMarkedOwnRunEvent', actions: 'recordActivity' },
      {
        guard: 'isOwnRunEvent',
        target: '#session.active',
        actions: [
          'recordActivity',
          { type: 'noteRun', params: { outcome: 'completed', reason: 'completed a turn (reported late)' } },
        ],
      },
      { target: '#session.active', actions: ['recordActivity', 'noteUserReturned'] },
    ],
  } as const
}

/**
 * Claude Code's auto-continue in a state that waits for the reset: `fired` means the owner went
 * on (the schedule is dropped); `stale` / `disabled` mean it will not, and since nobody may write
 * to an open session, the user has to act now.
 */
function ownerAutoResume() {
  return [
    { guard: 'autoResumeFired', target: '#session.active', actions: ['recordAutoResume', 'noteAutoResumeFired'] },
    { guard: 'autoResumeGaveUp', target: '#session.needsUser', actions: ['recordAutoResume', 'noteOwnerGaveUp'] },
    { actions: 'recordAutoResume' },
  ] as const
}

function ownerAutoResumeFiredOnly() {
  return [
    { guard: 'autoResumeFired', target: '#session.active', actions: ['recordAutoResume', 'noteAutoResumeFired'] },
    { actions: 'recordAutoResume' },
  ] as const
}

/** `fired (…message…)`: what the notification said, in its own words when it gave some. */
function autoResumeText(event: { result: string; message?: string }): string {
  const names: Record<string, string> = {
    fired: 'it continued the session at the reset',
    stale: 'the machine slept past the reset and the session waits for Enter',
    disabled: 'it stopped waiting for the reset',
  }
  const what = names[event.result] ?? event.result
  return `${what} (quota_auto_resume_${event.result}${event.message ? `: ${event.message}` : ''})`
}

function startText(mode: ResumeMode, attempt: number): string {
  if (mode === 'spawn') return `resume attempt ${attempt} started: claude --resume`
  if (mode === 'tmux') return `resume attempt ${attempt}: continuing the open session in its tmux pane`
  return `resume attempt ${attempt}: the open session may continue by itself`
}

function ownerContinued(record: 'recordActivity' | 'recordSessionStarted') {
  return {
    target: 'active',
    actions: [
      record,
      { type: 'noteRun', params: { outcome: 'owner-continued', reason: 'the open session continued by itself' } },
    ],
  } as const
}

export type SessionMachine = ReturnType<typeof createSessionMachine>
