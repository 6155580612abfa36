// Spans, local times, countdowns and retry times: in UTC, then in other zones (offsets, DST, a weekday
// across the date line).
import t from 'tap'
import { formatCountdown, formatLocalTime, formatRetryTime, formatSpan, localZoneName, parseTime } from '../../src/cli/format-time.js'

// Node re-reads TZ when it is assigned: each test sets the zone it needs.
const original = process.env.TZ
t.teardown(() => void (original === undefined ? delete process.env.TZ : (process.env.TZ = original)))

const NOW = Date.parse('2026-11-26T05:00:00Z') // a Thursday

const cases: [string, string, string, string][] = [
  // [zone, instant, formatLocalTime with seconds, formatRetryTime from NOW]
  ['Europe/Berlin', '2026-07-01T12:00:00Z', '2026-07-01 14:00:00', 'overdue 147d 17h'],
  ['Europe/Berlin', '2026-11-25T12:00:09Z', '2026-11-25 13:00:09', 'overdue 16h 59m'],
  ['Europe/Berlin', '2026-10-25T00:30:00Z', '2026-10-25 02:30:00', 'overdue 32d 4h'],
  ['Europe/Berlin', '2026-10-25T01:30:00Z', '2026-10-25 02:30:00', 'overdue 32d 3h'],
  ['Asia/Tokyo', '2026-11-29T20:00:00Z', '2026-11-30 05:00:00', 'Mon 05:00, in 3d 15h'],
  ['America/Los_Angeles', '2026-11-29T20:00:00Z', '2026-11-29 12:00:00', 'Sun 12:00, in 3d 15h'],
  ['Asia/Kolkata', '2026-11-26T06:23:00Z', '2026-11-26 11:53:00', 'in 1h 23m'],
  ['Asia/Kolkata', '2026-11-27T05:00:01Z', '2026-11-27 10:30:01', 'Fri 10:30, in 1d'],
]

t.test('localZoneName: the zone as ICU names it', async t => {
  const names: [string, string][] = [
    ['Europe/Berlin', 'Europe/Berlin'],
    ['America/Los_Angeles', 'America/Los_Angeles'],
    ['Asia/Kolkata', 'Asia/Calcutta'], // ICU's canonical id is the older name
  ]
  for (const [zone, name] of names) {
    process.env.TZ = zone
    t.equal(localZoneName(), name, zone)
  }
})

t.test('the process zone decides the wall time, never the countdown', async t => {
  for (const [zone, iso, local, retry] of cases) {
    process.env.TZ = zone
    t.equal(formatLocalTime(iso, { seconds: true }), local, `${zone} ${iso}`)
    t.equal(formatRetryTime(iso, NOW), retry, `${zone} ${iso}: retry`)
    t.equal(formatCountdown('2026-11-26T06:23:00Z', NOW), 'in 1h 23m', `${zone}: the same countdown`)
  }
})

t.test('formatSpan: two largest units, rounded down', async t => {
  process.env.TZ = 'UTC'
  const s = 1000
  const m = 60 * s
  const h = 60 * m
  const cases: [number, string][] = [
    [0, '0s'],
    [59_999, '59s'],
    [m, '1m'],
    [59 * m + 59 * s, '59m'],
    [h, '1h'],
    [h + 23 * m + 59 * s, '1h 23m'],
    [23 * h + 59 * m, '23h 59m'],
    [24 * h, '1d'],
    [2 * 24 * h + 3 * h + 5 * m, '2d 3h'],
  ]
  for (const [ms, text] of cases) t.equal(formatSpan(ms), text, `${ms} ms`)
})

t.test('formatCountdown', async t => {
  process.env.TZ = 'UTC'
  const now = Date.parse('2026-11-25T03:00:00Z')
  const cases: [unknown, string][] = [
    ['2026-11-25T04:23:00Z', 'in 1h 23m'],
    ['2026-11-25T03:00:45Z', 'in 45s'],
    ['2026-11-25T03:00:00.500Z', 'now'],
    ['2026-11-25T02:58:00Z', 'overdue 2m'],
    ['2026-11-22T02:00:00Z', 'overdue 3d 1h'],
    [null, '—'],
    [undefined, '—'],
    ['soon', '—'],
    [12345, '—'],
  ]
  for (const [value, text] of cases) t.equal(formatCountdown(value, now), text, String(value))
})

t.test('formatLocalTime in the process zone', async t => {
  process.env.TZ = 'UTC'
  t.equal(localZoneName(), 'UTC')
  t.equal(formatLocalTime('2026-11-25T04:01:09.999Z'), '2026-11-25 04:01')
  t.equal(formatLocalTime('2026-11-25T04:01:09.999Z', { seconds: true }), '2026-11-25 04:01:09')
  t.equal(formatLocalTime('2026-03-05T00:00:00+02:00'), '2026-03-04 22:00')
  t.equal(formatLocalTime(null), '—')
  t.equal(formatLocalTime('nope'), '—')
  t.equal(parseTime('2026-11-25T04:01:00Z'), Date.UTC(2026, 10, 25, 4, 1))
  t.equal(parseTime({}), null)
})

t.test('formatRetryTime: a retry days away gets its weekday and time', async t => {
  process.env.TZ = 'UTC'
  const now = Date.parse('2026-11-26T05:00:00Z') // a Thursday
  const cases: [unknown, string][] = [
    ['2026-11-30T09:00:00Z', 'Mon 09:00, in 4d 4h'],
    ['2026-11-27T05:00:01Z', 'Fri 05:00, in 1d'],
    ['2026-11-27T05:00:00Z', 'in 1d'],
    ['2026-11-26T06:30:00Z', 'in 1h 30m'],
    ['2026-11-20T06:30:00Z', 'overdue 5d 22h'],
    [null, '—'],
  ]
  for (const [value, text] of cases) t.equal(formatRetryTime(value, now), text, String(value))
})
