import t from 'tap'
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../src/home/home-paths.js'
import { parseJournalLine } from '../../src/journal/event-record.js'
import { serializeRecord } from '../../src/journal/event-record.js'
import { currentSessionId, EPOCH_SECONDS_BELOW, limitReportRecord, parseLimitReport, parseResetAt } from '../../src/http/limit-report.js'
import { MAX_RESET_DISTANCE_MS as MAX_RESET_AHEAD_MS } from '../../state/time-range.js'
import { HttpError } from '../../src/http/respond.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')

t.test('pinned: epoch seconds below 1e11, resets at most a year ahead', async t => {
  t.equal(EPOCH_SECONDS_BELOW, 1e11)
  t.equal(MAX_RESET_AHEAD_MS, 366 * 24 * 3_600_000)
})

t.test('reset_at: ISO with a zone, epoch seconds or milliseconds', async t => {
  const at = Date.parse('2026-11-25T15:00:00Z')
  const cases: [string | number, number | null][] = [
    ['2026-11-25T15:00:00Z', at],
    ['2026-11-25T15:00:00.000Z', at],
    ['2026-11-25T16:00:00+01:00', at],
    ['2026-11-25T16:00+0100', at],
    ['2026-11-25t15:00:00z', at],
    [at / 1000, at],
    [at, at],
    [at / 1000 + 0.4, at + 400],
    ['2026-11-25T15:00:00', null],
    ['2026-11-25', null],
    ['1764082800', null],
    ['2026-13-45T15:00:00Z', null],
    ['', null],
    [0, null],
    [-1, null],
    [NaN, null],
    [Infinity, null],
    [at * 1000, null],
    [NOW + MAX_RESET_AHEAD_MS + 1, null],
    [946_684_799, null],
    [NOW - MAX_RESET_AHEAD_MS - 1, null],
    ['+275760-09-13T00:00:00Z', null],
    [8.64e15 + 1, null],
  ]
  for (const [value, expected] of cases) {
    const parsed = parseResetAt(value, NOW)
    if (expected === null) t.notOk(parsed.ok, `${JSON.stringify(value)} refused`)
    else t.same(parsed, { ok: true, ms: expected }, `${JSON.stringify(value)}`)
  }
})

t.test('bodies: the two shapes, and what each refuses', async t => {
  t.same(parseLimitReport({ session_id: 'abc', message: 'm', reset_at: '2026-11-25T15:00:00Z', cwd: '/w', transcript_path: '/w/t.jsonl' }, NOW), {
    sessionId: 'abc',
    message: 'm',
    resetAt: Date.parse('2026-11-25T15:00:00Z'),
    cwd: '/w',
    transcriptPath: '/w/t.jsonl',
  })
  t.same(parseLimitReport({ session_id: 'abc' }, NOW), { sessionId: 'abc' })
  t.same(parseLimitReport({ limitMessage: 'limit' }, NOW), { sessionId: null, message: 'limit' })
  const refused: [unknown, RegExp][] = [
    [null, /JSON object/],
    [[], /JSON object/],
    ['x', /JSON object/],
    [{}, /session_id/],
    [{ session_id: 'a', extra: 1 }, /Unrecognized key/],
    [{ session_id: 'a/b' }, /letters, digits/],
    [{ session_id: 'a', message: '' }, /message: must not be empty/],
    [{ session_id: 'a', cwd: 'rel' }, /cwd: must be an absolute path/],
    [{ session_id: 'a', cwd: '/a\u0000b' }, /cwd: must be an absolute path/],
    [{ session_id: 'a', reset_at: true }, /reset_at: must be an ISO-8601 string or an epoch number/],
    [{ session_id: 'a', reset_at: 'soon' }, /reset_at: must be an ISO-8601 time with a zone/],
    [{ limitMessage: 'x', message: 'y' }, /Unrecognized key/],
    [{ limitMessage: 5 }, /limitMessage/],
  ]
  for (const [body, pattern] of refused) {
    t.throws(() => parseLimitReport(body, NOW), pattern, JSON.stringify(body))
    try {
      parseLimitReport(body, NOW)
    } catch (error) {
      t.ok(error instanceof HttpError && error.status === 400)
    }
  }
})

t.test('the journal line is what a hook would write, long messages keep their tail', async t => {
  const record = limitReportRecord({ sessionId: 's1', message: 'y'.repeat(9000) + 'END', resetAt: NOW + 1 }, NOW)
  t.match(record, { v: 1, event: 'LimitReported', sessionId: 's1', origin: 'http', ts: new Date(NOW).toISOString(), resetAt: NOW + 1, truncated: ['message'] })
  t.equal(record.message!.length, 8192)
  t.ok(record.message!.endsWith('END'))
  t.ok(parseJournalLine(serializeRecord(record).trim()).ok)
  t.same(Object.keys(limitReportRecord({ sessionId: 's1' }, NOW)).sort(), ['event', 'id', 'origin', 'sessionId', 'ts', 'v'])
})

t.test('the current session comes from current_session.json, else 409 says why', async t => {
  const paths = homePaths(t.testdir({}))
  const expect409 = async (pattern: RegExp) => t.rejects(currentSessionId(paths), { status: 409, message: pattern })
  await expect409(/^no current session: no session has been seen yet \(current_session.json does not exist\)/)
  mkdirSync(paths.sessionsDir)
  for (const [content, pattern] of [
    ['{', /not valid JSON/],
    ['{"sessionId":null}', /no session has been seen yet/],
    ['null', /no session has been seen yet/],
    ['{"sessionId":"../x"}', /invalid session id/],
  ] as const) {
    writeFileSync(paths.currentSession, content)
    await expect409(pattern)
  }
  writeFileSync(paths.currentSession, JSON.stringify({ sessionId: 'abc-1', state: 'active' }))
  t.equal(await currentSessionId(paths), 'abc-1')
})

t.test('current_session.json where version 0.1 wrote it is read only while sessions/ has none', async t => {
  const paths = homePaths(t.testdir({ sessions: {} }))
  t.equal(paths.currentSession, `${paths.sessionsDir}/current_session.json`, "in sessions/, where DevFlow's readers look")
  writeFileSync(paths.legacySummary.currentSession, JSON.stringify({ sessionId: 'old-place' }))
  t.equal(await currentSessionId(paths), 'old-place', 'the old place, while there is no new file')
  writeFileSync(paths.currentSession, JSON.stringify({ schema: 1, sessionId: 'new-place', updatedAt: new Date(NOW).toISOString() }))
  t.equal(await currentSessionId(paths), 'new-place', 'the new file wins over a stale old one')
  unlinkSync(paths.legacySummary.currentSession)
  t.equal(await currentSessionId(paths), 'new-place')
})
