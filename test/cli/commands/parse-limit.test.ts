// `session-retry parse-limit` through the CLI's main() with captured output and a fixed clock: the
// verdict as one JSON object on stdout, and exit 1 with one line on stderr only when a transcript
// could not be read and no text was given to fall back on.
import t from 'tap'
import { join } from 'node:path'
import { captureIo } from '../../../src/cli/cli-io.js'

const NOW = Date.parse('2026-11-25T03:01:15.959Z')
const BANNER = "You've hit your 5-hour limit · resets 4:01am (UTC)" // Claude Code 2.1.331 (docs/claude-code.md#transcript-limit-rows)

// The default zone is the machine's: set before main (and the time formatting it loads) is imported.
process.env.TZ = 'UTC'

const { main } = await import('../../../src/cli/main.js')

// parse-limit reads no state, but the CLI resolves its home before any command runs.
const home = t.testdir()

async function run(argv: string[]) {
  const io = captureIo({ env: { HOME: '/home/user', SESSION_RETRY_HOME: home }, now: () => NOW, cwd: home })
  const code = await main(argv, io)
  return { code, out: io.out, err: io.err }
}

t.test('parse-limit prints one JSON object', async t => {
  const r = await run(['parse-limit', ...BANNER.split(' ')])
  t.equal(r.code, 0)
  t.equal(r.err, '')
  t.match(r.out, /^\{\n  "version": 1,\n  "ok": true,/)
  t.match(JSON.parse(r.out), {
    version: 1,
    ok: true,
    limited: true,
    kind: 'five_hour',
    resetAt: '2026-11-25T04:01:00.000Z',
    now: '2026-11-25T03:01:15.959Z',
    timeZone: 'UTC',
  })
  const opts = await run(['parse-limit', '--now', '2026-11-25T03:30:00Z', '--tz', 'Europe/Paris', '--', '-', "You've hit your session limit · resets 5am"])
  t.equal(opts.code, 0, opts.err)
  t.match(JSON.parse(opts.out), { timeZone: 'Europe/Paris', now: '2026-11-25T03:30:00.000Z', limited: true, resetAt: '2026-11-25T04:00:00.000Z' })
})

t.test('parse-limit with a transcript that cannot be read: the JSON, one line, exit 1', async t => {
  const r = await run(['parse-limit', '--transcript', '/nonexistent/t.jsonl'])
  t.equal(r.code, 1)
  t.match(JSON.parse(r.out), { ok: false, transcript: { path: '/nonexistent/t.jsonl', found: false, error: { code: 'ENOENT' } } })
  t.match(r.err, /^session-retry: cannot read transcript \/nonexistent\/t\.jsonl: ENOENT[^\n]*\n$/)
  const withText = await run(['parse-limit', '--transcript', '/nonexistent/t.jsonl', ...BANNER.split(' ')])
  t.equal(withText.code, 0, 'the text is the fallback')
  t.match(JSON.parse(withText.out), { ok: true, kind: 'five_hour' })
})

t.test('parse-limit --transcript: the limit row the transcript holds, read from the file named', async t => {
  // The 2.1.331 limit row (docs/claude-code.md#transcript-limit-rows), trimmed to what the reader uses.
  const row = {
    type: 'assistant',
    uuid: 'c1dd0f3a',
    timestamp: '2026-11-25T03:01:15.959Z',
    isSidechain: false,
    message: { role: 'assistant', content: [{ type: 'text', text: BANNER }] },
    quotaLimits: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour' },
    error: 'rate_limit',
    isApiErrorMessage: true,
  }
  const dir = t.testdir({ 's.jsonl': JSON.stringify(row) + '\n' })
  const r = await run(['parse-limit', '--transcript', join(dir, 's.jsonl')])
  t.equal(r.code, 0, r.err)
  t.equal(r.err, '')
  t.match(JSON.parse(r.out), {
    ok: true,
    limited: true,
    source: 'transcript',
    resetAt: '2026-11-25T04:01:15.000Z',
    transcript: { path: join(dir, 's.jsonl'), found: true, uuid: 'c1dd0f3a' },
  })
})

t.test('parse-limit: text that is not a limit is still a verdict, exit 0', async t => {
  const r = await run(['parse-limit', 'Approaching usage limit · resets at 3pm'])
  t.equal(r.code, 0)
  t.equal(r.err, '')
  t.match(JSON.parse(r.out), { ok: true, limited: false, resetAt: null, source: 'none' })
})
