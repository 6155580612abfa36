// Limit texts collected from public sources, for the table test of parseLimitMessage.
// Each row names where its text came from (`source`), the instant it is read at (`now`, a wall
// time in a named zone), the zone of the machine that printed it (`tz`) and what it must mean.
// Expected reset instants are written as the wall time a person reads off the banner and the
// report ("2026-07-13T20:30 Asia/Tokyo"); corpus-expectations.ts turns them into epoch ms with
// luxon, so no offset arithmetic is done by hand.
//
// Source keys: `cc#N` is github.com/anthropics/claude-code issue N, whose title is often the
// banner exactly as printed; `codex#N` openai/codex, `gemini#N` google-gemini/gemini-cli;
// peers' test fixtures are named by repository and file; `cc-2.1.331` is a string built by the
// banner code in the @anthropic-ai/claude-code 2.1.331 binary (read with `strings`), with the
// reset and zone filled in; `cc-2.1.77` the same for cli.js 2.1.77.

import type { LimitKind } from '../../src/limits/parse-limit-message.js'

export type Family =
  | 'legacy-epoch'
  | 'legacy-sentence'
  | 'limit-reached'
  | 'hit-your-limit'
  | 'out-of-extra-usage'
  | 'out-of-usage-credits'
  | 'usage-limit-reached'
  | 'auto-continue'
  | 'auto-continue-stopped'
  | 'no-reset'
  | 'server-throttle'
  | 'api-rate-limit'
  | 'overloaded'
  | 'usage-gauge'
  | 'now-using-credits'
  | 'model-fallback'
  | 'fast-mode'
  | 'other-agent'

/** What a row must parse to. `at` is a wall time and zone, `epoch N`, or null (no reset given). */
export type Expect =
  | { category: 'hard_limit'; kind: LimitKind; at: string | null }
  | { category: 'transient'; kind: LimitKind }
  | { category: 'warning' | 'blocked' | 'none' }

export interface CorpusRow {
  source: string
  text: string
  /** "YYYY-MM-DDTHH:mm Zone": when the text is read. */
  now: string
  /** Zone of the machine that printed the text; the zone of `now` when absent. */
  tz?: string
  family: Family | null
  expect: Expect
}

const hard = (kind: LimitKind, at: string | null): Expect => ({ category: 'hard_limit', kind, at })
const transient = (kind: LimitKind): Expect => ({ category: 'transient', kind })
const WARNING: Expect = { category: 'warning' }
const BLOCKED: Expect = { category: 'blocked' }
const NONE: Expect = { category: 'none' }

export const CORPUS: CorpusRow[] = [
  // --- Legacy forms (Claude Code 1.0.x) ---
  { source: 'cc#11429 (title, 1.0.83)', text: 'Claude AI usage limit reached|1762952400', now: '2025-11-11T12:00 Asia/Kolkata', family: 'legacy-epoch', expect: hard('unknown', 'epoch 1762952400') },
  { source: 'cc#9046 (title, 1.0.69)', text: 'Claude AI usage limit reached|1760000400', now: '2025-10-06T15:00 America/Los_Angeles', family: 'legacy-epoch', expect: hard('unknown', 'epoch 1760000400') },
  { source: 'cc#8835 (logs, 2.0.1)', text: '```shell\nClaude AI usage limit reached|1760004000\n```', now: '2025-10-03T09:00 Europe/London', family: 'legacy-epoch', expect: hard('unknown', 'epoch 1760004000') },
  { source: 'cc#2087 (body, 1.0.24)', text: 'Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).', now: '2025-06-14T12:10 Etc/GMT+5', family: 'legacy-sentence', expect: hard('unknown', '2025-06-14T13:00 Etc/GMT+5') },
  { source: 'cc#15064 (body, 1.0.58; hit at 8 PM on 12/21)', text: ' ⎿  Claude usage limit reached. Your limit will reset at 9am (America/Chicago).', now: '2025-12-21T20:05 America/Chicago', family: 'legacy-sentence', expect: hard('unknown', '2025-12-22T09:00 America/Chicago') },
  { source: 'cc#9236 (logs, wrapped over two lines; locked since 4 PM the day before)', text: 'Claude usage limit reached. Your limit will reset \n     at 3pm (America/Santiago).', now: '2025-10-08T16:10 America/Santiago', family: 'legacy-sentence', expect: hard('unknown', '2025-10-09T15:00 America/Santiago') },
  { source: 'aniketkarne/CCAutoRenew#3 (body)', text: 'Claude usage limit reached. Your limit will reset at 12am.', now: '2025-07-15T20:00 Asia/Shanghai', family: 'legacy-sentence', expect: hard('unknown', '2025-07-16T00:00 Asia/Shanghai') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: 'Claude usage limit reached. Resets at 2pm', now: '2026-03-18T11:00 UTC', family: 'legacy-sentence', expect: hard('unknown', '2026-03-18T14:00 UTC') },

  // --- "<qualifier> limit reached ∙ resets ..." (Claude Code 1.0.x to 2.0.x) ---
  { source: 'link-assistant/hive-mind#5 (body)', text: '  ⎿  5-hour limit reached ∙ resets 5:30am\n     /upgrade to increase your usage limit.', now: '2025-08-22T02:00 Europe/Moscow', family: 'limit-reached', expect: hard('five_hour', '2025-08-22T05:30 Europe/Moscow') },
  { source: 'cc#12686 (title, 2.0.55)', text: 'Weekly limit reached · resets Dec 2, 7pm (Europe/Moscow) ·', now: '2025-11-29T12:00 Europe/Moscow', family: 'limit-reached', expect: hard('weekly', '2025-12-02T19:00 Europe/Moscow') },
  { source: 'cc#12308 (title, 2.0.51)', text: '5-hour limit reached · resets 2pm (Pacific/Auckland) · /upgrade to Max 20x or turn on /extra-usage', now: '2025-11-24T11:00 Pacific/Auckland', tz: 'UTC', family: 'limit-reached', expect: hard('five_hour', '2025-11-24T14:00 Pacific/Auckland') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js', text: 'Weekly limit reached · resets 9am', now: '2026-08-13T21:00 Asia/Omsk', family: 'limit-reached', expect: hard('weekly', '2026-08-14T09:00 Asia/Omsk') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: '5-hour limit reached - resets 3pm (Europe/Dublin)', now: '2026-04-15T11:00 Europe/Dublin', family: 'limit-reached', expect: hard('five_hour', '2026-04-15T15:00 Europe/Dublin') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (limit and reset on two lines)', text: '⚠ 5-hour limit reached\nResets at 3pm (UTC)', now: '2026-04-15T12:00 UTC', family: 'limit-reached', expect: hard('five_hour', '2026-04-15T15:00 UTC') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (bold code mid-banner)', text: '5-hour \u001b[1mlimit\u001b[0m reached - resets 3pm', now: '2026-04-15T12:00 Europe/Berlin', family: 'limit-reached', expect: hard('five_hour', '2026-04-15T15:00 Europe/Berlin') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (OSC 8 hyperlink)', text: '\u001b]8;;link\u001b\\5-hour limit reached\u001b]8;;\u001b\\ - resets 3pm', now: '2026-04-15T12:00 Asia/Tbilisi', family: 'limit-reached', expect: hard('five_hour', '2026-04-15T15:00 Asia/Tbilisi') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (OSC 8 around a coloured banner)', text: '\u001b]8;;url\u001b\\\u001b[33m5-hour limit reached - resets 3pm\u001b[0m\u001b]8;;\u001b\\', now: '2026-04-15T12:00 UTC', family: 'limit-reached', expect: hard('five_hour', '2026-04-15T15:00 UTC') },
  { source: 'fulvian/devflow test-limit-detection.js', text: '5-hour limit reached ∙ resets 3am', now: '2025-09-30T23:40 Europe/Rome', family: 'limit-reached', expect: hard('five_hour', '2025-10-01T03:00 Europe/Rome') },
  { source: 'cc#10333 (Opus weekly limit, reset Friday 2:00 PM per its screenshot)', text: 'Opus weekly limit reached ∙ resets Oct 31, 2pm', now: '2025-10-28T10:00 America/New_York', family: 'limit-reached', expect: hard('weekly_opus', '2025-10-31T14:00 America/New_York') },
  { source: 'cc#6918 (body: "5hour limit reached, resets at 9pm")', text: '5-hour limit reached ∙ resets 9pm', now: '2025-08-31T18:10 Europe/Berlin', family: 'limit-reached', expect: hard('five_hour', '2025-08-31T21:00 Europe/Berlin') },

  // --- "You've hit your ... limit · resets ..." (Claude Code 2.0 to 2.1.x) ---
  { source: 'cc#22946 (title, 2.1.30)', text: "You've hit your limit · resets 10pm (America/New_York)", now: '2026-02-03T18:40 America/New_York', family: 'hit-your-limit', expect: hard('unknown', '2026-02-03T22:00 America/New_York') },
  { source: 'cc#77082 (title, 2.1.207)', text: "You've hit your session limit · resets 8:30pm (Asia/Tokyo)", now: '2026-07-13T16:00 Asia/Tokyo', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-13T20:30 Asia/Tokyo') },
  { source: 'cc#74079 (title, 2.1.201; read 10 min after the reset)', text: "You've hit your session limit · resets 12:50am (America/Los_Angeles)", now: '2026-07-04T01:00 America/Los_Angeles', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-04T00:50 America/Los_Angeles') },
  { source: 'cc#69995 (title, 2.1.185)', text: "You've hit your session limit · resets 11:20am (Europe/Budapest)", now: '2026-06-22T08:00 Europe/Budapest', family: 'hit-your-limit', expect: hard('five_hour', '2026-06-22T11:20 Europe/Budapest') },
  { source: 'cc#72691 (title, 2.1.195; machine zone differs from the banner)', text: "You've hit your session limit · resets 1:40pm (Europe/Paris)", now: '2026-07-01T09:15 Europe/Paris', tz: 'America/New_York', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-01T13:40 Europe/Paris') },
  { source: 'cc#61452 (title, 2.1.147)', text: "You've hit your session limit · resets 7:30pm (Asia/Nicosia)", now: '2026-05-22T15:00 Asia/Nicosia', family: 'hit-your-limit', expect: hard('five_hour', '2026-05-22T19:30 Asia/Nicosia') },
  { source: 'cc#94390 (title, 2.1.267)', text: "You've hit your weekly limit · resets 5pm (America/Detroit)", now: '2026-09-14T10:00 America/Detroit', family: 'hit-your-limit', expect: hard('weekly', '2026-09-14T17:00 America/Detroit') },
  { source: 'cc#69160 (title; old alias Asia/Calcutta)', text: "You've hit your session limit · resets 3:20am (Asia/Calcutta)", now: '2026-06-16T23:45 Asia/Calcutta', family: 'hit-your-limit', expect: hard('five_hour', '2026-06-17T03:20 Asia/Calcutta') },
  { source: 'cc#23772 (title)', text: "You've hit your limit · resets 3pm (America/New_York)", now: '2026-02-06T11:30 America/New_York', family: 'hit-your-limit', expect: hard('unknown', '2026-02-06T15:00 America/New_York') },
  { source: 'cc#77978 (title, 2.1.211)', text: "You've hit your session limit · resets 2:30pm (Pacific/Auckland)", now: '2026-07-16T10:00 Pacific/Auckland', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-16T14:30 Pacific/Auckland') },
  { source: 'cc#76151 (title, 2.1.205)', text: "You've hit your session limit · resets 2:50am (Asia/Muscat)", now: '2026-07-08T22:30 Asia/Muscat', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-09T02:50 Asia/Muscat') },
  { source: 'cc#74751 (title, 2.1.201)', text: "You've hit your session limit · resets 1am (Asia/Singapore)", now: '2026-07-05T21:10 Asia/Singapore', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-06T01:00 Asia/Singapore') },
  { source: 'cc#68765 (title, 2.1.177)', text: "You've hit your session limit · resets 5:10pm (Asia/Calcutta)", now: '2026-06-16T13:00 Asia/Kolkata', family: 'hit-your-limit', expect: hard('five_hour', '2026-06-16T17:10 Asia/Calcutta') },
  { source: 'cc#41117 (title, 2.1.87; error logged 19:18Z)', text: "You've hit your limit · resets 11pm (Europe/Warsaw)", now: '2026-03-30T21:18 Europe/Warsaw', family: 'hit-your-limit', expect: hard('unknown', '2026-03-30T23:00 Europe/Warsaw') },
  { source: 'cc#93209 (title, 2.1.267)', text: "You've hit your session limit · resets 4am (Europe/Warsaw)", now: '2026-09-09T01:00 Europe/Warsaw', family: 'hit-your-limit', expect: hard('five_hour', '2026-09-09T04:00 Europe/Warsaw') },
  { source: 'cc#73873 (title with a "[Bug] " prefix; read 10 min after the reset)', text: "[Bug] You've hit your session limit · resets 4:10pm (America/Sao_Paulo)", now: '2026-07-03T16:20 America/Sao_Paulo', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-03T16:10 America/Sao_Paulo') },
  { source: 'cc#76709 (body, 2.1.207)', text: "You've hit your session limit · resets 11:50pm (Asia/Riyadh)\n/upgrade to increase your usage limit.", now: '2026-07-11T19:30 Asia/Riyadh', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-11T23:50 Asia/Riyadh') },
  { source: 'cc#79136 (errors block, 2.1.215: two banners, the later one counts)', text: "You've hit your session limit · resets 5:40pm (Europe/Berlin)\n/login to switch to an API usage-billed account.\n\n✻ Baked for 2m 4s\n\n❯ continue\nYou've hit your session limit · resets 10:30pm (Europe/Berlin)\n/login to switch to an API usage-billed account.\n\n✻ Cogitated for 0s", now: '2026-07-19T17:45 Europe/Berlin', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-19T22:30 Europe/Berlin') },
  { source: 'cc#79765 (title, 2.1.216)', text: "You've hit your session limit · resets 5:10pm (Europe/Paris)", now: '2026-07-21T14:50 Europe/Paris', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-21T17:10 Europe/Paris') },
  { source: 'cc#77262 (body: prompt, banner, hint and spinner line; read 2 min after the reset)', text: "❯ test\nYou've hit your session limit · resets 1:20am (Europe/Vienna)\n/upgrade to increase your usage limit.\n\n✻ Crunched for 0s", now: '2026-07-13T01:22 Europe/Vienna', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-13T01:20 Europe/Vienna') },
  { source: 'cc#77725 (body, 2.1.208)', text: '"You\'ve hit your session limit · resets 6:40pm (Asia/Kolkata)"', now: '2026-07-15T15:00 Asia/Kolkata', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-15T18:40 Asia/Kolkata') },
  { source: 'cc#79274 (body, 2.1.215)', text: "```\nYou've hit your session limit · resets 10:20pm (America/Los_Angeles)\n```", now: '2026-07-20T18:00 America/Los_Angeles', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-20T22:20 America/Los_Angeles') },
  { source: 'cc#77108 (title: banner, then the reporter\'s words; zone not given, machine zone chosen)', text: "You've hit your session limit · resets 5pm on claude code even though only 27% used up from the 5 hour limit", now: '2026-07-13T14:00 Europe/London', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-13T17:00 Europe/London') },
  { source: 'cc#55876 (title, 2.1.114: date "at" time)', text: "You've hit your limit · resets May 5 at 9pm (America/New_York)", now: '2026-05-03T16:54 America/New_York', family: 'hit-your-limit', expect: hard('unknown', '2026-05-05T21:00 America/New_York') },
  { source: 'cc#54698 (title, 2.1.123; error logged 14:58Z)', text: "You've hit your limit · resets 1:30am (Asia/Dhaka)", now: '2026-04-29T20:58 Asia/Dhaka', family: 'hit-your-limit', expect: hard('unknown', '2026-04-30T01:30 Asia/Dhaka') },
  { source: 'cc#52334 (body: weekly limit, no zone, CC stopped at 11pm the day before)', text: 'CC stops at 11pm with the message "You\'ve hit your limit · resets 10pm "', now: '2026-04-22T23:00 Europe/Berlin', family: null, expect: NONE },
  { source: 'cc#75243 (body: a teammate\'s failure line, 2.1.x)', text: "● Teammate @bhost failed: You've hit your session limit · resets 5:20am (America/Denver)", now: '2026-07-07T04:36 America/Denver', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-07T05:20 America/Denver') },
  { source: 'cc#75243 (body: ⎿ block with the /usage-credits hint)', text: "  ⎿  You've hit your session limit · resets 5:20am (America/Denver)\n     /usage-credits to finish what you’re working on.\n\n✻ Claude resuming /loop wakeup (Jul 7 4:35am)", now: '2026-07-07T04:36 America/Denver', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-07T05:20 America/Denver') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/fixtures/screens.js (whole pane; incident time from its table test)', text: "⏺ Bash(git push origin main)\n  ⎿  main -> main\n\n⏺ You've hit your session limit · resets 8:50pm (Asia/Omsk)\n\n✻ Cooking… (2m 14s · ↓ 8.1k tokens)\n─────────────────────────────────────────\n❯\n─────────────────────────────────────────\n  proj git:(main) | Opus 5 (1M context) | ctx: 2%\n  5h: 30% (resets in 2m) | 7d: 29% (resets in 5d8h)\n  -- INSERT -- ⏵⏵ bypass permissions on (shift+tab to cycle)", now: '2026-08-13T20:37 Asia/Omsk', family: 'hit-your-limit', expect: hard('five_hour', '2026-08-13T20:50 Asia/Omsk') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (boxed menu, #19)', text: "╭─────────────────────────────────────────────────╮\n│ You've hit your session limit · resets 6:50pm   │\n│ ❯ 1. Upgrade your plan                          │\n╰─────────────────────────────────────────────────╯", now: '2026-05-20T15:00 Europe/London', family: 'hit-your-limit', expect: hard('five_hour', '2026-05-20T18:50 Europe/London') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (⎿ glyph)', text: "⎿ You've hit your session limit · resets 9am", now: '2026-05-20T06:30 America/Chicago', family: 'hit-your-limit', expect: hard('five_hour', '2026-05-20T09:00 America/Chicago') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (two-line TUI render)', text: "⚠ You've hit your limit\n· resets 3pm (UTC)", now: '2026-05-20T12:00 UTC', family: 'hit-your-limit', expect: hard('unknown', '2026-05-20T15:00 UTC') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (/rate-limit-options menu)', text: "You've hit your session limit · resets 6:50pm (Europe/London)\nWhat do you want to do?\n❯ 1. Upgrade your plan\n  2. Stop and wait for limit to reset", now: '2026-05-20T15:00 Europe/London', family: 'hit-your-limit', expect: hard('five_hour', '2026-05-20T18:50 Europe/London') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (split banner)', text: "You've hit your session limit\n· resets 6:50pm (Europe/London)", now: '2026-05-20T15:00 UTC', family: 'hit-your-limit', expect: hard('five_hour', '2026-05-20T18:50 Europe/London') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (box drawn around a wrapped banner)', text: "╭──────────╮\n│ ⚠ You've hit your limit │\n│ · resets 3pm │\n╰──────────╯", now: '2026-03-18T13:00 UTC', family: 'hit-your-limit', expect: hard('unknown', '2026-03-18T15:00 UTC') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: "You've hit your limit · resets 3pm (Asia/Tbilisi)", now: '2026-04-15T09:43 Asia/Tbilisi', family: 'hit-your-limit', expect: hard('unknown', '2026-04-15T15:00 Asia/Tbilisi') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: "You've hit your session limit · resets 4:50pm (Asia/Shanghai)", now: '2026-04-15T13:00 Asia/Shanghai', family: 'hit-your-limit', expect: hard('five_hour', '2026-04-15T16:50 Asia/Shanghai') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: "You've hit your weekly limit · resets 9am (UTC)", now: '2026-04-15T08:00 UTC', family: 'hit-your-limit', expect: hard('weekly', '2026-04-15T09:00 UTC') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (date "at" time)', text: "You've hit your weekly limit · resets May 28 at 7pm (Europe/Madrid)", now: '2026-05-21T14:00 Europe/Madrid', family: 'hit-your-limit', expect: hard('weekly', '2026-05-28T19:00 Europe/Madrid') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (24-hour time after a date)', text: "You've hit your weekly limit · resets May 28 at 19:00 (Europe/Madrid)", now: '2026-05-21T14:00 Europe/Madrid', family: 'hit-your-limit', expect: hard('weekly', '2026-05-28T19:00 Europe/Madrid') },
  { source: 'chris-karl/claude-auto-retry test/time-parser.test.ts (time, weekday and date on the next line)', text: "You've hit your weekly limit\nResets by 4:00 AM Friday Apr 24", now: '2026-04-20T10:00 America/Chicago', family: 'hit-your-limit', expect: hard('weekly', '2026-04-24T04:00 America/Chicago') },
  { source: 'chris-karl/claude-auto-retry test/time-parser.test.ts (24-hour time, weekday and date)', text: "You've hit your weekly limit · Resets by 19:00 Friday Apr 24", now: '2026-04-20T10:00 Europe/Zurich', family: 'hit-your-limit', expect: hard('weekly', '2026-04-24T19:00 Europe/Zurich') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (gauge line above a real hit)', text: "You've used 98% of your session limit · resets 8:40pm (Europe/Berlin)\nYou've hit your session limit · resets 8:40pm (Europe/Berlin)", now: '2026-04-15T17:00 Europe/Berlin', family: 'hit-your-limit', expect: hard('five_hour', '2026-04-15T20:40 Europe/Berlin') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (middle dot on the next line)', text: "⚠ You've hit your 5-hour limit\n· resets 3pm (Asia/Tbilisi)", now: '2026-04-15T12:00 Asia/Tbilisi', family: 'hit-your-limit', expect: hard('five_hour', '2026-04-15T15:00 Asia/Tbilisi') },
  { source: 'cheapestinference/claude-auto-retry#84 (2026-09-12: banner, hint, then Claude Code\'s own auto-continue line)', text: "You've hit your session limit · resets 7pm (Europe/London)\n/upgrade or /usage-credits to finish what you’re working on.\n\n⏺ Usage limit reached · continuing automatically at 7pm · esc or type to cancel\n\n✻ Sautéed for 1s · done 14:30", now: '2026-09-12T14:30 Europe/London', family: 'hit-your-limit', expect: hard('five_hour', '2026-09-12T19:00 Europe/London') },
  { source: 'cheapestinference/claude-auto-retry#84 (limit again after continuing)', text: "⏺ Usage limit reached again after you continued · continuing automatically at 7pm · the automatic-continue setting no longer ends this wait (esc or /rate-limit-options still can)\nYou've hit your session limit · resets 7pm (Europe/London)\n/upgrade or /usage-credits to finish what you’re working on.\n\n✻ Worked for 0s · done 18:47", now: '2026-09-12T18:47 Europe/London', family: 'hit-your-limit', expect: hard('five_hour', '2026-09-12T19:00 Europe/London') },
  { source: 'dev.to "Smart Resume" article (2026-04-13): the exit menu', text: "You're out of extra usage · resets 7:30pm (Asia/Calcutta)\n\n  > continue  > exit without saving", now: '2026-04-12T16:00 Asia/Kolkata', family: 'out-of-extra-usage', expect: hard('extra_usage', '2026-04-12T19:30 Asia/Calcutta') },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: "You're out of extra usage · resets 3pm", now: '2026-04-15T09:00 America/Denver', family: 'out-of-extra-usage', expect: hard('extra_usage', '2026-04-15T15:00 America/Denver') },

  // --- Wrappers and logs: prefixes and decoration around a banner ---
  { source: 'constructed: a journald line around the cc#94390 banner', text: "Sep 14 10:00:01 box claude-wrapper[4242]: You've hit your weekly limit · resets 5pm (America/Detroit)", now: '2026-09-14T10:00 America/Detroit', family: 'hit-your-limit', expect: hard('weekly', '2026-09-14T17:00 America/Detroit') },
  { source: 'constructed: hive-mind-style log prefix (its tests/ log format) around the cc#77082 banner', text: "[2026-07-13T07:00:00.000Z] [INFO]    You've hit your session limit · resets 8:30pm (Asia/Tokyo)", now: '2026-07-13T16:00 Asia/Tokyo', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-13T20:30 Asia/Tokyo') },
  { source: 'constructed: tree glyphs from a subagent summary around the cc#61452 banner', text: "├─ Task(refactor)\n│  └─ You've hit your session limit · resets 7:30pm (Asia/Nicosia)", now: '2026-05-22T15:00 Asia/Nicosia', family: 'hit-your-limit', expect: hard('five_hour', '2026-05-22T19:30 Asia/Nicosia') },
  { source: 'constructed: the cc#12686 banner wrapped inside a two-line box', text: "│ Weekly limit reached · resets Dec 2,      │\n│ 7pm (Europe/Moscow)                        │", now: '2025-11-29T12:00 Europe/Moscow', family: 'limit-reached', expect: hard('weekly', '2025-12-02T19:00 Europe/Moscow') },
  { source: 'constructed: cc#77082 banner with its head wrapped by a narrow terminal', text: "⎿  You've hit your\n   session limit · resets 8:30pm (Asia/Tokyo)", now: '2026-07-13T16:00 Asia/Tokyo', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-13T20:30 Asia/Tokyo') },
  { source: 'constructed: tmux capture-pane -e of the cc#69995 banner (SGR, cursor moves, OSC title)', text: "\u001b]0;claude\u0007\u001b[?25l\u001b[2K\u001b[1G\u001b[38;5;203m⏺\u001b[39m \u001b[1mYou've hit your session limit\u001b[22m · resets 11:20am (Europe/Budapest)\u001b[?25h", now: '2026-06-22T08:00 Europe/Budapest', family: 'hit-your-limit', expect: hard('five_hour', '2026-06-22T11:20 Europe/Budapest') },
  { source: 'constructed: a DCS passthrough (tmux) before the cc#93209 banner', text: "\u001bPtmux;\u001b\u001b]52;c;aGk=\u0007\u001b\\You've hit your session limit · resets 4am (Europe/Warsaw)", now: '2026-09-09T01:00 Europe/Warsaw', family: 'hit-your-limit', expect: hard('five_hour', '2026-09-09T04:00 Europe/Warsaw') },
  { source: 'constructed: CRLF line ends and a BOM (Windows log) around the cc#54698 banner', text: "\ufeffclaude> You've hit your limit · resets 1:30am (Asia/Dhaka)\r\n/upgrade to increase your usage limit.\r\n", now: '2026-04-29T20:58 Asia/Dhaka', family: 'hit-your-limit', expect: hard('unknown', '2026-04-30T01:30 Asia/Dhaka') },

  // --- Claude Code 2.1.331 banner builders (rate-limit message code, strings in the binary) ---
  { source: 'cc-2.1.331 (five_hour, "progress saved" suffix)', text: "You've hit your 5-hour limit · resets 4:01am (UTC) · progress saved", now: '2026-11-25T03:01 UTC', family: 'hit-your-limit', expect: hard('five_hour', '2026-11-25T04:01 UTC') },
  { source: 'cc-2.1.331 (seven_day_overage_included is named "Fable limit")', text: "You've hit your Fable limit · resets Jul 26, 5:59am (America/Los_Angeles)", now: '2026-07-20T18:00 America/Los_Angeles', family: 'hit-your-limit', expect: hard('weekly', '2026-07-26T05:59 America/Los_Angeles') },
  { source: 'cc-2.1.331 (seven_day_opus)', text: "You've hit your Opus limit · resets Nov 30, 5pm (Europe/Berlin)", now: '2026-11-25T09:00 Europe/Berlin', family: 'hit-your-limit', expect: hard('weekly_opus', '2026-11-30T17:00 Europe/Berlin') },
  { source: 'cc-2.1.331 (seven_day_sonnet)', text: "You've hit your Sonnet limit · resets Dec 1, 9:30am (Asia/Tokyo)", now: '2026-11-27T12:00 Asia/Tokyo', family: 'hit-your-limit', expect: hard('weekly_sonnet', '2026-12-01T09:30 Asia/Tokyo') },
  { source: 'cc-2.1.331 (overage: "usage credit limit")', text: "You've hit your usage credit limit · resets Dec 1, 12am (UTC)", now: '2026-11-27T12:00 UTC', family: 'hit-your-limit', expect: hard('extra_usage', '2026-12-01T00:00 UTC') },
  { source: 'cc-2.1.331 (plan limit with credits out)', text: "You've hit your weekly limit · resets Nov 30, 5pm (UTC) · out of usage credits", now: '2026-11-25T09:00 UTC', family: 'hit-your-limit', expect: hard('weekly', '2026-11-30T17:00 UTC') },
  { source: 'cc-2.1.331 (usage limit without credits)', text: "You've hit your usage limit · resets 9pm (Europe/Paris) · progress saved", now: '2026-11-25T18:00 Europe/Paris', family: 'hit-your-limit', expect: hard('unknown', '2026-11-25T21:00 Europe/Paris') },
  { source: 'cc-2.1.331 (team seat, no reset printed)', text: "You've hit your usage limit · contact your admin to increase it", now: '2026-11-25T18:00 UTC', family: 'hit-your-limit', expect: hard('unknown', null) },
  { source: 'cc-2.1.331 (monthly spend limit with the plan reset; the URL is an OSC 8 hyperlink)', text: "You've hit your monthly spend limit · raise it at \u001b]8;;https://claude.ai/settings/usage?from=cc_cli_limit_message\u001b\\https://claude.ai/settings/usage?from=cc_cli_limit_message\u001b]8;;\u001b\\ · your 5-hour limit resets 3pm (Europe/Berlin)", now: '2026-11-25T11:00 Europe/Berlin', family: 'hit-your-limit', expect: hard('extra_usage', '2026-11-25T15:00 Europe/Berlin') },
  { source: 'cc-2.1.331 (org spend cap, admin)', text: "You've hit your org's monthly spend limit · ask your admin to raise it at https://claude.ai/admin-settings/usage · your weekly limit resets Nov 30, 5pm (America/New_York)", now: '2026-11-25T09:00 America/New_York', family: 'hit-your-limit', expect: hard('extra_usage', '2026-11-30T17:00 America/New_York') },
  { source: 'cc-2.1.331 (monthly spend limit, nothing else known)', text: "You've hit your monthly spend limit.", now: '2026-11-25T09:00 UTC', family: 'hit-your-limit', expect: hard('extra_usage', null) },
  { source: 'cc-2.1.331 (session limit named by Nme for five_hour)', text: "You've hit your session limit · resets 4:17am (UTC) · progress saved", now: '2026-11-25T00:00 UTC', family: 'hit-your-limit', expect: hard('five_hour', '2026-11-25T04:17 UTC') },
  { source: 'cc-2.1.331 (a reset more than 24 h away gets a date and a year across a year end)', text: "You've hit your weekly limit · resets Jan 2, 2027, 11:30am (Asia/Kolkata)", now: '2026-12-28T05:30 Asia/Kolkata', family: 'hit-your-limit', expect: hard('weekly', '2027-01-02T11:30 Asia/Kolkata') },
  { source: 'cc-2.1.331 (bare time for a weekly reset 20 h ahead: Claude Code prints a date only past 24 h)', text: "You've hit your weekly limit · resets 9am (America/Chicago)", now: '2026-11-24T13:00 America/Chicago', family: 'hit-your-limit', expect: hard('weekly', '2026-11-25T09:00 America/Chicago') },
  { source: 'cc-2.1.331 (usage credits, 2.1.312 wording, with a reset)', text: "You're out of usage credits · resets 9pm (Europe/Paris) · progress saved", now: '2026-11-25T18:00 Europe/Paris', family: 'out-of-usage-credits', expect: hard('extra_usage', '2026-11-25T21:00 Europe/Paris') },
  { source: 'cc-2.1.331 (usage credits, 2.1.312 wording, dated reset)', text: "You're out of usage credits · resets Dec 1, 12am (America/Los_Angeles)", now: '2026-11-27T12:00 America/Los_Angeles', family: 'out-of-usage-credits', expect: hard('extra_usage', '2026-12-01T00:00 America/Los_Angeles') },
  { source: 'cc-2.1.331 TUI (auto-continue armed)', text: '● Usage limit reached · set to continue automatically at 4:24am', now: '2026-11-25T03:24 UTC', family: 'auto-continue', expect: hard('unknown', '2026-11-25T04:24 UTC') },
  { source: 'cc-2.1.331 TUI (auto-continue re-armed)', text: '⏺ Usage limit reached again · set to continue automatically at 7pm', now: '2026-11-25T18:47 Europe/London', family: 'auto-continue', expect: hard('unknown', '2026-11-25T19:00 Europe/London') },
  { source: 'cc-2.1.331 TUI (footer while waiting)', text: '⚠ Usage limit reached · limit resets 4:24am / Continuing automatically at 4:24am · Esc to cancel', now: '2026-11-25T03:24 UTC', family: 'auto-continue', expect: hard('unknown', '2026-11-25T04:24 UTC') },
  { source: 'cc-2.1.331 TUI (waiting line alone)', text: 'Continuing automatically at 4:24am · Esc to cancel', now: '2026-11-25T03:24 Asia/Tokyo', family: 'auto-continue', expect: hard('unknown', '2026-11-25T04:24 Asia/Tokyo') },
  { source: 'cc-2.1.331 (auto-continue stopped after repeated limits, 2.1.312 wording)', text: 'Automatic continue stopped after repeated usage-limit hits · /rate-limit-options to try again', now: '2026-11-25T03:24 UTC', family: 'auto-continue-stopped', expect: hard('unknown', null) },
  { source: 'cc-2.1.331 (auto-continue stopped under a banner: the banner keeps its reset)', text: "You've hit your session limit · resets 7pm (Europe/London)\n⏺ Automatic continue stopped after repeated usage limit hits · This task will not resume on its own (/rate-limit-options to try again)", now: '2026-11-25T18:50 Europe/London', family: 'hit-your-limit', expect: hard('five_hour', '2026-11-25T19:00 Europe/London') },
  { source: 'cc-2.1.331 (auto-continue stopped: reset more than 24 h out)', text: 'Automatic continue stopped · the usage limit now resets more than 24 hours out, so this task will not resume on its own (/rate-limit-options to wait anyway)', now: '2026-11-25T03:24 UTC', family: 'auto-continue-stopped', expect: hard('unknown', null) },
  { source: 'cc-2.1.331 (grace window ending the turn)', text: 'Usage limit reached · wrapping up', now: '2026-11-25T03:24 UTC', family: 'usage-limit-reached', expect: hard('unknown', null) },

  // --- Limits no reset clears (2.1.312 wordings: organisation, seat, credits) ---
  { source: 'cc-2.1.331 (daily cap paused for the organisation)', text: 'Usage is paused for your organization. For help, please contact support.', now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (member allocation disabled)', text: 'Your usage allocation has been disabled by your admin · ask your admin for a higher limit', now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (group limit set to $0)', text: "Your group's usage limit is set to $0 · ask your admin for a higher limit", now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (seat tier)', text: "Your seat type doesn't include usage credits", now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (organisation out of credits)', text: 'Your organization is out of usage credits. Contact your admin to add more.', now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (org out of usage, 1P)', text: 'Your org is out of usage · contact your admin', now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (service disabled)', text: 'This service is disabled for your org', now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (personal credits out, no reset: buy more or switch models); cc#67412 quotes it', text: "You're out of usage credits. Run /usage-credits to keep using Opus or /model to switch models.", now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },
  { source: 'cc-2.1.331 (credits out, short form)', text: "You're out of usage credits. /model to switch models.", now: '2026-11-25T03:24 UTC', family: 'no-reset', expect: BLOCKED },

  // --- Transient: API errors and throttles ---
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js', text: '⏺ API Error: Server is temporarily limiting requests (not your usage limit) · Rate limited', now: '2026-05-20T12:00 UTC', family: 'server-throttle', expect: transient('server_throttle') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js', text: '⏺ API Error: 529 Overloaded', now: '2026-05-20T12:00 UTC', family: 'overloaded', expect: transient('overloaded') },
  { source: 'cc#11429 (error log: the API-key 429 text inside Claude Code\'s API Error line)', text: 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}', now: '2025-11-11T12:00 UTC', family: 'api-rate-limit', expect: transient('api_rate_limit') },
  { source: 'cc-2.1.331 with ANTHROPIC_API_KEY against a 429', text: "API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later.", now: '2026-11-25T03:24 UTC', family: 'api-rate-limit', expect: transient('api_rate_limit') },
  { source: 'cc-2.1.77 cli.js (repeated 529)', text: 'API Error: Repeated 529 Overloaded errors. The API is at capacity — this is usually temporary.', now: '2026-11-25T03:24 UTC', family: 'overloaded', expect: transient('overloaded') },
  { source: 'constructed: a log prefix before the 2.1.331 throttle line', text: '2026-11-25 03:24:00 [claude] API Error: Server is temporarily limiting requests (not your usage limit)', now: '2026-11-25T03:24 UTC', family: 'server-throttle', expect: transient('server_throttle') },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (a server error that is not a limit)', text: '⏺ API Error: 500 Internal server error. This is a server-side issue, usually temporary - try again in a moment.', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },

  // --- Look-alikes that are Claude Code's own: gauges, approaching, switches ---
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (gauge in the footer)', text: "⏵⏵ bypass permissions on (shift+tab to cycle) · ← for agents        You've used 75% of your weekly limit · resets 10pm (America/Chicago)", now: '2026-05-20T12:00 America/Chicago', family: 'usage-gauge', expect: WARNING },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js', text: "You've used 97% of your session limit · resets 6pm (America/Chicago) · /upgrade to keep using Claude Code", now: '2026-05-20T12:00 America/Chicago', family: 'usage-gauge', expect: WARNING },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (gauge after the shortcuts hint)', text: "? for shortcuts · ← for agents          You've used 98% of your session limit · resets 8:40pm (Europe/Berlin) · /upgrade to keep using Claude Code", now: '2026-04-15T17:00 Europe/Berlin', family: 'usage-gauge', expect: WARNING },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts', text: "You've used 75% of your weekly limit · resets May 28 at 7pm (Europe/Madrid)", now: '2026-05-21T14:00 Europe/Madrid', family: 'usage-gauge', expect: WARNING },
  { source: 'cc-2.1.331 (threshold gauge)', text: 'Over 90% of your weekly limit used · resets Fri 9am', now: '2026-11-25T09:00 UTC', family: 'usage-gauge', expect: WARNING },
  { source: 'cc-2.1.331 (approaching, named limit)', text: 'Approaching 5-hour limit · resets 3pm · /upgrade to keep using Claude Code', now: '2026-11-25T09:00 UTC', family: 'usage-gauge', expect: WARNING },
  { source: 'cc#9040 (2.0.8: "Approaching Opus weekly limit")', text: 'Approaching Opus weekly limit', now: '2025-10-06T09:00 UTC', family: 'usage-gauge', expect: WARNING },
  { source: 'cc-2.1.331 (credits warning)', text: "You're close to your usage credit limit", now: '2026-11-25T09:00 UTC', family: 'usage-gauge', expect: WARNING },
  { source: 'cc-2.1.331 (switched to credits, work goes on)', text: "You're now using usage credits · Your 5-hour limit resets 3pm (UTC)", now: '2026-11-25T09:00 UTC', family: 'now-using-credits', expect: WARNING },
  { source: 'cc-2.1.331 (per-model credits)', text: 'Now using usage credits for Opus · Your Opus limit resets Nov 30, 5pm', now: '2026-11-25T09:00 UTC', family: 'now-using-credits', expect: WARNING },
  { source: 'cc-2.1.331 (credits switch, short)', text: 'Now using credits', now: '2026-11-25T09:00 UTC', family: 'now-using-credits', expect: WARNING },
  { source: 'cc-2.1.331 (grace wrap-up, then credits: work goes on)', text: 'Usage limit reached · brief included wrap-up, then usage credits', now: '2026-11-25T09:00 UTC', family: 'now-using-credits', expect: WARNING },
  { source: 'cc-2.1.331 TUI (fast mode cooldown)', text: "You've hit your fast limit · resets in 2m", now: '2026-11-25T09:00 UTC', family: 'fast-mode', expect: WARNING },
  { source: 'public reports, Claude Code 1.0.x (model fallback)', text: 'Claude Opus 4 limit reached, now using Sonnet 4', now: '2025-07-01T09:00 UTC', family: 'model-fallback', expect: WARNING },
  { source: 'github/spec-kit#693 (prose around the approaching wording)', text: 'Boom! Approaching usage limit resets at 2am.', now: '2025-10-01T22:00 UTC', family: null, expect: NONE },
  { source: 'cheapestinference/claude-auto-retry#84 (the limit has reset: nothing to wait for)', text: '⏺ Usage limit reset · continuing automatically', now: '2026-09-12T19:01 Europe/London', family: null, expect: NONE },
  { source: 'cc-2.1.331 TUI (continue now)', text: 'Usage limit available again · continuing now', now: '2026-11-25T09:00 UTC', family: null, expect: NONE },
  { source: 'cc-2.1.331 TUI (the wait was cancelled)', text: 'Automatic continue cancelled · /rate-limit-options to wait again', now: '2026-11-25T09:00 UTC', family: null, expect: NONE },
  { source: 'cc#74751 (the /usage panel: resets of gauges, not a limit)', text: '   Current week (all models)\n   █████████████████████▌                             43% used\n   Resets Jul 11 at 12pm (Asia/Singapore)', now: '2026-07-06T01:30 Asia/Singapore', family: null, expect: NONE },
  { source: 'meefs/ClaudeBar ClaudeUsageProbeParsingTests.swift (/usage output)', text: 'Current session\n████████████████░░░░ 65% left\nResets in 2h 15m\n\nCurrent week (all models)\n██████████░░░░░░░░░░ 35% left\nResets Jan 15, 3:30pm (America/Los_Angeles)', now: '2026-01-12T09:00 America/Los_Angeles', family: null, expect: NONE },

  // --- Prose, quotes and tables that mention limits ---
  { source: 'cc#24687 (a banner quoted inside a sentence)', text: "my Current session is 70 % used, However I keep getting You've hit your limit · resets 4pm (Asia/Kuala_Lumpur) when using claude code.", now: '2026-02-10T12:00 Asia/Kuala_Lumpur', family: null, expect: NONE },
  { source: 'cc#75243 (title: a question about a reset)', text: '5-hour Usage Limits Never Reset? Supposed to Reset at 5:20am; Jumps to "resets 10:10am" (America/Denver)', now: '2026-07-07T06:00 America/Denver', family: null, expect: NONE },
  { source: 'cc#5894 (title)', text: 'Claude Code Usage limit issue', now: '2025-08-16T09:00 UTC', family: null, expect: NONE },
  { source: 'cc#6593 (title: banner opening followed by the reporter\'s words)', text: '5-hour limit reached ∙ but only worked for 2 hours!', now: '2025-08-26T07:37 America/Denver', family: null, expect: NONE },
  { source: 'cc#51050 (title)', text: '[BUG] Claude Code shows “Usage limit reached” even though my Usage page shows plenty of allowance remaining.', now: '2026-04-20T09:00 UTC', family: null, expect: NONE },
  { source: 'cc#45707 (title)', text: 'Session limit should reset when weekly limit resets', now: '2026-04-09T09:00 UTC', family: null, expect: NONE },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (benign mentions)', text: 'We hit the rate limit ceiling in the design doc yesterday.', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (benign mentions)', text: 'Set your session limit in settings.', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (a drawn table row about a limit)', text: '│             │ session limit · resets 8:50pm)                                    │            │', now: '2026-08-13T20:37 Asia/Omsk', family: null, expect: NONE },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (markdown table quoting banners)', text: "⏺ Разбор инцидента:\n| время    | событие                                             |\n|----------|-----------------------------------------------------|\n| 20:37:41 | You've hit your session limit · resets 8:50pm (Omsk) |\n| 20:44:19 | ⏺ API Error: 529 Overloaded, try again in 2 minutes  |", now: '2026-08-13T20:45 Asia/Omsk', family: null, expect: NONE },
  { source: 'mo-arvan/herdr-claude-auto-retry test/patterns.test.js (a prompt the user typed)', text: '❯ please try again in 1 hour', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (benign mention)', text: 'We were discussing the session limit feature in the meeting.', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (not Claude Code wording)', text: 'You hit the limit. Resets at 5pm', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (not Claude Code wording)', text: 'Rate limit hit. Resets at 4pm', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'chris-karl/claude-auto-retry test/patterns.test.ts (limit words and a reset too far apart)', text: 'hit your limit\n1\n2\n3\n4\n5\n6\n7\nresets 3pm', now: '2026-05-20T12:00 UTC', family: null, expect: NONE },
  { source: 'aniketkarne/CCAutoRenew#3 (prose about the banner)', text: 'I often see this message "Claude usage limit reached. Your limit will reset at 12am." but 12am is too late.', now: '2025-07-15T20:00 UTC', family: null, expect: NONE },
  { source: 'michaelghurston.com "How I Got Claude Code to Resume Itself Overnight" (prose paraphrase)', text: 'When you burn through it, the session stops dead and tells you something like “You’ve hit your session limit, resets 11pm.” And then it just sits there.', now: '2026-06-10T20:00 America/New_York', family: null, expect: NONE },
  { source: 'link-assistant/hive-mind#942 (the wrapper\'s own summary line)', text: '[2025-12-18T18:51:47.639Z] [ERROR] ❌ Usage limit reached - use --auto-continue-on-limit-reset to wait for reset', now: '2025-12-18T18:52 UTC', family: null, expect: NONE },

  // --- Other coding agents' limit messages ---
  { source: 'codex#3899 (title, Codex 0.39.0)', text: "■ You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 5 days 22 hours 11 minutes.", now: '2025-09-19T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'codex#3257 (title)', text: "You've hit your usage limit. Try again in 4 days 20 hours 9 minutes.", now: '2025-09-07T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'codex#26668 (body, Codex app)', text: "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again at Jul 5th, 2026 8:19 PM.", now: '2026-06-05T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'codex#28089 (body, pt-BR date)', text: "You've hit your usage limit. Upgrade your plan to continue, or try again at 10 de jul. de 2026, 11:52.", now: '2026-06-13T12:07 America/Sao_Paulo', family: 'other-agent', expect: NONE },
  { source: 'codex#45070 (body, Codex desktop 0.153.4)', text: "```\nYou've hit your usage limit. Upgrade to Plus to continue using Codex\n```", now: '2026-09-12T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'codex#4095 (body, Codex CLI 0.39.0, wrapped)', text: "■ You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 4 days 6 hours 37\nminutes.", now: '2025-09-23T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'james-6-23/codex2api#9 (upstream Codex JSON)', text: '{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"free","resets_at":1775317531,"resets_in_seconds":602705}}', now: '2026-03-28T12:00 UTC', family: null, expect: NONE },
  { source: 'cursor/cursor#3703 (cursor-agent)', text: "Error: You've hit your usage limit\n  Get Cursor Pro for more Agent usage, unlimited Tab, and more.\n  fallbackModel: \n  spendLimitHit: false", now: '2025-10-21T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'kingparks/cursor-vip#479 (title, Cursor)', text: "You've hit your usage limit Get Cursor Pro for more Agents use, unlimited Tab, and more", now: '2025-08-09T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'kingparks/cursor-vip#520 (Cursor free plan)', text: "You've hit your free requests limit. Upgrade to Pro for more usage, frontier models, Background Agents, and more. Your usage limits will reset when your monthly cycle ends on 10/1/2025.", now: '2025-09-02T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'gemini#17006 (Gemini CLI dialog)', text: '│ Usage limit reached for all Pro models.              │\n│ /stats for usage details                             │\n│ /model to switch models.                             │', now: '2026-01-19T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'gemini#16963 (Gemini CLI)', text: 'Usage limit reached for gemini-2.5-flash-lite.', now: '2026-01-18T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'gemini#11461 (Gemini CLI 0.10)', text: '⚡ You have reached your daily gemini-2.5-pro quota limit.\n  ⚡ You can choose to authenticate with a paid API key or continue with the fallback model.', now: '2025-10-18T12:00 UTC', family: null, expect: NONE },
  { source: 'gemini#3796 (Gemini CLI 0.1.10)', text: '⚡ You have reached your daily quota limit.\n  ⚡ Automatically switching from gemini-2.5-pro to gemini-2.5-flash for the remainder of this session.', now: '2025-07-10T12:00 UTC', family: null, expect: NONE },
  { source: 'Cars-10/get-shit-done-gemini#2 (Gemini)', text: 'gemini You have exhausted your capacity on this model. Your quota will reset after 0s', now: '2026-01-25T12:00 UTC', family: null, expect: NONE },
  { source: 'gemini#26696 (comment, agy)', text: 'Individual quota reached. Resets in 157h', now: '2026-05-21T12:00 UTC', family: null, expect: NONE },
  { source: 'gemini#6962 (Gemini CLI API error, first lines)', text: '✕ [API Error: {"error":{"message":"{\\n  \\"error\\": {\\n    \\"code\\": 429,\\n    \\"message\\": \\"You exceeded your current quota, please check your plan and billing details.\\",\\n    \\"status\\": \\"RESOURCE_EXHAUSTED\\"', now: '2025-08-24T12:00 UTC', family: 'other-agent', expect: NONE },
  { source: 'microsoft/vscode-copilot-release#13608 (title, Copilot)', text: 'You have reached your monthly limit for premium requests', now: '2025-06-30T12:00 UTC', family: null, expect: NONE },
  { source: 'kirodotdev/Kiro#1844 (title, Kiro)', text: "You've reached your daily usage limit. Please return tomorrow to continue building.", now: '2025-08-08T12:00 UTC', family: null, expect: NONE },
  { source: 'kirodotdev/Kiro#9559 (Kiro)', text: 'Too many requests, please wait before trying again. (Request ID: d64e2928-c8a0-40c1-97eb-a1718326498d)', now: '2026-06-18T12:00 UTC', family: null, expect: NONE },
  { source: 'Amazon-Q-Developer/amazon-q-vscode#60 (Amazon Q)', text: 'Service is currently experiencing high traffic. Request failed after 3 attempts. Please try again later.', now: '2026-04-25T12:00 UTC', family: null, expect: NONE },
  { source: 'github/app#3803 (title, GitHub app)', text: "I'm getting Limit reached error resets in 1 hour.", now: '2026-09-11T12:00 UTC', family: null, expect: NONE },

  // --- Reset clauses: weekday, date and time together ---
  { source: 'cc#51050 (body: "resets Friday 12:30 AM", with the hit banner of the same era)', text: "You've hit your weekly limit · resets Friday 12:30 AM", now: '2026-04-20T09:00 America/New_York', family: 'hit-your-limit', expect: hard('weekly', '2026-04-24T00:30 America/New_York') },
  { source: 'Nihondo/AgentLimits#4 era wording, weekday, month and day before the time', text: "You've hit your weekly limit · resets Fri, Apr 24, 4am (America/Chicago)", now: '2026-04-20T10:00 America/Chicago', family: 'hit-your-limit', expect: hard('weekly', '2026-04-24T04:00 America/Chicago') },
  { source: 'weekday, long month, day and "at" (the long form of the 2.1.331 dated reset)', text: "You've hit your weekly limit · resets Friday, April 24 at 4:00 AM (Europe/Madrid)", now: '2026-04-20T10:00 Europe/Madrid', family: 'hit-your-limit', expect: hard('weekly', '2026-04-24T04:00 Europe/Madrid') },
  { source: 'time first, then weekday and date (chris-karl time-parser form, on the banner line)', text: "You've hit your weekly limit · resets 4am Fri Apr 24 (Asia/Tokyo)", now: '2026-04-20T10:00 Asia/Tokyo', family: 'hit-your-limit', expect: hard('weekly', '2026-04-24T04:00 Asia/Tokyo') },
  { source: 'weekday and date with an ordinal day (reports quoting the banner)', text: "You've hit your weekly limit · resets Thu Jan 15th at 3:30pm (America/Los_Angeles)", now: '2026-01-12T09:00 America/Los_Angeles', family: 'hit-your-limit', expect: hard('weekly', '2026-01-15T15:30 America/Los_Angeles') },
  { source: 'facts of 1.0.x ("resets Mon 12:00am"), weekday only', text: "You've hit your weekly limit · resets Mon 12:00am", now: '2026-11-25T12:00 Asia/Tokyo', family: 'hit-your-limit', expect: hard('weekly', '2026-11-30T00:00 Asia/Tokyo') },
  { source: 'chris-karl/claude-auto-retry test/time-parser.test.ts ("resets in: 3 hours")', text: "You've hit your limit · resets in: 3 hours", now: '2026-05-20T12:00 UTC', family: 'hit-your-limit', expect: hard('unknown', '2026-05-20T15:00 UTC') },
  { source: 'cc-2.1.331 ("resets at" before a time, H$n)', text: "You've hit your session limit · resets at 4am (Europe/Warsaw)", now: '2026-09-09T01:00 Europe/Warsaw', family: 'hit-your-limit', expect: hard('five_hour', '2026-09-09T04:00 Europe/Warsaw') },

  // --- The just-passed window for undated times (see docs/limit-texts.md) ---
  { source: 'cc#74079 banner read 59 min after its reset: inside the window', text: "You've hit your session limit · resets 12:50am (America/Los_Angeles)", now: '2026-07-04T01:49 America/Los_Angeles', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-04T00:50 America/Los_Angeles') },
  { source: 'cc#74079 banner read 61 min after its reset: outside the window, so tomorrow', text: "You've hit your session limit · resets 12:50am (America/Los_Angeles)", now: '2026-07-04T01:51 America/Los_Angeles', family: 'hit-your-limit', expect: hard('five_hour', '2026-07-05T00:50 America/Los_Angeles') },
  { source: 'cc#15064 banner read the next afternoon: tomorrow\'s 9am', text: 'Claude usage limit reached. Your limit will reset at 9am (America/Chicago).', now: '2025-12-22T15:00 America/Chicago', family: 'legacy-sentence', expect: hard('unknown', '2025-12-23T09:00 America/Chicago') },
]
