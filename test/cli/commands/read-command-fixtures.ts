// Hand-written state files (and corrupt ones) for the commands that read them without a
// supervisor (status, sessions, schedules), and a runner for the CLI in-process under TZ=UTC with
// a fixed clock, so their golden texts do not depend on the machine's zone or the time of the run.
import type { Test } from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'
import type { SessionStateFile } from '../../../src/supervisor/session-store.js'

// Set before main (and the time formatting it loads) is imported.
process.env.TZ = 'UTC'
process.env.NO_COLOR = '1'

const { main } = await import('../../../src/cli/main.js')

export const NOW = Date.parse('2026-11-25T03:01:15Z')
export const USER_HOME = '/home/user'

export const ID = {
  scheduled: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  due: '9e8d7c6b-5a49-4838-a726-150f1e2d3c4b',
  active: '11111111-2222-4333-8444-555555555555',
  limited: '7a7a7a7a-0000-4000-8000-000000000001',
  exhausted: 'c0ffee00-1234-4567-89ab-cdef01234567',
  resuming: 'agent_run-42',
  corrupt: 'bad0bad0-0000-4000-8000-000000000000',
  corruptNoJournal: 'bad1bad1-0000-4000-8000-000000000000',
  journalOnly: 'fe11fe11-0000-4000-8000-000000000000',
}

export function state(sessionId: string, fields: Partial<SessionStateFile>): SessionStateFile {
  return {
    schema: 1,
    sessionId,
    state: 'active',
    cwd: null,
    transcriptPath: null,
    limit: null,
    retryAt: null,
    retrySource: null,
    attempts: 0,
    open: false,
    lastActivityAt: '2026-11-25T02:00:00.000Z',
    lastEventAt: '2026-11-25T02:00:00.000Z',
    updatedAt: '2026-11-25T02:00:00.000Z',
    permissionMode: null,
    lastRun: null,
    reasons: [],
    needsUserReason: null,
    history: [],
    supervisor: { machineVersion: 1, offset: 0, recentIds: [], snapshot: { status: 'active' } },
    ...fields,
  }
}

export const limit = (kind: string, resetAt: string | null, source = 'banner') => ({ kind, resetAt, source })

export const STATES: SessionStateFile[] = [
  state(ID.active, {
    state: 'active',
    cwd: USER_HOME,
    open: true,
    updatedAt: '2026-11-25T03:00:00.000Z',
    permissionMode: 'acceptEdits',
    lastRun: {
      attempt: 1, mode: 'spawn', outcome: 'completed', permissionMode: 'acceptEdits',
      startedAt: '2026-11-25T02:50:00.000Z', exitedAt: '2026-11-25T02:51:10.000Z', exitCode: 0,
      turns: 4, costUsd: 0.0812, deniedTools: [], resultLine: 'Done: the tests pass.', startError: null,
      logFile: `${USER_HOME}/.devflow/logs/resume/${ID.active}.1.log`,
    },
  }),
  state(ID.scheduled, {
    state: 'scheduled',
    cwd: `${USER_HOME}/code/app`,
    transcriptPath: `${USER_HOME}/.claude/projects/-home-user-code-app/${ID.scheduled}.jsonl`,
    limit: limit('five_hour', '2026-11-25T04:01:00.000Z'),
    retryAt: '2026-11-25T04:02:30.000Z',
    retrySource: 'reset',
    updatedAt: '2026-11-25T03:01:16.000Z',
    reasons: ['five_hour limit resets at 04:01:00Z (banner)', 'retry 90 s after the reset'],
    history: [
      { at: '2026-11-25T02:10:00.000Z', from: 'active', to: 'active', event: 'session.started' },
      { at: '2026-11-25T03:01:15.000Z', from: 'active', to: 'limited', event: 'limit.detected' },
      { at: '2026-11-25T03:01:15.000Z', from: 'limited', to: 'scheduled', event: 'limit.detected' },
      { at: '2026-11-25T03:01:16.000Z', from: 'scheduled', to: 'scheduled', event: 'schedule.staggered' },
    ],
  }),
  state(ID.due, {
    state: 'due',
    cwd: '/srv/other-project',
    limit: limit('weekly', '2026-11-25T02:57:00.000Z', 'transcript'),
    retryAt: '2026-11-25T02:59:00.000Z',
    retrySource: 'reset',
    attempts: 1,
    updatedAt: '2026-11-25T02:59:00.000Z',
  }),
  state(ID.limited, {
    state: 'limited',
    cwd: `${USER_HOME}/a/very/long/path/to/a/project/that/does/not/fit/in/the/column`,
    limit: limit('unknown', null, 'message'),
    attempts: 2,
    updatedAt: '2026-11-25T01:00:00.000Z',
  }),
  state(ID.exhausted, {
    state: 'exhausted',
    cwd: `${USER_HOME}/code/lib`,
    limit: limit('overloaded', null, 'stopFailure'),
    retryAt: '2026-11-24T23:00:00.000Z',
    retrySource: 'backoff',
    attempts: 5,
    updatedAt: '2026-11-24T23:30:00.000Z',
  }),
  state(ID.resuming, {
    state: 'resuming',
    cwd: '/work/agent',
    limit: limit('five_hour', '2026-11-25T03:00:00.000Z'),
    retryAt: '2026-11-25T03:01:00.000Z',
    retrySource: 'reset',
    attempts: 1,
    open: false,
    needsUserReason: null,
    updatedAt: '2026-11-25T03:01:05.000Z',
  }),
]

/** State files a newer or broken writer could leave: an unknown state name, and a state that is not a string. */
export const ODD_STATES: SessionStateFile[] = [
  { ...state('odd-1', { cwd: null, limit: null, retryAt: 'not a time', attempts: 0 }), state: 'somethingNew' } as unknown as SessionStateFile,
  { ...state('odd-2', {}), state: 42 } as unknown as SessionStateFile,
]

export function makeHome(t: Test, { states = STATES, corrupt = true } = {}): string {
  const home = t.testdir()
  const sessions = join(home, 'sessions')
  const events = join(sessions, 'events')
  mkdirSync(events, { recursive: true })
  for (const s of states) {
    writeFileSync(join(sessions, `${s.sessionId}.json`), JSON.stringify(s, null, 2))
    writeFileSync(join(events, `${s.sessionId}.jsonl`), '')
  }
  if (corrupt) {
    writeFileSync(join(sessions, `${ID.corrupt}.json`), '{"schema": 1, "sessionId": "bad0') // torn by hand
    writeFileSync(join(events, `${ID.corrupt}.jsonl`), '')
    writeFileSync(join(sessions, `${ID.corruptNoJournal}.json`), JSON.stringify({ ...state(ID.corruptNoJournal, {}), schema: 7 }))
    writeFileSync(join(events, `${ID.journalOnly}.jsonl`), '')
    // Not sessions: other files in the folder are ignored.
    writeFileSync(join(sessions, 'notes.txt'), 'x')
    writeFileSync(join(sessions, '.hidden.json'), '{}')
    writeFileSync(join(sessions, `${ID.active}.json.12345`), '{')
  }
  return home
}

export async function run(argv: string[], home: string) {
  const io = captureIo({ env: { HOME: USER_HOME, SESSION_RETRY_HOME: home }, now: () => NOW, cwd: home })
  const code = await main(argv, io)
  return { code, out: io.out.split(home).join('<home>'), err: io.err }
}
