// Reading the reset part of a banner into a wall time, and a wall time into an instant seen from `now`.
import t from 'tap'
import {
  DATED_MAX_AHEAD_MS,
  isKnownZone,
  readResetExpression,
  resolveWallTime,
  STALE_AFTER_MS,
  UNDATED_MAX_AHEAD_MS,
  wallToInstant,
  type WallTime,
} from '../../src/limits/reset-time.js'

const HOUR = 3_600_000
const bare = { year: null, month: null, day: null, weekday: null, minute: 0, zoneName: null }

t.test('the windows are pinned: a change to them is a reviewed diff', async t => {
  t.equal(STALE_AFTER_MS, HOUR)
  t.equal(UNDATED_MAX_AHEAD_MS, 24 * HOUR)
  t.equal(DATED_MAX_AHEAD_MS, 35 * 24 * HOUR)
})

const absolute: [string, Partial<WallTime>, string][] = [
  // [text after "resets", the wall time's fields that differ from a bare time, the text it used]
  ['3am', { hour: 3 }, '3am'],
  ['12am', { hour: 0 }, '12am'],
  ['12pm', { hour: 12 }, '12pm'],
  ['4:01am (UTC) and more', { hour: 4, minute: 1, zoneName: 'UTC' }, '4:01am (UTC)'],
  ['3\u202fp.m.', { hour: 15 }, '3\u202fp.m.'],
  ['15:30 (Europe/Berlin)', { hour: 15, minute: 30, zoneName: 'Europe/Berlin' }, '15:30 (Europe/Berlin)'],
  ['3pm (not a zone!)', { hour: 15 }, '3pm (not a zone!)'],
  ['Oct 6, 6pm', { month: 10, day: 6, hour: 18 }, 'Oct 6, 6pm'],
  ['Sep 1 at 12:00am', { month: 9, day: 1, hour: 0 }, 'Sep 1 at 12:00am'],
  ['Jan 2, 2027, 11:30am (Asia/Kolkata)', { year: 2027, month: 1, day: 2, hour: 11, minute: 30, zoneName: 'Asia/Kolkata' }, 'Jan 2, 2027, 11:30am (Asia/Kolkata)'],
  ['Mon 12:00am', { weekday: 1, hour: 0 }, 'Mon 12:00am'],
  ['Friday, April 24th at 4:00 AM', { weekday: 5, month: 4, day: 24, hour: 4 }, 'Friday, April 24th at 4:00 AM'],
  ['4:00 AM Sunday Apr 26', { weekday: 7, month: 4, day: 26, hour: 4 }, '4:00 AM Sunday Apr 26'],
]

t.test('absolute times: the wall time as written, no zone or date chosen yet', async t => {
  for (const [text, fields, used] of absolute) {
    t.same(readResetExpression(text), { type: 'absolute', wall: { ...bare, ...fields }, text: used }, text)
  }
})

const relative: [string, number, string][] = [
  ['in 2 hours', 2 * HOUR, 'in 2 hours'],
  ['in 1h 30m.', 1.5 * HOUR, 'in 1h 30m'],
  ['in an hour', HOUR, 'in an hour'],
  ['in 1.5 days', 36 * HOUR, 'in 1.5 days'],
  ['in: 45 seconds', 45_000, 'in: 45 seconds'],
  ['in 2 hours, 5 mins', 2 * HOUR + 300_000, 'in 2 hours, 5 mins'],
]

t.test('relative times: milliseconds from the banner', async t => {
  for (const [text, ms, used] of relative) t.same(readResetExpression(text), { type: 'relative', ms, text: used }, text)
})

// It read "and" as "an" + "d" (a day): "in 1 hour and 30 minutes" was 25.5 h.
t.test('relative times joined by "and": the "and" adds nothing', async t => {
  t.same(readResetExpression('in 2 hours and 5 mins'), { type: 'relative', ms: 2 * HOUR + 300_000, text: 'in 2 hours and 5 mins' })
  t.same(readResetExpression('in 1 hour and 30 minutes'), { type: 'relative', ms: 1.5 * HOUR, text: 'in 1 hour and 30 minutes' })
  t.same(readResetExpression('in an hour and a minute'), { type: 'relative', ms: HOUR + 60_000, text: 'in an hour and a minute' })
})

t.test('not a time: null', async t => {
  for (const text of ['', 'soon', '13pm', '0am', '25:00', '9:75am', '3 o’clock', 'in a while', 'at noon']) {
    t.equal(readResetExpression(text), null, JSON.stringify(text))
  }
})

t.test('zones Intl knows, aliases included', async t => {
  const zones: [string, boolean][] = [
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Asia/Calcutta', true],
    ['UTC+5', true],
    ['Mars/Olympus', false],
    ['not a zone', false],
  ]
  for (const [zone, known] of zones) t.equal(isKnownZone(zone), known, zone)
})

interface Resolve {
  name: string
  wall: Partial<WallTime> & { hour: number }
  zone: string
  now: string
  resetAt: string | null
  stale?: boolean
  reason: RegExp
}

const resolves: Resolve[] = [
  { name: 'bare time ahead today', wall: { hour: 3 }, zone: 'UTC', now: '2026-07-01T02:00:00Z', resetAt: '2026-07-01T03:00:00.000Z', reason: /next occurrence, in 60 min/ },
  { name: 'bare time 30 min past: the reset is over', wall: { hour: 3 }, zone: 'UTC', now: '2026-07-01T03:30:00Z', resetAt: '2026-07-01T03:00:00.000Z', reason: /passed 30 min ago: the reset is over/ },
  { name: 'exactly the window past: still over', wall: { hour: 3 }, zone: 'UTC', now: '2026-07-01T04:00:00Z', resetAt: '2026-07-01T03:00:00.000Z', reason: /the reset is over/ },
  { name: 'a minute beyond the window: tomorrow', wall: { hour: 3 }, zone: 'UTC', now: '2026-07-01T04:01:00Z', resetAt: '2026-07-02T03:00:00.000Z', reason: /beyond the 60 min just-passed window/ },
  { name: 'bare time in the zone given (Tokyo, +09:00)', wall: { hour: 0 }, zone: 'Asia/Tokyo', now: '2026-07-01T13:30:00Z', resetAt: '2026-07-01T15:00:00.000Z', reason: /the undated time/ },
  { name: 'weekday: Wednesday to next Monday (Tokyo)', wall: { weekday: 1, hour: 0 }, zone: 'Asia/Tokyo', now: '2026-11-25T03:00:00Z', resetAt: '2026-11-29T15:00:00.000Z', reason: /the weekday time: next occurrence, in 108\.0 h/ },
  { name: 'dated, three days ahead (Los Angeles, -07:00)', wall: { month: 10, day: 6, hour: 18 }, zone: 'America/Los_Angeles', now: '2025-10-03T12:00:00Z', resetAt: '2025-10-07T01:00:00.000Z', reason: /the dated time/ },
  { name: 'dated, rolls into next year', wall: { month: 1, day: 3, hour: 9 }, zone: 'UTC', now: '2026-12-28T00:00:00Z', resetAt: '2027-01-03T09:00:00.000Z', reason: /the dated time/ },
  { name: 'dated, months past and months ahead: stale', wall: { month: 3, day: 1, hour: 9 }, zone: 'UTC', now: '2026-07-01T00:00:00Z', resetAt: null, stale: true, reason: /the dated time is stale/ },
  { name: 'with a year: as written, even in the past', wall: { year: 2020, month: 1, day: 2, hour: 9 }, zone: 'UTC', now: '2026-07-01T00:00:00Z', resetAt: '2020-01-02T09:00:00.000Z', reason: /taken as written/ },
  { name: 'with a year, Feb 29 of a common year: no instant, not stale', wall: { year: 2026, month: 2, day: 29, hour: 13 }, zone: 'UTC', now: '2026-02-20T00:00:00Z', resetAt: null, reason: /does not exist/ },
]

t.test('a wall time resolved from now', async t => {
  for (const r of resolves) {
    const got = resolveWallTime({ ...bare, ...r.wall }, r.zone, Date.parse(r.now))
    t.equal(got.resetAt === null ? null : new Date(got.resetAt).toISOString(), r.resetAt, r.name)
    t.equal(got.stale, r.stale ?? false, `${r.name}: stale`)
    t.match(got.reason, r.reason, `${r.name}: reason`)
  }
})

t.test('wall time to instant: DST overlap takes the earlier, a gap shifts forward, a missing date is null', async t => {
  const cases: [string, [number, number, number, number, number, string], string | null][] = [
    ['plain UTC', [2026, 7, 1, 12, 0, 'UTC'], '2026-07-01T12:00:00.000Z'],
    ['Berlin overlap 2:30 is +02:00', [2026, 10, 25, 2, 30, 'Europe/Berlin'], '2026-10-25T00:30:00.000Z'],
    ['Berlin gap 2:30 is 3:30 +02:00', [2026, 3, 29, 2, 30, 'Europe/Berlin'], '2026-03-29T01:30:00.000Z'],
    ['Kolkata half-hour offset', [2027, 1, 30, 11, 30, 'Asia/Kolkata'], '2027-01-30T06:00:00.000Z'],
    ['Feb 30', [2026, 2, 30, 12, 0, 'UTC'], null],
    ['month 13', [2026, 13, 1, 12, 0, 'UTC'], null],
  ]
  for (const [name, [y, mo, d, hour, minute, zone], expected] of cases) {
    const at = wallToInstant(y, mo, d, { hour, minute }, zone)
    t.equal(at === null ? null : new Date(at).toISOString(), expected, name)
  }
})
