// The plugin loaded by the real Claude Code CLI (--plugin-dir on this repository) against the
// fake API: real hook payloads flow through both stages into the journal.
import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, runClaude, type ClaudeSandbox } from '../helpers/claude-cli.js'
import { journalLines, repoRoot, waitForSpoolDrained } from '../helpers/hook-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { forEachLimited } from '../../src/supervisor/for-each-limited.js'

const api = await startFakeApi()
t.teardown(() => api.close())

async function sandbox(t: Test): Promise<{ sb: ClaudeSandbox; home: string }> {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  return { sb, home: join(sb.home, '.devflow') }
}

function records(home: string, id: string) {
  return journalLines(home, id).map(line => JSON.parse(line))
}

async function waitForEvents(home: string, id: string, names: string[]) {
  return waitFor(
    () => {
      const got = records(home, id)
      return names.every(n => got.some(r => r.event === n)) ? got : undefined
    },
    { timeoutMs: 15_000, what: `${names.join(', ')} in the journal of ${id}` },
  )
}

const plugin = ['--plugin-dir', repoRoot]

t.test('a normal turn: SessionStart, UserPromptSubmit, Stop, SessionEnd', async t => {
  const { sb, home } = await sandbox(t)
  const id = randomUUID()
  const run = await runClaude(sb, [...plugin, '--session-id', id, '-p', 'say hi'])
  t.equal(run.code, 0, run.stderr)
  const got = await waitForEvents(home, id, ['SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd'])
  t.same(got.map(r => r.event), ['SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd'], 'in order, once each')
  t.match(got[0], { source: 'startup', cwd: sb.cwd, sessionId: id, origin: 'hook' })
  t.match(got[0].transcriptPath, new RegExp(`${id}\\.jsonl$`))
  t.equal(got[1].promptLength, 'say hi'.length)
  t.equal(got[2].lastAssistantMessage, 'Hello from the fake API')
  t.ok(got.every(r => Number.isInteger(r.claudePid) && r.claudePid > 1), 'every line names the Claude Code process')
})

t.test('a turn that hits the 5-hour limit: StopFailure with rate_limit and the banner', async t => {
  const { sb, home } = await sandbox(t)
  const id = randomUUID()
  api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + 3600, claim: 'five_hour' })
  await runClaude(sb, [...plugin, '--session-id', id, '-p', 'work'])
  const got = await waitForEvents(home, id, ['StopFailure'])
  const failure = got.find(r => r.event === 'StopFailure')
  t.equal(failure.error, 'rate_limit')
  t.match(failure.lastAssistantMessage, /You've hit your 5-hour limit · resets \d{1,2}(:\d\d)?(am|pm) \(UTC\)/)
})

t.test('claude --resume <id> -p continue: SessionStart with source resume, same id', async t => {
  const { sb, home } = await sandbox(t)
  const id = randomUUID()
  await runClaude(sb, [...plugin, '--session-id', id, '-p', 'first'])
  await waitForEvents(home, id, ['SessionEnd'])
  const run = await runClaude(sb, [...plugin, '--resume', id, '-p', 'continue'])
  t.equal(run.code, 0, run.stderr)
  const got = await waitFor(() => {
    const all = records(home, id)
    return all.filter(r => r.event === 'SessionStart').length === 2 && all.filter(r => r.event === 'SessionEnd').length === 2 ? all : undefined
  }, { timeoutMs: 15_000, what: 'second session in the journal' })
  const starts = got.filter(r => r.event === 'SessionStart')
  t.same(starts.map(r => r.source), ['startup', 'resume'])
  t.ok(got.every(r => r.sessionId === id))
})

t.test('the StopFailure of a claude -p run is journaled 20 times out of 20', async t => {
  const { sb, home } = await sandbox(t)
  const ids = Array.from({ length: 20 }, () => randomUUID())
  for (const _ of ids) api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 1000) + 3600 })
  // Four sessions at a time, as a user with several terminals hits one shared limit.
  await forEachLimited(ids, 4, id => runClaude(sb, [...plugin, '--session-id', id, '-p', 'build the thing']).then(() => {}))
  await waitForSpoolDrained(home, 20_000)
  const recorded = ids.filter(id => records(home, id).some(r => r.event === 'StopFailure' && r.error === 'rate_limit'))
  t.equal(recorded.length, 20, `${recorded.length} of 20 StopFailure events recorded`)
})
