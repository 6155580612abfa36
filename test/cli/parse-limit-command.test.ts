import t from 'tap'
import { join } from 'node:path'
import { parseLimitCommand } from '../../src/cli/parse-limit-command.js'
import { UsageError } from '../../src/cli/usage-error.js'

const env = { now: () => Date.parse('2026-11-25T03:01:15.959Z'), localZone: 'UTC' }
const banner = "You've hit your 5-hour limit · resets 4:01am (UTC)" // Claude Code 2.1.331 (docs/claude-code.md#transcript-limit-rows)

// The 2.1.331 limit row (docs/claude-code.md#transcript-limit-rows), trimmed to what the reader uses.
const row = {
  type: 'assistant',
  uuid: 'c1dd0f3a',
  timestamp: '2026-11-25T03:01:15.959Z',
  isSidechain: false,
  message: { role: 'assistant', content: [{ type: 'text', text: banner }] },
  quotaLimits: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour' },
  error: 'rate_limit',
  isApiErrorMessage: true,
}

t.test('usage errors', async (t) => {
  const cases: [string, Parameters<typeof parseLimitCommand>[0], RegExp][] = [
    ['no text and no transcript', { text: [] }, /text|transcript/],
    ['blank text', { text: ['  ', ''] }, /text|transcript/],
    ['--now without a zone', { text: [banner], now: '2026-11-25T03:01:15' }, /--now/],
    ['--now that is not a time', { text: [banner], now: 'yesterday' }, /--now/],
    ['--now with an impossible date', { text: [banner], now: '2026-02-30T03:00:00Z' }, /--now/],
    ['--tz that is not a zone', { text: [banner], tz: 'Mars/Olympus' }, /--tz/],
    ['--tz that is an offset, not an IANA zone', { text: [banner], tz: 'UTC+5' }, /--tz/],
  ]
  for (const [name, input, message] of cases) {
    await t.rejects(parseLimitCommand(input, env), UsageError, name)
    await t.rejects(parseLimitCommand(input, env), { message }, name)
  }
})

t.test('UsageError is an Error with its own name', async (t) => {
  const e = new UsageError('x')
  t.ok(e instanceof Error)
  t.equal(e.name, 'UsageError')
})

t.test('a banner, words given as separate arguments', async (t) => {
  const out = await parseLimitCommand({ text: banner.split(' ') }, env)
  t.match(out, {
    ok: true,
    limited: true,
    transient: false,
    kind: 'five_hour',
    resetAt: '2026-11-25T04:01:00.000Z',
    source: 'banner',
    zone: 'UTC',
    now: '2026-11-25T03:01:15.959Z',
    timeZone: 'UTC',
  })
  t.same(JSON.parse(JSON.stringify(out)), out, 'plain JSON')
})

t.test('--now with an offset and --tz', async (t) => {
  // 23:30 in Los Angeles (PST, -08:00) on Nov 24; "1am" is 01:00 -08:00 on Nov 25 = 09:00Z.
  const out = await parseLimitCommand(
    { text: ["You've hit your session limit · resets 1am"], now: '2026-11-24T23:30:00-08:00', tz: 'America/Los_Angeles' },
    env,
  )
  t.equal(out.resetAt, '2026-11-25T09:00:00.000Z')
  t.equal(out.now, '2026-11-25T07:30:00.000Z')
  t.equal(out.timeZone, 'America/Los_Angeles')
})

t.test('not a limit', async (t) => {
  const out = await parseLimitCommand({ text: ['Approaching usage limit · resets at 3pm'] }, env)
  t.match(out, { ok: true, limited: false, kind: 'unknown', resetAt: null, source: 'none' })
})

t.test('--transcript: the stored reset wins over the text', async (t) => {
  const dir = t.testdir({ 's.jsonl': JSON.stringify(row) + '\n', 'plain.jsonl': '{"type":"user"}\n' })
  const out = await parseLimitCommand({ transcript: join(dir, 's.jsonl'), text: ['Claude usage limit reached.'] }, env)
  t.match(out, {
    ok: true,
    limited: true,
    kind: 'five_hour',
    resetAt: '2026-11-25T04:01:15.000Z',
    source: 'transcript',
    transcript: { found: true, uuid: 'c1dd0f3a', field: 'quotaLimits.resetsAt', continued: false },
  })
  const fallback = await parseLimitCommand({ transcript: join(dir, 'plain.jsonl'), text: [banner] }, env)
  t.match(fallback, { ok: true, source: 'banner', resetAt: '2026-11-25T04:01:00.000Z', transcript: { found: false } })
  const none = await parseLimitCommand({ transcript: join(dir, 'plain.jsonl'), text: [] }, env)
  t.match(none, { ok: true, limited: false, resetAt: null, source: 'none' })
})

t.test('--transcript that continued after the limit says so', async (t) => {
  const answer = { type: 'assistant', uuid: 'next', timestamp: '2026-11-25T04:05:00Z', message: { content: 'Hi' } }
  const dir = t.testdir({ 's.jsonl': JSON.stringify(row) + '\n' + JSON.stringify(answer) + '\n' })
  const out = await parseLimitCommand({ transcript: join(dir, 's.jsonl'), text: [] }, env)
  t.match(out, { transcript: { continued: true } })
  t.match(out.reasons.join('\n'), /went on/)
})

t.test('--transcript that cannot be read', async (t) => {
  const dir = t.testdir({})
  const alone = await parseLimitCommand({ transcript: join(dir, 'missing.jsonl'), text: [] }, env)
  t.match(alone, { ok: false, limited: false, transcript: { found: false, error: { code: 'ENOENT' } } })
  const withText = await parseLimitCommand({ transcript: join(dir, 'missing.jsonl'), text: [banner] }, env)
  t.match(withText, { ok: true, limited: true, source: 'banner' })
})

t.test('reasons say which normalisation applied and which family matched', async (t) => {
  // A tmux capture: an OSC 8 hyperlink and colours around a 2.1.331 banner in a box.
  const captured =
    '│ \u001b[31m⏺\u001b[39m You\'ve hit your monthly spend limit · raise it at ' +
    '\u001b]8;;https://claude.ai/settings/usage\u001b\\claude.ai/settings/usage\u001b]8;;\u001b\\' +
    ' · your 5-hour limit resets 3pm (Europe/Berlin) │'
  const out = await parseLimitCommand({ text: [captured], now: '2026-11-25T10:00:00Z' }, env)
  t.match(out, { limited: true, category: 'hard_limit', family: 'hit-your-limit', kind: 'extra_usage', resetAt: '2026-11-25T14:00:00.000Z' })
  const reasons = out.reasons.join('\n')
  t.match(reasons, /family hit-your-limit/)
  t.match(reasons, /normalised: .*hyperlinks \(OSC 8\) removed/)
  t.match(reasons, /escape sequences removed/)
  t.match(reasons, /TUI decoration stripped/)
  t.match(reasons, /read in Europe\/Berlin/)
})

t.test('another agent\'s limit message and a limit no reset clears', async (t) => {
  const codex = await parseLimitCommand({ text: ["You've hit your usage limit. Try again in 4 days 20 hours 9 minutes."] }, env)
  t.match(codex, { limited: false, category: 'none', family: 'other-agent', resetAt: null })
  t.match(codex.reasons.join('\n'), /another agent/)
  const paused = await parseLimitCommand({ text: ['Usage is paused for your organization. For help, please contact support.'] }, env)
  t.match(paused, { limited: false, transient: false, category: 'blocked', family: 'no-reset', resetAt: null })
  t.match(paused.reasons.join('\n'), /no reset clears it/)
})
