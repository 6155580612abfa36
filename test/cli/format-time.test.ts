// Local times, countdowns and retry times in zones other than UTC: offsets, DST, a weekday across the date line.
import t from 'tap'
import { formatCountdown, formatLocalTime, formatRetryTime, localZoneName } from '../../src/cli/format-time.js'

// Node re-reads TZ when it is assigned; the UTC cases live in format.test.ts.
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
