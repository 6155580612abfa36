import t from 'tap'
import tap from 'tap'
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  DEFAULT_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  FIRST_READ_BYTES,
  MAX_TAIL_BYTES,
  readTranscriptLimit,
  TAIL_CHUNK_BYTES,
  type TranscriptLimitResult,
} from '../../src/limits/read-transcript-limit.js'

// Rows shaped like Claude Code 2.1.331's (docs/claude-code.md#transcript-limit-rows, verbatim apart from
// ids) and 2.1.77's (docs/claude-code.md#older-clis-without-stopfailure).
const SESSION = '0a38c5e2-1b7f-4d7e-9a51-2f6c1d0e9b11'

function limitRow(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'assistant',
    uuid: 'c1dd0f3a-5b1e-4c41-a3f0-7d2b9e6a1c01',
    timestamp: '2026-11-25T03:01:15.959Z',
    sessionId: SESSION,
    cwd: '/home/u/app',
    isSidechain: false,
    message: {
      model: '<synthetic>',
      role: 'assistant',
      content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 4:01am (UTC)" }],
    },
    apiError: 'usage_limit_reached',
    apiErrorParams: {
      rate_limit_info: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour', isUsingOverage: false },
    },
    quotaLimits: {
      status: 'rejected',
      resetsAt: 1795579275,
      unifiedRateLimitFallbackAvailable: false,
      rateLimitType: 'five_hour',
      isUsingOverage: false,
    },
    error: 'rate_limit',
    isApiErrorMessage: true,
    apiErrorStatus: 429,
    apiErrorType: 'rate_limit_error',
    version: '2.1.331',
    ...over,
  }
}

function userRow(n: number, text = 'please go on'): Record<string, unknown> {
  return {
    type: 'user',
    uuid: `u-${n}`,
    parentUuid: `a-${n - 1}`,
    timestamp: '2026-11-25T02:00:00.000Z',
    sessionId: SESSION,
    cwd: '/home/u/app',
    isSidechain: false,
    message: { role: 'user', content: text },
    version: '2.1.331',
  }
}

function assistantRow(n: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'assistant',
    uuid: `a-${n}`,
    parentUuid: `u-${n}`,
    timestamp: '2026-11-25T02:00:01.000Z',
    sessionId: SESSION,
    cwd: '/home/u/app',
    isSidechain: false,
    message: {
      id: `msg_${n}`,
      model: 'claude-sonnet-4-5',
      role: 'assistant',
      content: [{ type: 'text', text: `Answer ${n}: héllo wörld ✓` }],
      usage: { input_tokens: 12, output_tokens: 34 },
    },
    version: '2.1.331',
    ...over,
  }
}

const jsonl = (rows: Record<string, unknown>[]): string => rows.map((r) => JSON.stringify(r) + '\n').join('')
const opts = { now: Date.parse('2026-11-25T03:02:00Z'), timeZone: 'UTC', retries: 0 }
const iso = (ms: number | null | undefined): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null)

function limitOf(t: Pick<typeof tap, 'ok'>, r: TranscriptLimitResult) {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`)
  t.ok(r.limit, 'a limit row was found')
  return r.limit
}

t.test('the constants are pinned', async (t) => {
  t.equal(TAIL_CHUNK_BYTES, 64 * 1024)
  t.equal(FIRST_READ_BYTES, 8 * 1024)
  t.equal(MAX_TAIL_BYTES, 8 * 1024 * 1024)
  t.equal(DEFAULT_RETRIES, 3)
  t.equal(DEFAULT_RETRY_DELAY_MS, 50)
})

t.test('the 2.1.331 row: exact reset from quotaLimits, epoch seconds to ms', async (t) => {
  const dir = t.testdir({ 's.jsonl': jsonl([userRow(1), assistantRow(1), userRow(2), limitRow()]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(limit?.resetAt, 1795579275 * 1000)
  t.equal(iso(limit?.resetAt), '2026-11-25T04:01:15.000Z')
  t.equal(limit?.source, 'transcript')
  t.equal(limit?.field, 'quotaLimits.resetsAt')
  t.equal(limit?.kind, 'five_hour')
  t.equal(limit?.rateLimitType, 'five_hour')
  t.equal(limit?.limited, true)
  t.equal(limit?.uuid, 'c1dd0f3a-5b1e-4c41-a3f0-7d2b9e6a1c01')
  t.equal(limit?.timestamp, '2026-11-25T03:01:15.959Z')
  t.equal(limit?.continued, false)
  t.equal(limit?.text, "You've hit your 5-hour limit · resets 4:01am (UTC)")
  t.match(limit?.reasons.join('\n'), /quotaLimits\.resetsAt/)
})

t.test('rate_limit_info alone, weekly kinds mapped', async (t) => {
  const row = limitRow({
    quotaLimits: undefined,
    apiErrorParams: { rate_limit_info: { status: 'rejected', resetsAt: 1795836570, rateLimitType: 'seven_day_opus' } },
  })
  const dir = t.testdir({ 's.jsonl': jsonl([row]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(limit?.field, 'apiErrorParams.rate_limit_info.resetsAt')
  t.equal(limit?.resetAt, 1795836570 * 1000)
  t.equal(limit?.kind, 'weekly_opus')
})

t.test('a stored reset that is not a plausible time is ignored: the banner or the other field decides', async (t) => {
  for (const resetsAt of [1e14, 1e11, 1]) {
    const row = limitRow({ quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' }, apiErrorParams: undefined })
    const dir = t.testdir({ 's.jsonl': jsonl([row]) })
    const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
    t.equal(limit?.source, 'banner', `${resetsAt}: read from the banner`)
    t.equal(iso(limit?.resetAt), '2026-11-25T04:01:00.000Z', 'the banner time')
    t.match(limit?.reasons.join('\n'), /quotaLimits\.resetsAt is not a time within a year of the row; ignored/)
  }
  const both = limitRow({ quotaLimits: { status: 'rejected', resetsAt: 1e14, rateLimitType: 'five_hour' } })
  const dir = t.testdir({ 's.jsonl': jsonl([both]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(limit?.field, 'apiErrorParams.rate_limit_info.resetsAt', 'the plausible field is used')
  t.equal(limit?.resetAt, 1795579275 * 1000)
})

t.test('rateLimitType values map to kinds', async (t) => {
  const cases: [string, string][] = [
    ['seven_day', 'weekly'],
    ['seven_day_sonnet', 'weekly_sonnet'],
    ['seven_day_overage_included', 'weekly'],
    ['overage', 'extra_usage'],
    ['something_new', 'unknown'],
  ]
  for (const [type, kind] of cases) {
    const row = limitRow({ quotaLimits: { status: 'rejected', resetsAt: 1795579275, rateLimitType: type } })
    const dir = t.testdir({ 's.jsonl': jsonl([row]) })
    const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
    t.equal(limit?.kind, kind, type)
  }
})

t.test('2.1.77 row without quotaLimits: the banner is read as of the row time', async (t) => {
  const row = limitRow({
    timestamp: '2026-11-25T01:00:00.000Z',
    quotaLimits: undefined,
    apiErrorParams: undefined,
    apiError: undefined,
    version: '2.1.77',
    message: { role: 'assistant', content: [{ type: 'text', text: "You've hit your session limit · resets 4:17am (UTC)" }] },
  })
  const dir = t.testdir({ 's.jsonl': jsonl([userRow(1), row]) })
  // Read twelve hours later: "4:17am" would be stale as of now, but not as of the row.
  const later = { ...opts, now: Date.parse('2026-11-25T13:00:00Z') }
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), later))
  t.equal(iso(limit?.resetAt), '2026-11-25T04:17:00.000Z')
  t.equal(limit?.source, 'banner')
  t.equal(limit?.field, null)
  t.equal(limit?.kind, 'five_hour')
  t.equal(limit?.stale, false)
})

t.test('a row without a timestamp is read as of now', async (t) => {
  const row = limitRow({
    timestamp: undefined,
    quotaLimits: undefined,
    apiErrorParams: undefined,
    message: { role: 'assistant', content: "You've hit your session limit · resets 4:17am (UTC)" },
  })
  const dir = t.testdir({ 's.jsonl': jsonl([row]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(iso(limit?.resetAt), '2026-11-25T04:17:00.000Z')
  t.equal(limit?.timestamp, null)
})

t.test('API-key 429 row: transient, no reset', async (t) => {
  const text =
    "API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later."
  const row = limitRow({
    quotaLimits: undefined,
    apiErrorParams: undefined,
    message: { role: 'assistant', content: [{ type: 'text', text }] },
  })
  const dir = t.testdir({ 's.jsonl': jsonl([row]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(limit?.limited, false)
  t.equal(limit?.transient, true)
  t.equal(limit?.kind, 'api_rate_limit')
  t.equal(limit?.resetAt, null)
})

t.test('a rate_limit row with text we do not know is still a limit', async (t) => {
  const row = limitRow({
    quotaLimits: undefined,
    apiErrorParams: undefined,
    message: { role: 'assistant', content: [{ type: 'image' }, { type: 'text', text: 'Something new happened' }] },
  })
  const dir = t.testdir({ 's.jsonl': jsonl([row]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(limit?.limited, true)
  t.equal(limit?.kind, 'unknown')
  t.equal(limit?.resetAt, null)
})

t.test('sidechain rows are ignored', async (t) => {
  const side = limitRow({ uuid: 'side', isSidechain: true, quotaLimits: { resetsAt: 1795600000 } })
  const dir = t.testdir({
    main: jsonl([limitRow(), side, assistantRow(5, { isSidechain: true })]),
    only: jsonl([userRow(1), side]),
  })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 'main'), opts))
  t.equal(limit?.uuid, 'c1dd0f3a-5b1e-4c41-a3f0-7d2b9e6a1c01')
  t.equal(limit?.continued, false, 'a sidechain answer is not the session going on')
  const none = await readTranscriptLimit(join(dir, 'only'), opts)
  t.same(none.ok && none.limit, null)
})

t.test('the newest limit row wins', async (t) => {
  const older = limitRow({ uuid: 'old', quotaLimits: { status: 'rejected', resetsAt: 1795500000 } })
  const newer = limitRow({ uuid: 'new', quotaLimits: { status: 'rejected', resetsAt: 1795579275 } })
  const dir = t.testdir({ 's.jsonl': jsonl([older, userRow(2), newer, userRow(3)]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), opts))
  t.equal(limit?.uuid, 'new')
  t.equal(limit?.resetAt, 1795579275000)
})

t.test('a torn last line is skipped', async (t) => {
  const torn = JSON.stringify(assistantRow(9)).slice(0, 80)
  const dir = t.testdir({ 's.jsonl': jsonl([userRow(1), limitRow()]) + torn })
  const r = await readTranscriptLimit(join(dir, 's.jsonl'), opts)
  const limit = limitOf(t, r)
  t.equal(limit?.uuid, 'c1dd0f3a-5b1e-4c41-a3f0-7d2b9e6a1c01')
  t.equal(r.ok && r.skippedLines, 1)
})

t.test('a normal assistant row after the limit: the session continued', async (t) => {
  const dir = t.testdir({
    on: jsonl([limitRow(), userRow(7), assistantRow(7, { timestamp: '2026-11-25T04:05:00.000Z' }), assistantRow(8)]),
    userOnly: jsonl([limitRow(), userRow(7)]),
    errorAfter: jsonl([limitRow(), assistantRow(8, { isApiErrorMessage: true, error: 'overloaded' })]),
  })
  const on = limitOf(t, await readTranscriptLimit(join(dir, 'on'), opts))
  t.equal(on?.continued, true)
  t.same(on?.continuedBy, { uuid: 'a-7', timestamp: '2026-11-25T04:05:00.000Z' }, 'the first row after it')
  const userOnly = limitOf(t, await readTranscriptLimit(join(dir, 'userOnly'), opts))
  t.equal(userOnly?.continued, false, 'a user prompt alone is not an answer')
  t.equal(userOnly?.continuedBy, null)
  const errorAfter = limitOf(t, await readTranscriptLimit(join(dir, 'errorAfter'), opts))
  t.equal(errorAfter?.continued, false, 'another API error is not an answer')
})

t.test('a large file: only the tail is read', async (t) => {
  const filler = jsonl(Array.from({ length: 400 }, (_, i) => [userRow(i, 'x'.repeat(4000)), assistantRow(i)]).flat())
  const dir = t.testdir({})
  const path = join(dir, 'big.jsonl')
  writeFileSync(path, '')
  for (let i = 0; i < 4; i++) appendFileSync(path, filler) // about 7 MB
  appendFileSync(path, jsonl([limitRow()]))
  const r = await readTranscriptLimit(path, opts)
  const limit = limitOf(t, r)
  t.equal(limit?.resetAt, 1795579275000)
  t.equal(r.ok && r.scannedBytes, FIRST_READ_BYTES, 'one small read')
})

t.test('a limit row beyond the bound is not looked for', async (t) => {
  const filler = jsonl(Array.from({ length: 200 }, (_, i) => userRow(i, 'y'.repeat(1000))))
  const dir = t.testdir({ 's.jsonl': jsonl([limitRow()]) + filler })
  const r = await readTranscriptLimit(join(dir, 's.jsonl'), { ...opts, maxBytes: 64 * 1024, chunkBytes: 4096 })
  t.ok(r.ok)
  t.equal(r.ok && r.limit, null)
  t.equal(r.ok && r.scannedBytes, 64 * 1024)
})

t.test('lines spanning many small chunks, multi-byte text', async (t) => {
  const row = limitRow({
    quotaLimits: undefined,
    apiErrorParams: undefined,
    message: { role: 'assistant', content: [{ type: 'text', text: "⏺ You’ve hit your session limit · resets 4:17am (UTC)" }] },
  })
  const dir = t.testdir({ 's.jsonl': jsonl([assistantRow(1), row, userRow(2, 'é'.repeat(500))]) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), { ...opts, chunkBytes: 7 }))
  t.equal(iso(limit?.resetAt), '2026-11-25T04:17:00.000Z')
})

t.test('a limit row as the first line of the file', async (t) => {
  const dir = t.testdir({ 's.jsonl': JSON.stringify(limitRow()) })
  const limit = limitOf(t, await readTranscriptLimit(join(dir, 's.jsonl'), { ...opts, chunkBytes: 100 }))
  t.equal(limit?.resetAt, 1795579275000)
})

t.test('missing file, directory, empty and corrupt files are values', async (t) => {
  const dir = t.testdir({ empty: '', junk: '\u0000\u0001garbage\n{not json "assistant"\n[1,2]\n"assistant"\n', sub: {} })
  const missing = await readTranscriptLimit(join(dir, 'nope.jsonl'), { ...opts, retries: 2, retryDelayMs: 1 })
  t.same(missing.ok ? null : [missing.error.code, missing.attempts], ['ENOENT', 3])
  const isDir = await readTranscriptLimit(join(dir, 'sub'), { ...opts, retries: 2, retryDelayMs: 1 })
  t.same(isDir.ok ? null : [isDir.error.code, isDir.attempts], ['EISDIR', 1], 'only a missing file is retried')
  const empty = await readTranscriptLimit(join(dir, 'empty'), opts)
  t.same(empty, { ok: true, limit: null, scannedBytes: 0, attempts: 1, skippedLines: 0 })
  const junk = await readTranscriptLimit(join(dir, 'junk'), opts)
  t.same(junk.ok && [junk.limit, junk.skippedLines], [null, 2], 'two lines looked like rows and were not')
})

t.test('a row that lands after a short delay is found by the retry', async (t) => {
  const dir = t.testdir({ 's.jsonl': jsonl([userRow(1), assistantRow(1), userRow(2)]) })
  const path = join(dir, 's.jsonl')
  setTimeout(() => appendFileSync(path, jsonl([limitRow()])), 60)
  const r = await readTranscriptLimit(path, { now: opts.now, timeZone: 'UTC', retries: 10, retryDelayMs: 25 })
  const limit = limitOf(t, r)
  t.equal(limit?.resetAt, 1795579275000)
  t.ok(r.ok && r.attempts > 1, `found on attempt ${r.ok && r.attempts}`)
})

t.test('a row half-written at the first look is read whole on the retry', async (t) => {
  const line = JSON.stringify(limitRow()) + '\n'
  const dir = t.testdir({ 's.jsonl': jsonl([userRow(1)]) + line.slice(0, 200) })
  const path = join(dir, 's.jsonl')
  setTimeout(() => appendFileSync(path, line.slice(200)), 30)
  const r = await readTranscriptLimit(path, { now: opts.now, timeZone: 'UTC', retries: 10, retryDelayMs: 20 })
  t.equal(limitOf(t, r)?.uuid, 'c1dd0f3a-5b1e-4c41-a3f0-7d2b9e6a1c01')
})

t.test('no limit row: found nothing after the default retries', async (t) => {
  const dir = t.testdir({ 's.jsonl': jsonl([userRow(1), assistantRow(1)]) })
  const r = await readTranscriptLimit(join(dir, 's.jsonl'), { now: opts.now, timeZone: 'UTC' })
  t.same(r.ok && [r.limit, r.attempts], [null, DEFAULT_RETRIES + 1])
})
