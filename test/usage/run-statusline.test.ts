// runStatusline in-process (the real process is in statusline-process.test.ts).
import t from 'tap'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_SCHEDULE_FILE_BYTES, MAX_STATUSLINE_INPUT_BYTES, runStatusline } from '../../src/usage/run-statusline.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const input = (project: string, rateLimits?: unknown) =>
  JSON.stringify({
    session_id: 'abc-123',
    cwd: project,
    workspace: { current_dir: project, project_dir: project },
    ...(rateLimits === undefined ? {} : { rate_limits: rateLimits }),
  })
const LIMITS = {
  five_hour: { used_percentage: 42, resets_at: NOW / 1000 + 3600 },
  seven_day: { used_percentage: 10, resets_at: NOW / 1000 + 86400 },
}

t.test('constants are pinned', async t => {
  t.equal(MAX_STATUSLINE_INPUT_BYTES, 256 * 1024)
  t.equal(MAX_SCHEDULE_FILE_BYTES, 4 * 1024 * 1024)
})

t.test('records and prints; a relative SESSION_RETRY_HOME is taken from cwd', async t => {
  const root = t.testdir({ project: {} })
  const result = runStatusline(input(join(root, 'project'), LIMITS), { env: { SESSION_RETRY_HOME: 'rel-home' }, now: NOW, cwd: root })
  t.same(result, { line: '5h 42% · 7d 10%', recorded: true })
  t.same(JSON.parse(readFileSync(join(root, 'rel-home', 'usage.json'), 'utf8')), {
    schema: 1,
    source: 'statusline',
    updatedAt: '2026-11-25T12:00:00.000Z',
    fiveHour: { usedPercentage: 42, resetsAt: '2026-11-25T13:00:00.000Z' },
    sevenDay: { usedPercentage: 10, resetsAt: '2026-11-26T12:00:00.000Z' },
    sessionId: 'abc-123',
  })
})

t.test('without rate_limits: the stored windows that have not reset', async t => {
  const root = t.testdir({ home: {} })
  const env = { SESSION_RETRY_HOME: join(root, 'home') }
  runStatusline(input(root, LIMITS), { env, now: NOW })
  t.same(runStatusline(input(root), { env, now: NOW + 60_000 }), { line: '5h 42% · 7d 10%', recorded: false })
  t.same(runStatusline(input(root), { env, now: NOW + 2 * 3600_000 }), { line: '7d 10%', recorded: false }, 'the 5h window has reset')
  t.same(runStatusline(input(root), { env, now: NOW + 2 * 86400_000 }), { line: 'session-retry: no usage', recorded: false })
  writeFileSync(join(root, 'home', 'usage.json'), 'not json')
  t.same(runStatusline('', { env, now: NOW }), { line: 'session-retry: no usage', recorded: false })
})

t.test('a hint without usage, and a write failure as a note', async t => {
  const root = t.testdir({ home: { sessions: {} }, 'a-file': 'x' })
  writeFileSync(join(root, 'home', 'sessions', 'resume_schedule.json'), JSON.stringify({
    schedules: [{ sessionId: 's1', state: 'scheduled', retryAt: new Date(NOW + 5 * 60_000).toISOString(), cwd: root }],
  }))
  t.same(runStatusline(input(root), { env: { SESSION_RETRY_HOME: join(root, 'home') }, now: NOW, }), {
    line: `resumes ${new Date(NOW + 5 * 60_000).getHours().toString().padStart(2, '0')}:05 (in 5m)`,
    recorded: false,
  })
  const failed = runStatusline(input(root, LIMITS), { env: { SESSION_RETRY_HOME: join(root, 'a-file', 'home') }, now: NOW })
  t.same(failed, { line: '5h 42% · 7d 10% (usage not saved: ENOTDIR)', recorded: false, error: 'ENOTDIR' })
  t.notOk(existsSync(join(root, 'a-file', 'home')))
})

t.test('resume_schedule.json where version 0.1 wrote it is read only while sessions/ has none', async t => {
  const root = t.testdir({ home: {} })
  const env = { SESSION_RETRY_HOME: join(root, 'home') }
  const schedule = (file: string, state: string) =>
    writeFileSync(file, JSON.stringify({ schedules: [{ sessionId: 's1', state, retryAt: null, cwd: root }] }))
  schedule(join(root, 'home', 'resume_schedule.json'), 'resuming')
  t.equal(runStatusline(input(root), { env, now: NOW }).line, 'resuming now', 'the old place, while there is no new file')
  mkdirSync(join(root, 'home', 'sessions'))
  schedule(join(root, 'home', 'sessions', 'resume_schedule.json'), 'awaitingOwner')
  t.equal(runStatusline(input(root), { env, now: NOW }).line, 'ready to continue', 'the new file wins over a stale old one')
})

t.test('never throws', async t => {
  // an env whose getter throws stands for "anything unexpected"
  const env = new Proxy({}, { get: () => { throw new Error('boom') } }) as NodeJS.ProcessEnv
  t.same(runStatusline('{}', { env, now: NOW }), { line: 'session-retry: no usage', recorded: false, error: 'write failed' })
})
