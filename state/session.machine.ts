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
 * Every transition, by state, is the table in docs/state-machine.md;
 * test/state/transition-table.test.ts fails when this machine and that table disagree.
 *
 * `limited` is left in the same macrostep when the policy schedules, so a snapshot after the step
 * never shows it: its entry emits `passedThrough` for the history.
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
 * Actions are pure `assign`s, guards are pure. An action that needs one event's fields names it
 * with `assertEvent`, which throws only when the machine wires the action to another event.
 */
import { and, assertEvent, assign, emit, setup } from 'xstate'
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  iso,
  jitterFraction,
  knownResetAt,
  type LimitInfo,
  type RetryDecision,
  type RetryPolicyConfig,
} from './retry-policy.js'
import type { LimitDetectedEvent, RunOutcome, SessionEvent } from './session-events.js'
import {
  autoResumeText,
  baseRetryAt,
  exitOutcome,
  initialSessionContext,
  isLateLimitOfLastRun,
  isOwnRun,
  isRunningAttempt,
  lastRunMarked,
  limitOf,
  startText,
  userMode,
  userPane,
  withReason,
  type ResumeOutcome,
  type SessionContext,
  type SessionInput,
} from './session-context.js'

/**
 * Emitted on entering a state that `always` transitions may leave in the same step (only
 * `limited`): a snapshot after the step no longer shows it, and the history must.
 */
export interface PassedThrough {
  type: 'passedThrough'
  state: 'limited'
  /** The session's last event time when it was entered. */
  at: number | null
}

/** The longest single timer; a longer wait re-enters `scheduled`. */
export const MAX_TIMER_MS = 60_000


export interface SessionMachineOptions {
  /** The only clock the machine reads (tests: `() => clock.now()`). */
  now: () => number
  policy?: RetryPolicyConfig
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
      emitted: {} as PassedThrough,
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
      isLateLimitOfLastRun: ({ context, event }) => isLateLimitOfLastRun(context, event.at),
      limitMovesRetryEarlier: ({ context, event }) =>
        event.type === 'limit.detected' && earlierDecision(context, event) !== null,
      isStaleExit: ({ context, event }) => event.type === 'resume.exited' && !isRunningAttempt(context, event.attempt),
      /** The run's verdict, as its exit was journaled. */
      exitIs: ({ event }, params: { outcome: RunOutcome }) => event.type === 'resume.exited' && exitOutcome(event) === params.outcome,
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
        assertEvent(event, 'session.started')
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
      recordFailure: assign(({ event }) => {
        assertEvent(event, 'turn.failed')
        return { lastError: { at: event.at, error: event.error }, lastEventAt: event.at }
      }),
      touch: assign(({ event }) => ({ lastEventAt: event.at })),
      adoptLimit: assign(({ context, event }) => {
        assertEvent(event, 'limit.detected')
        return {
          limit: limitOf(event),
          lastEventAt: event.at,
          // A limit reported over HTTP may be the first we hear of a session: keep its folder.
          cwd: context.cwd ?? event.cwd ?? null,
          transcriptPath: context.transcriptPath ?? event.transcriptPath ?? null,
        }
      }),
      /** Entry of `limited`: ask the policy. */
      decide: assign(({ context }) => applyDecision(decideInContext(context))),
      /** Entry of a state that eventless transitions may leave within the same step. */
      announceEntry: emit(({ context }, params: { state: PassedThrough['state'] }) => ({ type: 'passedThrough' as const, state: params.state, at: context.lastEventAt })),
      adoptEarlierLimit: assign(({ context, event }) => {
        assertEvent(event, 'limit.detected')
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
        assertEvent(event, 'limit.detected')
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
        assertEvent(event, 'limit.detected')
        const at = context.retryAt
        const line =
          `kept ${at === null ? 'state' : `retry at ${iso(at)}`}: ${event.kind} limit from ` +
          `${event.source} (reset ${event.resetAt === null ? 'unknown' : iso(event.resetAt)}) ` +
          `would not move it earlier`
        return { lastEventAt: event.at, reasons: withReason(context.reasons, line, 'kept ') }
      }),
      applyStagger: assign(({ context, event }) => {
        assertEvent(event, 'schedule.staggered')
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
        assertEvent(event, 'resume.started')
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
        assertEvent(event, 'resume.exited')
        const run = context.lastResume
        if (!run || !isRunningAttempt(context, event.attempt)) return { lastEventAt: event.at }
        return {
          lastEventAt: event.at,
          lastResume: { ...run, exitedAt: event.at, exitCode: event.exitCode, details: event.details ?? null },
        }
      }),
      noteBlocked: assign(({ context, event }) => {
        assertEvent(event, 'resume.exited')
        const denied = event.details?.deniedTools ?? []
        const folder = context.cwd ? ` in ${context.cwd}` : ''
        return {
          needsUserReason:
            `resume attempt ${context.lastResume?.attempt ?? '?'} was refused ${denied.length ? denied.join(', ') : 'a tool'}: ` +
            `nobody was there to approve it. Continue it yourself: claude --resume ${context.sessionId}${folder}`,
        }
      }),
      noteCannotStart: assign(({ event }) => {
        assertEvent(event, 'resume.exited')
        return {
          needsUserReason:
            `claude could not be started (${event.details?.startError ?? '?'}): ` +
            `set SESSION_RETRY_CLAUDE_BIN or the supervisor's PATH, then run session-retry resume`,
        }
      }),
      noteNotStarted: assign(({ context, event }) => ({
        retryAt: event.at,
        retrySource: 'backoff' as const,
        staggeredFrom: null,
        reasons: [`resume attempt ${context.lastResume?.attempt ?? '?'} never started (the supervisor stopped first): retrying now`],
      })),
      refuse: assign(({ event }) => {
        assertEvent(event, 'resume.refused')
        return {
          lastEventAt: event.at,
          retryAt: null,
          retrySource: null,
          staggeredFrom: null,
          needsUserReason: event.reason,
          reasons: [`not resumed automatically: ${event.reason}`],
        }
      }),
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
        assertEvent(event, 'resume.exited')
        const d = decide(context, event.at, context.limit)
        const run = context.lastResume
        const code = event.exitCode
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
        assertEvent(event, 'owner.autoResume')
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
        assertEvent(event, 'owner.autoResume')
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
        assertEvent(event, 'tmux.continued')
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
        entry: ['decide', { type: 'announceEntry', params: { state: 'limited' } }],
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
              guard: { type: 'exitIs', params: { outcome: 'limited' } },
              target: 'limited',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'limited', reason: 'exited on a limit' } },
              ],
            },
            {
              guard: { type: 'exitIs', params: { outcome: 'completed' } },
              target: 'active',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'completed', reason: 'completed its turn' } },
              ],
            },
            {
              guard: { type: 'exitIs', params: { outcome: 'blocked' } },
              target: 'needsUser',
              actions: [
                'recordExit',
                { type: 'noteRun', params: { outcome: 'blocked', reason: 'tools it needed were refused' } },
                'noteBlocked',
              ],
            },
            {
              guard: { type: 'exitIs', params: { outcome: 'not-started' } },
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
            // Our run's own SessionEnd, landing after its exit was judged (blocked, cannot start):
            // not the owner leaving, so no reason to resume again.
            { guard: 'isOwnRunEvent', actions: 'recordEnded' },
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
