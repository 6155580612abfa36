// Which lines are limit banners, of what category, kind and wording family; look-alikes and quotes are not.
import t from 'tap'
import { findBanners, kindFrom, type Banner } from '../../src/limits/limit-banners.js'
import { parseLimitMessage } from '../../src/limits/parse-limit-message.js'

// Texts from docs/limit-texts.md (public reports, cli.js 2.1.77, Claude Code 2.1.331 run by this project).
type Summary = [Banner['category'], Banner['kind'], Banner['family']]
const cases: [string, Summary[]][] = [
  ["You've hit your 5-hour limit · resets 4:01am (UTC)", [['hard_limit', 'five_hour', 'hit-your-limit']]],
  ['You have hit your weekly limit', [['hard_limit', 'weekly', 'hit-your-limit']]],
  ["You've hit your Fable limit · resets Nov 30, 5pm (UTC)", [['hard_limit', 'weekly', 'hit-your-limit']]],
  ['Claude AI usage limit reached|1749924000', [['hard_limit', 'unknown', 'legacy-epoch']]],
  ['Claude usage limit reached. Your limit will reset at 1pm (Etc/GMT+5).', [['hard_limit', 'unknown', 'legacy-sentence']]],
  ['5-hour limit reached ∙ resets 3am', [['hard_limit', 'five_hour', 'limit-reached']]],
  ['Opus weekly limit reached ∙ resets Oct 31, 9am', [['hard_limit', 'weekly_opus', 'limit-reached']]],
  ["You're out of extra usage · resets 10pm (America/Los_Angeles)", [['hard_limit', 'extra_usage', 'out-of-extra-usage']]],
  ["You're out of usage credits · resets Dec 1", [['hard_limit', 'extra_usage', 'out-of-usage-credits']]],
  ["You're out of usage credits", [['blocked', 'extra_usage', 'no-reset']]],
  ['Usage is paused for your organization', [['blocked', 'unknown', 'no-reset']]],
  ['● Usage limit reached · set to continue automatically at 4:24am', [['hard_limit', 'unknown', 'auto-continue']]],
  ['Usage limit reached · resets 3pm', [['hard_limit', 'unknown', 'usage-limit-reached']]],
  ['Automatic continue stopped after repeated usage-limit hits · /rate-limit-options to try again', [['hard_limit', 'unknown', 'auto-continue-stopped']]],
  ['API Error: Server is temporarily limiting requests (not your usage limit)', [['transient', 'server_throttle', 'server-throttle']]],
  ["API Error: Request rejected (429) · This request would exceed your account's rate limit.", [['transient', 'api_rate_limit', 'api-rate-limit']]],
  ['API Error: Repeated 529 Overloaded errors.', [['transient', 'overloaded', 'overloaded']]],
  ["You've used 98% of your session limit · resets 8:40pm (Europe/Berlin)", [['warning', 'five_hour', 'usage-gauge']]],
  ['Approaching Opus usage limit · /model to use best available model', [['warning', 'weekly_opus', 'usage-gauge']]],
  ["You're close to your extra usage spending limit", [['warning', 'extra_usage', 'usage-gauge']]],
  ["You're now using extra usage · Your session limit resets 3pm (UTC)", [['warning', 'extra_usage', 'now-using-credits']]],
  ['Claude Opus 4 limit reached, now using Sonnet 4', [['warning', 'unknown', 'model-fallback']]],
  ["You've hit your fast limit · resets in 2m", [['warning', 'unknown', 'fast-mode']]],
  ["You've hit your usage limit. Upgrade to Pro to get more.", [['none', 'unknown', 'other-agent']]],
  ['API Error: RESOURCE_EXHAUSTED quota exceeded', [['none', 'unknown', 'other-agent']]],
  ['[INFO] wrapper: You’ve hit your limit · resets 3pm', [['hard_limit', 'unknown', 'hit-your-limit']]],
  ["You've hit your 5-hour limit · resets 4:01am (UTC)\nwork\nYou've used 91% of your weekly limit", [['hard_limit', 'five_hour', 'hit-your-limit'], ['warning', 'weekly', 'usage-gauge']]],
  // Not banners at all.
  ['API Error: 500 Internal server error', []],
  ["If Claude says You've hit your limit · resets 3pm, wait.", []],
  ["You've hit your limit so I stopped here.", []],
  ['When you hit your usage limit you can run `claude --resume` to continue.', []],
  ["| You've hit your limit | a | b |", []],
  ['', []],
]

t.test('category, kind and family of each banner, in order', async t => {
  for (const [text, expected] of cases) {
    const got = findBanners(text).banners.map((b): Summary => [b.category, b.kind, b.family])
    t.same(got, expected, text.split('\n')[0] || '(empty)')
  }
})

t.test('the line, the rest after the opening words, the epoch, a joined head', async t => {
  const details: [string, string, Partial<Banner>][] = [
    ['TUI glyph stripped', "  ⎿  You've hit your 5-hour limit · resets 4:01am (UTC)", { line: "You've hit your 5-hour limit · resets 4:01am (UTC)", rest: '· resets 4:01am (UTC)', epoch: null, joined: false }],
    ['legacy epoch as written', 'Claude AI usage limit reached|1749924000000', { epoch: 1749924000000 }],
    ['the reset on the next line joins the rest', "You've hit your weekly limit · resets Nov 30,\n   5pm (UTC)", { line: "You've hit your weekly limit · resets Nov 30,", rest: '· resets Nov 30, 5pm (UTC)' }],
    ['a head wrapped onto the next line', "⎿  You've hit your\n   session limit · resets 8:30pm (Asia/Tokyo)", { kind: 'five_hour', rest: '· resets 8:30pm (Asia/Tokyo)', joined: true }],
  ]
  for (const [name, text, fields] of details) {
    const [banner, ...more] = findBanners(text).banners
    t.has(banner, fields, name)
    t.same(more, [], `${name}: one banner`)
  }
  t.same(findBanners("⎿  You've hit your\n   session limit · resets 8:30pm").applied, ['TUI decoration stripped (glyphs, tree and box borders)', 'joined a banner wrapped across two lines'])
  t.same(findBanners("You've hit your limit").applied, [], 'nothing to normalise')
})

t.test('a head wrapped onto the next line: the line is the whole banner, both halves', async t => {
  const text = "⎿  You've hit your\n   session limit · resets 8:30pm (Asia/Tokyo)"
  const [banner] = findBanners(text).banners
  t.equal(banner?.line, "You've hit your session limit · resets 8:30pm (Asia/Tokyo)")
  t.equal(parseLimitMessage(text, { now: Date.parse('2026-11-28T09:00:00Z'), timeZone: 'UTC' }).matched, "You've hit your session limit · resets 8:30pm (Asia/Tokyo)", "and parseLimitMessage's matched")
})

t.test('kindFrom: the words before "limit"', async t => {
  const kinds: [string | undefined, Banner['kind']][] = [
    ['Opus weekly', 'weekly_opus'],
    ['Sonnet ', 'weekly_sonnet'],
    ['extra usage spending ', 'extra_usage'],
    ['overage', 'extra_usage'],
    ['weekly', 'weekly'],
    ['7-day', 'weekly'],
    ['Fable', 'weekly'],
    ['session', 'five_hour'],
    ['5-hour', 'five_hour'],
    ['five hour', 'five_hour'],
    ['daily', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ]
  for (const [qualifier, kind] of kinds) t.equal(kindFrom(qualifier), kind, String(qualifier))
})
