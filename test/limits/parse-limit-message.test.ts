import t from 'tap'
import { readFileSync } from 'node:fs'
import {
  DATED_MAX_AHEAD_MS,
  parseLimitMessage,
  STALE_AFTER_MS,
  UNDATED_MAX_AHEAD_MS,
  type LimitKind,
} from '../../src/limits/parse-limit-message.js'

// Every expected instant below was worked out by hand from the zone's UTC offset on that date
// (written next to it), never by running the parser. Sources: "public reports" are banners users
// have posted (docs/limit-texts.md names them by family), "run by this project" the real Claude Code
// 2.1.331 against the fake API (docs/claude-code.md#banner-formats-over-time), "cli.js 2.1.77" the
// banner builders in @anthropic-ai/claude-code@2.1.77 (node_modules/claude-code-2177/cli.js).

interface Fixture {
  name: string
  from: string
  text: string
  now: string
  tz: string
  kind: LimitKind
  resetAt: string | null
  zone?: string | null
  source?: string
}

const hardLimits: Fixture[] = [
  {
    name: 'transcript row text, UTC, minutes',
    from: 'Claude Code 2.1.331 run by this project (row timestamp as now)',
    text: "You've hit your 5-hour limit · resets 4:01am (UTC)",
    now: '2026-11-25T03:01:15.959Z',
    tz: 'America/Los_Angeles',
    kind: 'five_hour',
    resetAt: '2026-11-25T04:01:00.000Z',
    zone: 'UTC',
  },
  {
    name: 'legacy epoch form',
    from: 'public reports, Claude Code 1.0.x (mid 2025)',
    text: 'Claude AI usage limit reached|1749924000',
    now: '2025-06-14T14:00:00Z',
    tz: 'Europe/Berlin',
    kind: 'unknown',
    resetAt: '2025-06-14T18:00:00.000Z', // date -u -d @1749924000
    zone: null,
    source: 'legacy-epoch',
  },
  {
    name: 'legacy sentence, Etc/GMT+5 is UTC-5',
    from: 'public reports, Claude Code 1.0.x',
    text: 'Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).',
    now: '2025-06-14T15:30:00Z', // 10:30 at UTC-5
    tz: 'UTC',
    kind: 'unknown',
    resetAt: '2025-06-14T18:00:00.000Z', // 13:00 -05:00
    zone: 'Etc/GMT+5',
  },
  {
    name: '12am with no zone, Tokyo, rolls over midnight',
    from: 'public reports, Claude Code 1.0.x',
    text: 'Claude usage limit reached. Your limit will reset at 12am.',
    now: '2026-07-01T13:30:00Z', // 22:30 JST (+09:00)
    tz: 'Asia/Tokyo',
    kind: 'unknown',
    resetAt: '2026-07-01T15:00:00.000Z', // 2026-07-02 00:00 +09:00
    zone: 'Asia/Tokyo',
  },
  {
    name: 'dated "Oct 6, 6pm", no zone, Los Angeles (PDT)',
    from: 'public reports, Claude Code 1.0.x',
    text: 'Claude usage limit reached. Your limit will reset at Oct 6, 6pm.',
    now: '2025-10-03T12:00:00Z',
    tz: 'America/Los_Angeles',
    kind: 'unknown',
    resetAt: '2025-10-07T01:00:00.000Z', // Oct 6 18:00 -07:00
  },
  {
    name: '∙ separator, Melbourne (AEDT)',
    from: 'public reports, Claude Code 1.0.x',
    text: '5-hour limit reached ∙ resets 3am',
    now: '2026-01-14T13:00:00Z', // Jan 15 00:00 +11:00
    tz: 'Australia/Melbourne',
    kind: 'five_hour',
    resetAt: '2026-01-14T16:00:00.000Z', // Jan 15 03:00 +11:00
  },
  {
    name: 'Opus weekly, dated, Berlin after the October change (CET)',
    from: 'public reports, Claude Code 1.0.x',
    text: 'Opus weekly limit reached ∙ resets Oct 31, 9am',
    now: '2026-10-27T10:00:00Z',
    tz: 'Europe/Berlin',
    kind: 'weekly_opus',
    resetAt: '2026-10-31T08:00:00.000Z', // Oct 31 09:00 +01:00
  },
  {
    name: 'zone in the banner beats timeZone (Paris, CET)',
    from: 'public reports, Claude Code 2.x',
    text: "You've hit your limit · resets 2am (Europe/Paris)",
    now: '2026-03-10T22:00:00Z', // 23:00 +01:00
    tz: 'America/Los_Angeles',
    kind: 'unknown',
    resetAt: '2026-03-11T01:00:00.000Z', // Mar 11 02:00 +01:00
    zone: 'Europe/Paris',
  },
  {
    name: 'old alias Asia/Calcutta, "Jan 30, 11:30am"',
    from: 'public reports, Claude Code 2.x',
    text: "You've hit your limit · resets Jan 30, 11:30am (Asia/Calcutta)",
    now: '2027-01-27T00:00:00Z',
    tz: 'America/Los_Angeles',
    kind: 'unknown',
    resetAt: '2027-01-30T06:00:00.000Z', // 11:30 +05:30
    zone: 'Asia/Calcutta',
  },
  {
    name: 'session limit, minutes, Kolkata',
    from: 'public reports and Claude Code 2.1.77 run by this project',
    text: "You've hit your session limit · resets 3:45pm",
    now: '2026-05-01T06:00:00Z', // 11:30 +05:30
    tz: 'Asia/Kolkata',
    kind: 'five_hour',
    resetAt: '2026-05-01T10:15:00.000Z', // 15:45 +05:30
  },
  {
    name: 'weekday "Mon 12:00am", Tokyo, Wednesday noon',
    from: 'public reports, Claude Code 1.0.x',
    text: "You've hit your weekly limit · resets Mon 12:00am",
    now: '2026-11-25T03:00:00Z', // Wed Nov 25 12:00 +09:00
    tz: 'Asia/Tokyo',
    kind: 'weekly',
    resetAt: '2026-11-29T15:00:00.000Z', // Mon Nov 30 00:00 +09:00
  },
  {
    name: 'extra usage, zone west of UTC read in Berlin',
    from: 'public reports, cli.js 2.1.77 ("You\'re out of extra usage")',
    text: "You're out of extra usage · resets 10pm (America/Los_Angeles)",
    now: '2026-11-25T20:00:00Z', // 12:00 PST (-08:00)
    tz: 'Europe/Berlin',
    kind: 'extra_usage',
    resetAt: '2026-11-26T06:00:00.000Z', // 22:00 -08:00
  },
  {
    name: '"Sep 1 at 12:00am"',
    from: 'public reports, Claude Code 1.0.x',
    text: "You've hit your weekly limit · resets Sep 1 at 12:00am",
    now: '2026-08-28T19:00:00Z',
    tz: 'America/Los_Angeles',
    kind: 'weekly',
    resetAt: '2026-09-01T07:00:00.000Z', // 00:00 -07:00
  },
  {
    name: '24-hour time',
    from: 'hand-written: a non-en-US locale',
    text: "You've hit your limit · resets 15:30 (Europe/Berlin)",
    now: '2026-07-01T08:00:00Z', // 10:00 +02:00
    tz: 'UTC',
    kind: 'unknown',
    resetAt: '2026-07-01T13:30:00.000Z',
  },
  {
    name: 'relative "in 2 hours"',
    from: 'hand-written after cli.js 2.1.77 ("resets in" for fast mode)',
    text: "You've hit your limit · resets in 2 hours",
    now: '2026-07-01T08:00:00Z',
    tz: 'UTC',
    kind: 'unknown',
    resetAt: '2026-07-01T10:00:00.000Z',
    zone: null,
    source: 'relative',
  },
  {
    name: 'relative "in 1h 30m"',
    from: 'hand-written',
    text: 'Claude usage limit reached. Your limit will reset in 1h 30m.',
    now: '2026-07-01T08:00:00Z',
    tz: 'UTC',
    kind: 'unknown',
    resetAt: '2026-07-01T09:30:00.000Z',
    source: 'relative',
  },
  {
    name: 'midnight roll-over, Los Angeles (PST)',
    from: 'public reports (format)',
    text: "You've hit your session limit · resets 1am",
    now: '2026-11-25T07:30:00Z', // Nov 24 23:30 -08:00
    tz: 'America/Los_Angeles',
    kind: 'five_hour',
    resetAt: '2026-11-25T09:00:00.000Z', // Nov 25 01:00 -08:00
  },
  {
    name: 'Berlin, the night of the October change: 3am is CET',
    from: 'public reports (format)',
    text: '5-hour limit reached ∙ resets 3am',
    now: '2026-10-24T20:00:00Z', // Oct 24 22:00 +02:00
    tz: 'Europe/Berlin',
    kind: 'five_hour',
    resetAt: '2026-10-25T02:00:00.000Z', // Oct 25 03:00 +01:00
  },
  {
    name: 'Berlin overlap 2:30am happens twice: the earlier one',
    from: 'public reports (format); DST rule',
    text: "You've hit your session limit · resets 2:30am (Europe/Berlin)",
    now: '2026-10-24T23:00:00Z', // Oct 25 01:00 +02:00
    tz: 'UTC',
    kind: 'five_hour',
    resetAt: '2026-10-25T00:30:00.000Z', // 02:30 +02:00 (not 02:30 +01:00 = 01:30Z)
  },
  {
    name: 'Berlin gap 2:30am does not exist: shifted forward to 3:30 CEST',
    from: 'public reports (format); DST rule',
    text: "You've hit your session limit · resets 2:30am (Europe/Berlin)",
    now: '2026-03-28T23:00:00Z', // Mar 29 00:00 +01:00
    tz: 'UTC',
    kind: 'five_hour',
    resetAt: '2026-03-29T01:30:00.000Z', // 03:30 +02:00 = 02:30 +01:00
  },
  {
    name: 'Melbourne, the night DST starts: 4am is AEDT',
    from: 'public reports (format)',
    text: "You've hit your session limit · resets 4am",
    now: '2026-10-03T14:00:00Z', // Oct 4 00:00 +10:00
    tz: 'Australia/Melbourne',
    kind: 'five_hour',
    resetAt: '2026-10-03T17:00:00.000Z', // Oct 4 04:00 +11:00
  },
  {
    name: '12pm is noon',
    from: 'public reports (format)',
    text: "You've hit your session limit · resets 12pm",
    now: '2026-05-01T04:00:00Z', // 09:30 +05:30
    tz: 'Asia/Kolkata',
    kind: 'five_hour',
    resetAt: '2026-05-01T06:30:00.000Z',
  },
  {
    name: 'a reset that passed an hour ago is over, not tomorrow',
    from: 'the rule on undated past times (docs/limit-texts.md)',
    text: "You've hit your session limit · resets 9am",
    now: '2026-11-25T18:00:00Z', // 10:00 -08:00
    tz: 'America/Los_Angeles',
    kind: 'five_hour',
    resetAt: '2026-11-25T17:00:00.000Z', // 09:00 -08:00, in the past
  },
  {
    name: 'dated without a year rolls into next year',
    from: 'public reports (format)',
    text: "You've hit your weekly limit · resets Jan 3, 9am (UTC)",
    now: '2026-12-28T00:00:00Z',
    tz: 'Asia/Tokyo',
    kind: 'weekly',
    resetAt: '2027-01-03T09:00:00.000Z',
  },
  {
    name: 'dated with a year, as cli.js prints across a year end',
    from: 'cli.js 2.1.77 (UJ6 adds the year when it differs)',
    text: "You've hit your weekly limit · resets Jan 2, 2027, 11:30am (Asia/Kolkata)",
    now: '2026-12-28T00:00:00Z',
    tz: 'UTC',
    kind: 'weekly',
    resetAt: '2027-01-02T06:00:00.000Z',
  },
  {
    name: 'Opus and Sonnet limits',
    from: 'cli.js 2.1.77 ("Opus limit" = seven_day_opus)',
    text: "You've hit your Opus limit · resets Nov 30, 5pm (UTC)",
    now: '2026-11-25T00:00:00Z',
    tz: 'UTC',
    kind: 'weekly_opus',
    resetAt: '2026-11-30T17:00:00.000Z',
  },
  {
    name: 'Sonnet limit',
    from: 'cli.js 2.1.77 ("Sonnet limit" = seven_day_sonnet)',
    text: "You've hit your Sonnet limit · resets Nov 30, 5pm (UTC)",
    now: '2026-11-25T00:00:00Z',
    tz: 'UTC',
    kind: 'weekly_sonnet',
    resetAt: '2026-11-30T17:00:00.000Z',
  },
  {
    name: 'Claude Code auto-continue line',
    from: 'Claude Code 2.1.331 TUI run by this project',
    text: '● Usage limit reached · set to continue automatically at 4:24am',
    now: '2026-11-25T03:24:00Z',
    tz: 'UTC',
    kind: 'unknown',
    resetAt: '2026-11-25T04:24:00.000Z',
  },
]

const footer: Fixture = {
  name: 'Claude Code auto-continue footer',
  from: 'Claude Code 2.1.331 TUI run by this project',
  text: '⚠ Usage limit reached · limit resets 4:24am / Continuing automatically at 4:24am · Esc to cancel',
  now: '2026-11-25T03:24:00Z',
  tz: 'UTC',
  kind: 'unknown',
  resetAt: '2026-11-25T04:24:00.000Z',
}
hardLimits.push(footer)

const noisy: Fixture[] = [
  {
    name: 'TUI ⎿ glyph, indentation, curly apostrophe and a second line',
    from: 'public reports and Claude Code 2.1.331 TUI run by this project',
    text: '  ⎿  You’ve hit your 5-hour limit · resets 4:24am (UTC)\n     /upgrade to increase your usage limit.',
    now: '2026-11-25T03:24:00Z',
    tz: 'Asia/Tokyo',
    kind: 'five_hour',
    resetAt: '2026-11-25T04:24:00.000Z',
  },
  {
    name: '⏺ glyph, hyphen separator',
    from: 'public reports (TUI glyphs)',
    text: "⏺ You've hit your session limit - resets 3pm",
    now: '2026-07-01T03:00:00Z', // 12:00 +09:00
    tz: 'Asia/Tokyo',
    kind: 'five_hour',
    resetAt: '2026-07-01T06:00:00.000Z', // 15:00 +09:00
  },
  {
    name: 'colour codes, narrow no-break space and upper-case PM',
    from: 'Node 20 ICU prints "3\\u202fPM"; cli.js only lower-cases after a plain space',
    text: "\u001b[31m● You've hit your limit · resets 3\u202fPM (UTC)\u001b[39m",
    now: '2026-07-01T12:00:00Z',
    tz: 'UTC',
    kind: 'unknown',
    resetAt: '2026-07-01T15:00:00.000Z',
  },
  {
    name: 'banner wrapped onto a second line',
    from: 'hand-written: a narrow terminal',
    text: "⎿  You've hit your weekly limit · resets Nov 30,\n   5pm (UTC)",
    now: '2026-11-25T00:00:00Z',
    tz: 'UTC',
    kind: 'weekly',
    resetAt: '2026-11-30T17:00:00.000Z',
  },
  {
    name: 'several banners: the last one counts',
    from: 'public reports (formats), one session log',
    text: [
      "You've hit your 5-hour limit · resets 4:01am (UTC)",
      'some work in between',
      "You've hit your weekly limit · resets Nov 30, 12am (UTC)",
    ].join('\n'),
    now: '2026-11-25T03:00:00Z',
    tz: 'UTC',
    kind: 'weekly',
    resetAt: '2026-11-30T00:00:00.000Z',
  },
  {
    name: 'unknown zone name falls back to timeZone',
    from: 'hand-written',
    text: "You've hit your limit · resets 2am (Mars/Olympus)",
    now: '2026-07-01T14:00:00Z', // 23:00 +09:00
    tz: 'Asia/Tokyo',
    kind: 'unknown',
    resetAt: '2026-07-01T17:00:00.000Z', // 02:00 +09:00
    zone: 'Asia/Tokyo',
  },
  {
    name: 'an unknown timeZone falls back to UTC',
    from: 'hand-written',
    text: "You've hit your limit · resets 3pm",
    now: '2026-07-01T12:00:00Z',
    tz: 'Not/AZone',
    kind: 'unknown',
    resetAt: '2026-07-01T15:00:00.000Z',
    zone: 'UTC',
  },
]

for (const f of [...hardLimits, ...noisy]) {
  t.test(`${f.name} [${f.from}]`, async (t) => {
    const r = parseLimitMessage(f.text, { now: Date.parse(f.now), timeZone: f.tz })
    t.equal(r.limited, true, 'a hard limit')
    t.equal(r.transient, false)
    t.equal(r.kind, f.kind)
    t.equal(r.resetAt === null ? null : new Date(r.resetAt).toISOString(), f.resetAt)
    t.equal(r.source, f.source ?? 'banner')
    if (f.zone !== undefined) t.equal(r.zone, f.zone)
    t.equal(r.stale, false)
    t.ok(r.matched, 'names the banner it used')
    t.ok(r.reasons.length > 0, 'explains itself')
  })
}

t.test('unknown zone is reported, not thrown', async (t) => {
  const r = parseLimitMessage("You've hit your limit · resets 2am (Mars/Olympus)", {
    now: Date.parse('2026-07-01T14:00:00Z'),
    timeZone: 'Asia/Tokyo',
  })
  t.equal(r.unknownZone, 'Mars/Olympus')
  t.match(r.reasons.join('\n'), /Mars\/Olympus/)
})

t.test('the thresholds are pinned', async (t) => {
  t.equal(STALE_AFTER_MS, 60 * 60 * 1000, 'the just-passed window')
  t.equal(UNDATED_MAX_AHEAD_MS, 24 * 60 * 60 * 1000, 'Claude Code prints a bare time for resets up to 24 h ahead')
  t.equal(DATED_MAX_AHEAD_MS, 35 * 24 * 60 * 60 * 1000)
})

t.test('an undated time that passed hours ago means its next occurrence', async (t) => {
  const text = "You've hit your session limit · resets 3am"
  // 10:00 PST: 3am passed 7 h ago, beyond the window, so tomorrow's 3am (11:00Z).
  const r = parseLimitMessage(text, { now: Date.parse('2026-11-25T18:00:00Z'), timeZone: 'America/Los_Angeles' })
  t.equal(r.limited, true)
  t.equal(r.stale, false)
  t.equal(r.resetAt, Date.parse('2026-11-26T11:00:00Z'))
  t.match(r.reasons.join('\n'), /beyond the 60 min just-passed window/)
})

t.test('the just-passed window sits at STALE_AFTER_MS: both sides', async (t) => {
  const text = "You've hit your session limit · resets 3am (UTC)"
  const at3 = Date.parse('2026-11-25T03:00:00Z')
  const inside = parseLimitMessage(text, { now: at3 + STALE_AFTER_MS, timeZone: 'UTC' })
  t.equal(inside.resetAt, at3, 'exactly at the window: the reset just passed')
  t.match(inside.reasons.join('\n'), /the reset is over/)
  const outside = parseLimitMessage(text, { now: at3 + STALE_AFTER_MS + 60_000, timeZone: 'UTC' })
  t.equal(outside.resetAt, at3 + 24 * 60 * 60 * 1000, 'a minute later: tomorrow')
  t.equal(outside.stale, false)
})

t.test('a bare time up to 24 h ahead is read as printed (a weekly reset 22 h away)', async (t) => {
  const text = "You've hit your weekly limit · resets 3pm (UTC)"
  const at15 = Date.parse('2026-11-25T15:00:00Z')
  const r = parseLimitMessage(text, { now: at15 - 22 * 60 * 60 * 1000, timeZone: 'UTC' })
  t.equal(r.resetAt, at15)
  t.equal(r.kind, 'weekly')
})

t.test('a weekday time more than 7 days away cannot happen: the look-ahead is a week', async (t) => {
  const text = "You've hit your weekly limit · resets Wed 3pm (UTC)"
  // Wednesday 2026-11-25 16:30: 3pm passed 90 min ago, so next Wednesday.
  const r = parseLimitMessage(text, { now: Date.parse('2026-11-25T16:30:00Z'), timeZone: 'UTC' })
  t.equal(r.resetAt, Date.parse('2026-12-02T15:00:00Z'))
})

t.test('a dated time more than a few hours past is stale, not next year', async (t) => {
  const r = parseLimitMessage("You've hit your limit · resets Jan 30, 11:30am (UTC)", {
    now: Date.parse('2027-02-05T00:00:00Z'),
    timeZone: 'UTC',
  })
  t.equal(r.stale, true)
  t.equal(r.resetAt, null)
})

t.test('a date that does not exist gives no reset', async (t) => {
  const r = parseLimitMessage("You've hit your limit · resets Feb 30, 1pm (UTC)", {
    now: Date.parse('2026-02-20T00:00:00Z'),
    timeZone: 'UTC',
  })
  t.equal(r.limited, true)
  t.equal(r.resetAt, null)
  const y = parseLimitMessage("You've hit your limit · resets Feb 29, 2026, 1pm (UTC)", {
    now: Date.parse('2026-02-20T00:00:00Z'),
    timeZone: 'UTC',
  })
  t.equal(y.resetAt, null)
})

t.test('a transient error with a retry hint', async (t) => {
  const now = Date.parse('2026-07-01T12:00:00Z')
  const r = parseLimitMessage(
    'API Error: Server is temporarily limiting requests (not your usage limit) · try again in 30 seconds',
    { now, timeZone: 'UTC' },
  )
  t.equal(r.transient, true)
  t.equal(r.limited, false)
  t.equal(r.resetAt, now + 30_000)
  t.equal(r.source, 'relative')
})

t.test('relative amounts: "an hour", days', async (t) => {
  const now = Date.parse('2026-07-01T12:00:00Z')
  const hour = parseLimitMessage("You've hit your limit · resets in an hour", { now, timeZone: 'UTC' })
  t.equal(hour.resetAt, Date.parse('2026-07-01T13:00:00Z'))
  const days = parseLimitMessage("You've hit your weekly limit · resets in 2 days", { now, timeZone: 'UTC' })
  t.equal(days.resetAt, Date.parse('2026-07-03T12:00:00Z'))
})

t.test('legacy epoch in milliseconds', async (t) => {
  const r = parseLimitMessage('Claude AI usage limit reached|1749924000000', { now: 0, timeZone: 'UTC' })
  t.equal(r.resetAt, Date.parse('2025-06-14T18:00:00Z'))
})

t.test('impossible clock times are not times', async (t) => {
  for (const time of ['13pm', '0am', '25:00', '9:75am']) {
    const r = parseLimitMessage(`You've hit your limit · resets ${time} (UTC)`, { now: 0, timeZone: 'UTC' })
    t.equal(r.limited, true, time)
    t.equal(r.resetAt, null, time)
  }
})

t.test('a hard limit with no time', async (t) => {
  const r = parseLimitMessage('Claude usage limit reached.', { now: 0, timeZone: 'UTC' })
  t.equal(r.limited, true)
  t.equal(r.resetAt, null)
  t.equal(r.source, 'none')
})

interface LookAlike {
  name: string
  from: string
  text: string
  category: string
  transient?: boolean
  kind: LimitKind | null
}

const lookAlikes: LookAlike[] = [
  {
    name: 'approaching, with a time',
    from: 'public reports',
    text: 'Approaching usage limit · resets at 3pm',
    category: 'warning',
    kind: 'unknown',
  },
  {
    name: 'approaching Opus',
    from: 'public reports',
    text: 'Approaching Opus usage limit · /model to use best available model',
    category: 'warning',
    kind: 'weekly_opus',
  },
  {
    name: 'percentage used',
    from: 'public reports, cli.js 2.1.77',
    text: "You've used 98% of your session limit · resets 8:40pm (Europe/Berlin)",
    category: 'warning',
    kind: 'five_hour',
  },
  {
    name: 'server throttle',
    from: 'public reports',
    text: 'API Error: Server is temporarily limiting requests (not your usage limit)',
    category: 'transient',
    transient: true,
    kind: 'server_throttle',
  },
  {
    name: 'API-key 429',
    from: 'Claude Code 2.1.331 with ANTHROPIC_API_KEY run by this project',
    text: "API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later.",
    category: 'transient',
    transient: true,
    kind: 'api_rate_limit',
  },
  {
    name: 'repeated 529',
    from: 'public reports',
    text: 'API Error: Repeated 529 Overloaded errors. The API is at capacity — this is usually temporary.',
    category: 'transient',
    transient: true,
    kind: 'overloaded',
  },
  {
    name: 'prose about limits',
    from: 'public reports',
    text: 'When you hit your usage limit you can run `claude --resume` to continue.',
    category: 'none',
    kind: null,
  },
  {
    name: 'a banner quoted inside prose',
    from: 'hand-written',
    text: "If Claude says You've hit your limit · resets 3pm, wait.",
    category: 'none',
    kind: null,
  },
  {
    name: 'banner words followed by more words',
    from: 'hand-written',
    text: "You've hit your limit so I stopped here.",
    category: 'none',
    kind: null,
  },
  {
    name: 'switched to extra usage',
    from: 'cli.js 2.1.77',
    text: "You're now using extra usage · Your session limit resets 3pm (UTC)",
    category: 'warning',
    kind: 'extra_usage',
  },
  {
    name: 'close to the spending limit',
    from: 'cli.js 2.1.77',
    text: "You're close to your extra usage spending limit",
    category: 'warning',
    kind: 'extra_usage',
  },
  {
    name: 'model fallback',
    from: 'public reports, Claude Code 1.0.x',
    text: 'Claude Opus 4 limit reached, now using Sonnet 4',
    category: 'warning',
    kind: 'unknown',
  },
  {
    name: 'fast-mode cooldown',
    from: 'cli.js 2.1.77',
    text: "You've hit your fast limit · resets in 2m",
    category: 'warning',
    kind: 'unknown',
  },
  {
    name: 'an API error that is not about limits',
    from: 'hand-written',
    text: 'API Error: 500 Internal server error',
    category: 'none',
    kind: null,
  },
  {
    name: 'a warning after a hard limit: the last one counts',
    from: 'public reports (formats)',
    text: "You've hit your 5-hour limit · resets 4:01am (UTC)\nYou've used 91% of your weekly limit",
    category: 'warning',
    kind: 'weekly',
  },
]

for (const f of lookAlikes) {
  t.test(`not a hard limit: ${f.name} [${f.from}]`, async (t) => {
    const r = parseLimitMessage(f.text, { now: Date.parse('2026-07-01T12:00:00Z'), timeZone: 'UTC' })
    t.equal(r.limited, false)
    t.equal(r.transient, f.transient ?? false)
    t.equal(r.category, f.category)
    t.equal(r.kind, f.kind)
    t.equal(r.resetAt, null)
  })
}

t.test('the result is plain JSON', async (t) => {
  const r = parseLimitMessage("You've hit your limit · resets 3pm", { now: 0, timeZone: 'UTC' })
  t.same(JSON.parse(JSON.stringify(r)), r)
})

t.test('pure: no clock, env or file reads in src/limits parsing', async (t) => {
  for (const file of ['parse-limit-message.ts', 'limit-banners.ts', 'reset-time.ts', 'normalize-text.ts']) {
    const src = readFileSync(new URL(`../../src/limits/${file}`, import.meta.url), 'utf8')
    t.notMatch(src, /Date\.now\(|new Date\(\)|process\.env|node:fs|from 'fs'/, file)
  }
})

t.test('reasons: a wrapped head is joined, and an auto-continue line defers to its banner', async (t) => {
  const now = Date.parse('2026-07-13T07:00:00Z')
  const wrapped = parseLimitMessage("⎿  You've hit your\n   session limit · resets 8:30pm (Asia/Tokyo)", { now, timeZone: 'UTC' })
  t.equal(wrapped.family, 'hit-your-limit')
  t.equal(wrapped.resetAt, Date.parse('2026-07-13T11:30:00Z'))
  t.match(wrapped.reasons.join('\n'), /joined a banner wrapped across two lines/)
  const stopped = parseLimitMessage(
    "You've hit your session limit · resets 8:30pm (Asia/Tokyo)\nAutomatic continue stopped after repeated usage-limit hits · /rate-limit-options to try again",
    { now, timeZone: 'UTC' },
  )
  t.equal(stopped.family, 'hit-your-limit')
  t.equal(stopped.kind, 'five_hour')
  t.match(stopped.reasons.join('\n'), /auto-continue gave up/)
})

t.test('plain text takes no normalisation and says none', async (t) => {
  const r = parseLimitMessage("You've hit your limit · resets 3pm (UTC)", { now: 0, timeZone: 'UTC' })
  t.notMatch(r.reasons.join('\n'), /normalised/)
  t.match(r.reasons[0], /^family hit-your-limit: /)
})
