// What the dashboard shows, built from the live sessions: each session's public view without its
// history (500 sessions × 50 history entries would make every refresh megabytes), the group it
// belongs to, which actions the machine acts on in its state, and one timeline of the last 24 h
// of transitions across sessions, newest first.
import { CANCEL_REQUEST, RESUME_REQUEST } from '../supervisor/control-requests.js'
import type { HistoryEntry, SessionStateFile } from '../supervisor/session-store.js'
import { needGroup, NEED_GROUPS, type NeedGroup } from './dashboard-groups.js'
import { publicSession, type PublicSession } from './session-views.js'

export const TIMELINE_WINDOW_MS = 24 * 3_600_000
/** Transitions in the timeline at most (the state files keep 50 per session). */
export const TIMELINE_LIMIT = 500

export type DashboardSession = Omit<PublicSession, 'history'> & {
  group: NeedGroup
  /** When the session last changed state (ISO), or null when it never did. */
  changedAt: string | null
  /** The actions the machine acts on in this state. */
  actions: { resume: boolean; cancel: boolean }
}

export interface TimelineEntry extends HistoryEntry {
  sessionId: string
  /** The group of the state entered. */
  group: NeedGroup
}

export function timelineEntry(sessionId: string, { at, from, to, event }: HistoryEntry): TimelineEntry {
  return { sessionId, at, from, to, event, group: needGroup(to) }
}

export function dashboardSession(state: SessionStateFile): DashboardSession {
  const { history, ...rest } = publicSession(state)
  return {
    ...rest,
    group: needGroup(state.state),
    changedAt: history.at(-1)?.at ?? null,
    actions: { resume: RESUME_REQUEST.actsIn.includes(state.state), cancel: CANCEL_REQUEST.actsIn.includes(state.state) },
  }
}

/** Transitions at or after `now - TIMELINE_WINDOW_MS`, newest first, at most TIMELINE_LIMIT. */
export function recentTransitions(states: SessionStateFile[], now: number): TimelineEntry[] {
  const since = now - TIMELINE_WINDOW_MS
  const entries: TimelineEntry[] = []
  for (const state of states) {
    for (const entry of state.history) {
      const at = Date.parse(entry.at)
      if (at >= since) entries.push(timelineEntry(state.sessionId, entry))
    }
  }
  entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.sessionId.localeCompare(b.sessionId))
  return entries.slice(0, TIMELINE_LIMIT)
}

export function dashboardData(input: { now: number; health: Record<string, unknown>; states: SessionStateFile[] }) {
  return {
    now: new Date(input.now).toISOString(),
    groups: NEED_GROUPS,
    health: input.health,
    sessions: input.states.map(dashboardSession),
    timeline: recentTransitions(input.states, input.now),
    timelineWindowMs: TIMELINE_WINDOW_MS,
  }
}
