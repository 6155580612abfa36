// A StopFailure lost in `claude -p` is rebuilt from the transcript when SessionEnd arrives.
import t from 'tap'
import type { Test } from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JournalRecord } from '../../src/journal/event-record.js'
import { homePaths } from '../../src/home/home-paths.js'
import { recoverLostLimit } from '../../src/hook/recover-lost-limit.js'

const SID = 's1'
const rec = (event: string, ts: string, extra: Partial<JournalRecord> = {}): JournalRecord => ({ v: 1, id: `${event}-${ts}`, ts, event, sessionId: SID, origin: 'hook', ...extra })
// Trimmed from a real 2.1.331 transcript row (docs/claude-code.md#transcript-limit-rows).
const limitRow = (ts: string, extra: object = {}) =>
  JSON.stringify({ type: 'assistant', uuid: 'c1dd0000-0000-0000-0000-000000000001', timestamp: ts, sessionId: SID, isSidechain: false, message: { role: 'assistant', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 4:01am (UTC)" }] }, error: 'rate_limit', isApiErrorMessage: true, ...extra })

function setup(t: Test, journal: JournalRecord[], transcript: string[]) {
  const dir = t.testdir()
  const paths = homePaths(join(dir, 'home'))
  mkdirSync(paths.eventsDir, { recursive: true })
  writeFileSync(join(paths.eventsDir, `${SID}.jsonl`), journal.map(r => JSON.stringify(r) + '\n').join(''))
  const transcriptPath = join(dir, `${SID}.jsonl`)
  writeFileSync(transcriptPath, transcript.map(l => l + '\n').join(''))
  const end = rec('SessionEnd', '2026-11-25T03:01:17.000Z', { transcriptPath, reason: 'other', claudePid: 9 })
  return { paths, end }
}

t.test('rebuilds the StopFailure the journal lacks', async t => {
  const { paths, end } = setup(t, [rec('SessionStart', '2026-11-25T03:01:14.000Z'), rec('UserPromptSubmit', '2026-11-25T03:01:14.500Z')], [limitRow('2026-11-25T03:01:15.959Z')])
  const got = recoverLostLimit(paths, end)
  t.match(got, { event: 'StopFailure', error: 'rate_limit', recovered: 'transcript', id: 'transcript-c1dd0000-0000-0000-0000-000000000001', ts: '2026-11-25T03:01:15.959Z', claudePid: 9, lastAssistantMessage: /5-hour limit/ })
})

t.test('nothing to recover', async t => {
  const turn = [rec('UserPromptSubmit', '2026-11-25T03:01:14.500Z')]
  const cases: [string, JournalRecord[], string[]][] = [
    ['the StopFailure is there', [...turn, rec('StopFailure', '2026-11-25T03:01:16.000Z')], [limitRow('2026-11-25T03:01:15.959Z')]],
    ['a plain Stop closed the turn', [...turn, rec('Stop', '2026-11-25T03:01:16.000Z')], [limitRow('2026-11-25T03:01:15.959Z')]],
    ['the last row is a normal answer', turn, [JSON.stringify({ type: 'assistant', uuid: 'u', timestamp: '2026-11-25T03:01:15.000Z', message: { content: [] } })]],
    ['the limit row is older than the prompt', turn, [limitRow('2026-11-25T03:00:00.000Z')]],
    ['another API error', turn, [limitRow('2026-11-25T03:01:15.959Z', { error: 'overloaded' })]],
    ['no prompt at all', [], [limitRow('2026-11-25T03:01:15.959Z')]],
  ]
  for (const [name, journal, transcript] of cases) {
    await t.test(name, async t => {
      const { paths, end } = setup(t, journal, transcript)
      t.equal(recoverLostLimit(paths, end), null)
    })
  }
})

t.test('sidechain rows are skipped, torn lines tolerated, no transcript is fine', async t => {
  const { paths, end } = setup(t, [rec('UserPromptSubmit', '2026-11-25T03:01:14.500Z')], [limitRow('2026-11-25T03:01:15.959Z'), limitRow('2026-11-25T03:01:16.100Z', { isSidechain: true, error: 'overloaded' }), '{"type":"assist'])
  t.match(recoverLostLimit(paths, end), { event: 'StopFailure' })
  t.equal(recoverLostLimit(paths, { ...end, transcriptPath: undefined }), null)
  t.equal(recoverLostLimit(paths, { ...end, transcriptPath: '/nonexistent/x.jsonl' }), null)
})
