// One transcript limit row read: the stored exact reset first, the banner text as the fallback, the answer that followed.
import t from 'tap'
import { asRow, isLimitRow, rowText, toLimit, type Row, type TranscriptLimit } from '../../src/limits/limit-row.js'

// The limit row as Claude Code 2.1.331 writes it (docs/claude-code.md#transcript-limit-rows, ids shortened).
const real: Row = {
  type: 'assistant',
  uuid: 'c1dd0f3a',
  timestamp: '2026-11-25T03:01:15.959Z',
  isSidechain: false,
  message: { model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 4:01am (UTC)" }] },
  apiError: 'usage_limit_reached',
  apiErrorParams: { rate_limit_info: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour', isUsingOverage: false } },
  quotaLimits: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour', isUsingOverage: false },
  error: 'rate_limit',
  isApiErrorMessage: true,
}
const STORED = '2026-11-25T04:01:15.000Z' // date -u -d @1795579275
const text = (s: string) => ({ message: { role: 'assistant', content: [{ type: 'text', text: s }] } })
const ctx = { now: Date.parse('2026-11-25T03:02:00Z'), timeZone: 'UTC' }

t.test('isLimitRow: an API error row whose error is rate_limit', async t => {
  const rows: [Row, boolean][] = [
    [real, true],
    [{ isApiErrorMessage: true, error: 'rate_limit' }, true],
    [{ isApiErrorMessage: true, error: 'overloaded' }, false],
    [{ isApiErrorMessage: 'true', error: 'rate_limit' }, false],
    [{ error: 'rate_limit' }, false],
    [{}, false],
  ]
  for (const [row, expected] of rows) t.equal(isLimitRow(row), expected, JSON.stringify(row).slice(0, 60))
})

t.test('asRow: plain objects only', async t => {
  const values: [unknown, boolean][] = [[{ a: 1 }, true], [{}, true], [[1], false], [null, false], ['x', false], [3, false], [undefined, false]]
  for (const [value, isRow] of values) t.equal(asRow(value), isRow ? value : null, JSON.stringify(value) ?? 'undefined')
})

t.test('rowText: string content, text parts joined, anything else empty', async t => {
  const rows: [Row, string][] = [
    [real, "You've hit your 5-hour limit · resets 4:01am (UTC)"],
    [{ message: { content: 'plain' } }, 'plain'],
    [{ message: { content: [{ type: 'text', text: 'a' }, { type: 'tool_use', id: 'x' }, null, { text: 'b' }, { text: 7 }] } }, 'a\nb'],
    [{ message: { content: 42 } }, ''],
    [{ message: 'not an object' }, ''],
    [{}, ''],
  ]
  for (const [row, expected] of rows) t.equal(rowText(row), expected, JSON.stringify(row).slice(0, 60))
})

type Expect = Partial<Omit<TranscriptLimit, 'resetAt' | 'reasons'>> & { resetAt: string | null; firstReason?: RegExp; reason?: RegExp }

const cases: [string, Row, Expect][] = [
  ['the stored reset wins, from quotaLimits', real, { limited: true, transient: false, kind: 'five_hour', resetAt: STORED, source: 'transcript', field: 'quotaLimits.resetsAt', rateLimitType: 'five_hour', stale: false, uuid: 'c1dd0f3a', timestamp: '2026-11-25T03:01:15.959Z', firstReason: /^reset from quotaLimits\.resetsAt \(exact/ }],
  ['only rate_limit_info: its reset and type', { ...real, quotaLimits: undefined, apiErrorParams: { rate_limit_info: { resetsAt: 1795579275, rateLimitType: 'seven_day_opus' } } }, { kind: 'weekly_opus', resetAt: STORED, field: 'apiErrorParams.rate_limit_info.resetsAt', rateLimitType: 'seven_day_opus' }],
  ['the type from rate_limit_info when quotaLimits has none', { ...real, quotaLimits: { resetsAt: 1795579275 }, apiErrorParams: { rate_limit_info: { rateLimitType: 'overage' } } }, { kind: 'extra_usage', field: 'quotaLimits.resetsAt', rateLimitType: 'overage', resetAt: STORED }],
  ['an unknown type is kept, its kind unknown', { ...real, quotaLimits: { resetsAt: 1795579275, rateLimitType: 'brand_new' } }, { kind: 'unknown', rateLimitType: 'brand_new', resetAt: STORED }],
  ['no stored reset (2.1.77): the banner, read as of the row', { ...real, ...text("You've hit your session limit · resets 3:45pm"), timestamp: '2026-05-01T06:00:00Z', quotaLimits: undefined, apiErrorParams: undefined }, { kind: 'five_hour', resetAt: '2026-05-01T15:45:00.000Z', source: 'banner', field: null, rateLimitType: null }],
  ['no usable timestamp: the banner read as of now', { ...real, timestamp: 'yesterday', quotaLimits: undefined, apiErrorParams: undefined }, { resetAt: '2026-11-25T04:01:00.000Z', source: 'banner', timestamp: 'yesterday' }],
  ['a reset far from the row is ignored and named', { ...real, quotaLimits: { resetsAt: 1e14 } }, { resetAt: STORED, field: 'apiErrorParams.rate_limit_info.resetsAt', firstReason: /^quotaLimits\.resetsAt is not a time within a year of the row; ignored/ }],
  ['both resets corrupt: the banner decides', { ...real, quotaLimits: { resetsAt: 1e14 }, apiErrorParams: { rate_limit_info: { resetsAt: -5 } } }, { resetAt: '2026-11-25T04:01:00.000Z', source: 'banner', field: null, firstReason: /^quotaLimits\.resetsAt is not a time/ }],
  ['a reset that is not a number is passed over silently', { ...real, quotaLimits: { resetsAt: '1795579275' }, apiErrorParams: undefined }, { resetAt: '2026-11-25T04:01:00.000Z', source: 'banner', firstReason: /^family / }],
  ['unrecognised text, no reset: still a plan limit', { ...real, ...text('Something new went wrong'), quotaLimits: undefined, apiErrorParams: undefined }, { limited: true, transient: false, kind: 'unknown', resetAt: null, source: 'none', reason: /rate_limit row with unrecognised text: treated as a plan limit/ }],
  ['throttle text, no reset: transient, not a plan limit', { ...real, ...text('API Error: Server is temporarily limiting requests (not your usage limit)'), quotaLimits: undefined, apiErrorParams: undefined }, { limited: false, transient: true, resetAt: null }],
  ['throttle text with a stored reset: a plan limit', { ...real, ...text('API Error: Server is temporarily limiting requests (not your usage limit)') }, { limited: true, transient: false, resetAt: STORED, source: 'transcript' }],
]

t.test('toLimit: what one row says, with its reasons', async t => {
  for (const [name, row, expect] of cases) {
    const got = toLimit(row, null, ctx)
    const { resetAt, firstReason, reason, ...fields } = expect
    t.equal(got.resetAt === null ? null : new Date(got.resetAt).toISOString(), resetAt, name)
    t.has(got, fields, `${name}: fields`)
    t.equal(got.continued, false, `${name}: not continued`)
    if (firstReason) t.match(got.reasons[0], firstReason, `${name}: first reason`)
    if (reason) t.match(got.reasons.join('\n'), reason, `${name}: reasons`)
  }
})

t.test('toLimit: the answer that followed makes it continued', async t => {
  const nexts: [Row, TranscriptLimit['continuedBy']][] = [
    [{ uuid: 'a-2', timestamp: '2026-11-25T04:02:00.000Z' }, { uuid: 'a-2', timestamp: '2026-11-25T04:02:00.000Z' }],
    [{ uuid: 7 }, { uuid: null, timestamp: null }],
  ]
  for (const [next, by] of nexts) {
    const got = toLimit(real, next, ctx)
    t.equal(got.continued, true)
    t.same(got.continuedBy, by)
  }
  t.equal(toLimit(real, null, ctx).continuedBy, null)
})
