// What the read endpoints show from a real supervisor's live sessions: ordered state files, public fields, counts, journals behind.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config/load-config.js'
import { homePaths, sessionFile, type HomePaths } from '../../src/home/home-paths.js'
import { createFileLogger } from '../../src/home/logger.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { countByState, liveStates, publicSession, sessionsBehind } from '../../src/http/session-views.js'
import { Supervisor } from '../../src/supervisor/supervisor.js'
import type { SessionStateFile } from '../../src/supervisor/session-store.js'
import { processDir } from '../helpers/process-dir.js'

const NOW = Date.parse('2026-11-25T03:00:00Z')

function journal(paths: HomePaths, sessionId: string, event: string, at: number): void {
  appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date(at).toISOString(), event, sessionId, origin: 'hook', cwd: '/home/u/app' })
}

async function supervisorWith(t: Parameters<typeof processDir>[0], journals: Record<string, string[]>) {
  const home = join(processDir(t), 'home')
  const paths = homePaths(home)
  for (const [id, events] of Object.entries(journals)) events.forEach((event, i) => journal(paths, id, event, NOW - 60_000 + i * 1000))
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  const supervisor = new Supervisor({ config, paths, log: createFileLogger(paths.supervisorLog, 'info'), now: () => NOW, timeZone: 'UTC' })
  t.teardown(() => supervisor.stop())
  await supervisor.restoreAll()
  return { supervisor, paths }
}

t.test('liveStates: every live session as its state file now, by id; publicSession drops the restore data', async t => {
  const { supervisor } = await supervisorWith(t, { 'b-open': ['SessionStart'], 'a-done': ['SessionStart', 'SessionEnd'], 'c-open': ['SessionStart', 'UserPromptSubmit'] })
  const states = liveStates(supervisor, NOW)
  t.same(states.map(s => [s.sessionId, s.state, s.updatedAt]), [
    ['a-done', 'ended', '2026-11-25T03:00:00.000Z'],
    ['b-open', 'active', '2026-11-25T03:00:00.000Z'],
    ['c-open', 'active', '2026-11-25T03:00:00.000Z'],
  ])
  for (const state of states) {
    const shown = publicSession(state)
    t.notOk('supervisor' in shown, `${state.sessionId}: no restore data`)
    t.same({ ...shown, supervisor: state.supervisor }, state, `${state.sessionId}: every other field kept`)
  }
})

t.test('countByState: sessions per state, only states that occur', async t => {
  const of = (...states: SessionStateFile['state'][]) => states.map(state => ({ state }) as SessionStateFile)
  const cases: [SessionStateFile[], Record<string, number>][] = [
    [[], {}],
    [of('active'), { active: 1 }],
    [of('scheduled', 'active', 'scheduled', 'ended', 'scheduled'), { scheduled: 3, active: 1, ended: 1 }],
  ]
  for (const [states, counts] of cases) t.same(countByState(states), counts, JSON.stringify(counts))
})

t.test('sessionsBehind: journals longer than the offset applied; a missing journal is not behind', async t => {
  const { supervisor, paths } = await supervisorWith(t, { s1: ['SessionStart'], s2: ['SessionStart'], s3: ['SessionStart'] })
  t.equal(await sessionsBehind(supervisor, paths), 0, 'all applied')
  journal(paths, 's1', 'UserPromptSubmit', NOW)
  journal(paths, 's2', 'UserPromptSubmit', NOW)
  t.equal(await sessionsBehind(supervisor, paths), 2, 'two journals grew')
  unlinkSync(sessionFile(paths, 's2', 'journal'))
  t.equal(await sessionsBehind(supervisor, paths), 1, 'a journal gone is not counted')
})
