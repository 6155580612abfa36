// A session id from the command line: validated before it names a file, then matched to a session
// the home knows, by the whole id or a unique prefix. Real folders.
import t from 'tap'
import type { Test } from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../src/home/home-paths.js'
import { MIN_PREFIX_LENGTH, resolveSessionId } from '../../src/cli/resolve-session-id.js'

const JOURNAL_ONLY = 'aaaa1111-0000-4000-8000-000000000001'
const STATE_ONLY = 'aaaa2222-0000-4000-8000-000000000002'
const OTHER = 'bbbb3333-0000-4000-8000-000000000003'

function home(t: Test) {
  const paths = homePaths(t.testdir())
  mkdirSync(paths.eventsDir, { recursive: true })
  writeFileSync(`${paths.eventsDir}/${JOURNAL_ONLY}.jsonl`, '')
  writeFileSync(`${paths.sessionsDir}/${STATE_ONLY}.json`, '{}')
  writeFileSync(`${paths.eventsDir}/${OTHER}.jsonl`, '')
  return paths
}

t.test('known sessions: a whole id (journal or state file only), or a unique prefix', async t => {
  const paths = home(t)
  const cases: [string, string | null][] = [
    [JOURNAL_ONLY, JOURNAL_ONLY],
    [STATE_ONLY, STATE_ONLY],
    ['bbbb', OTHER],
    ['aaaa2', STATE_ONLY],
    ['cccc', null],
    ['cccc3333-0000-4000-8000-000000000009', null],
    // Shorter than MIN_PREFIX_LENGTH: taken only as a whole id.
    ['bbb', null],
  ]
  t.equal(MIN_PREFIX_LENGTH, 4)
  for (const [raw, want] of cases) t.equal(await resolveSessionId(paths, raw), want, raw)
})

t.test('an ambiguous prefix is a usage error that names the matches', async t => {
  const paths = home(t)
  await t.rejects(resolveSessionId(paths, 'aaaa'), { name: 'UsageError', message: `"aaaa" matches 2 sessions (${JOURNAL_ONLY}, ${STATE_ONLY}): give more of the id` })
})

t.test('ids that could escape the home are refused before any file is looked at', async t => {
  const paths = home(t)
  for (const raw of ['../aaaa', 'a/b', '.', '', 'x'.repeat(129), 'id with space', 'a\u0000b']) {
    await t.rejects(resolveSessionId(paths, raw), { name: 'UsageError', message: /is not a session id/ }, JSON.stringify(raw))
  }
})
