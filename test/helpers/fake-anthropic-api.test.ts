// The harness itself, checked against the real Claude Code CLI (2.1.331 native, 2.1.77 JS).
// Expected outputs verified on 2026-11-25 with both versions.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  DEFAULT_TEXT, isMainTurnBody, isQuotaProbe, startFakeApi, type FakeApi,
} from './fake-anthropic-api.js'
import {
  DEFAULT_MAX_RETRIES, claudeCommand, makeSandbox, parseJsonResult, projectDirName, readTranscript, runClaude,
  transcriptPathFor, type ClaudeVersion,
} from './claude-cli.js'
import { startClaudeTui } from './tmux.js'

type Row = Record<string, unknown>

// a reset about two hours ahead, at hh:mm:15, so the banner shows a time of day without a date
const RESET = Math.floor(Date.now() / 60_000) * 60 + 2 * 3600 + 15

/** how the CLI prints RESET with TZ=UTC: 4:01am, or 4am on the hour */
function clock(epoch: number): string {
  const d = new Date(epoch * 1000)
  const h = d.getUTCHours()
  const m = d.getUTCMinutes()
  return `${h % 12 || 12}${m === 0 ? '' : `:${String(m).padStart(2, '0')}`}${h < 12 ? 'am' : 'pm'}`
}
const BANNER = new RegExp(`You've hit your (5-hour|session) limit · resets ${clock(RESET)} \\(UTC\\)`)

let api: FakeApi
t.before(async () => { api = await startFakeApi() })
t.teardown(() => api.close())
t.beforeEach(() => {
  api.setDefault({ kind: 'text', text: DEFAULT_TEXT })
  api.requests.length = 0
})

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(api.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

t.test('fake API without the CLI', async (t) => {
  const hello = await fetch(api.url + '/api/hello', { method: 'HEAD' })
  t.equal(hello.status, 200)

  const other = await fetch(api.url + '/v1/unknown/thing')
  t.equal(other.status, 404)
  t.match(await other.json(), { type: 'error' })

  const count = await post('/v1/messages/count_tokens', { messages: [] })
  t.equal(count.status, 200)
  t.type(((await count.json()) as { input_tokens: unknown }).input_tokens, 'number')

  // a queued limit is not consumed by the quota probe, only by the main turn
  api.enqueue({ kind: 'limit', resetEpoch: RESET, claim: 'seven_day' })
  const probe = await post('/v1/messages?beta=true', { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] })
  t.equal(probe.status, 200, 'probe gets the default')
  t.match(await probe.json(), { type: 'message', content: [{ type: 'text', text: DEFAULT_TEXT }] })
  t.equal(api.pending(), 1)

  const turn = await post('/v1/messages?beta=true', { model: 'm', max_tokens: 100, stream: true, tools: [{ name: 'x' }], messages: [] })
  t.equal(turn.status, 429)
  t.equal(turn.headers.get('anthropic-ratelimit-unified-status'), 'rejected')
  t.equal(turn.headers.get('anthropic-ratelimit-unified-reset'), String(RESET))
  t.equal(turn.headers.get('anthropic-ratelimit-unified-representative-claim'), 'seven_day')
  t.equal(turn.headers.get('anthropic-ratelimit-unified-7d-status'), 'rejected')
  t.match(await turn.json(), { type: 'error', error: { type: 'rate_limit_error' } })
  t.equal(api.pending(), 0)

  // streamed text, with usage headers
  api.setDefault({ kind: 'text', text: 'abc', usage: { fiveHour: 0.42, fiveHourReset: RESET } })
  const sse = await post('/v1/messages', { model: 'm', stream: true, tools: [{ name: 'x' }], messages: [] })
  t.equal(sse.headers.get('content-type'), 'text/event-stream')
  t.equal(sse.headers.get('anthropic-ratelimit-unified-5h-utilization'), '0.42')
  const events = [...(await sse.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1])
  t.same(events, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'])

  api.setDefault({ kind: 'overloaded' })
  t.equal((await post('/v1/messages', { stream: true, tools: [{}] })).status, 529)
  api.setDefault({ kind: 'rateLimit', retryAfter: 7 })
  const rl = await post('/v1/messages', { stream: true, tools: [{}] })
  t.equal(rl.status, 429)
  t.equal(rl.headers.get('retry-after'), '7')
  t.equal(rl.headers.get('anthropic-ratelimit-unified-status'), null)

  t.equal(api.messageRequests().length, 5)
  t.equal(api.mainTurnRequests().length, 4)
  t.equal(api.requests.length, 8)
  t.ok(isQuotaProbe({ max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] }))
  t.notOk(isMainTurnBody({ max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] }))
  t.notOk(isMainTurnBody({ model: 'm', max_tokens: 50, messages: [] }))
})

t.test('sandbox helpers', async (t) => {
  t.equal(projectDirName('/tmp/a.b_c/d e'), '-tmp-a-b-c-d-e')
  const sb = await makeSandbox(api, { auth: 'apikey', env: { FOO: 'bar', TZ: '' } })
  t.teardown(() => sb.cleanup())
  t.equal(sb.env.HOME, sb.home)
  t.equal(sb.env.ANTHROPIC_BASE_URL, api.url)
  t.ok(sb.env.ANTHROPIC_API_KEY)
  t.notOk(sb.env.CLAUDE_CODE_OAUTH_TOKEN)
  t.notOk(sb.env.NODE_EXTRA_CA_CERTS)
  t.notOk(sb.env.NODE_OPTIONS)
  t.notOk(sb.env.TZ, "'' removes a default")
  t.equal(sb.env.FOO, 'bar')
  const cfg = JSON.parse(await readFile(join(sb.home, '.claude.json'), 'utf8')) as { projects: Record<string, unknown> }
  t.match(cfg, { hasCompletedOnboarding: true, projects: { [sb.cwd]: { hasTrustDialogAccepted: true } } })
  t.equal(claudeCommand('2.1.77').file, process.execPath)
  t.match(claudeCommand().file, /claude\.exe$|node/)
})

/** A hook that records its first 4 ancestors' pids and names, nearest first (ps is slow: keep it short). */
async function installAncestryHook(dir: string, home: string): Promise<string> {
  const script = join(home, 'ancestry.sh')
  await writeFile(script, [
    '#!/bin/sh',
    'cat > /dev/null',
    'p=$$ n=0',
    'while [ "$p" -gt 1 ] && [ $n -lt 4 ]; do ps -o pid=,comm= -p "$p"; p=$(ps -o ppid= -p "$p" | tr -d " "); n=$((n+1)); done > "$0.out"',
    '',
  ].join('\n'))
  await chmod(script, 0o755)
  await mkdir(join(dir, '.claude'), { recursive: true })
  await writeFile(join(dir, '.claude', 'settings.json'), JSON.stringify({
    hooks: { SessionStart: [{ hooks: [{ type: 'command', command: script }] }] },
  }))
  return `${script}.out`
}

for (const version of ['current', '2.1.77'] as ClaudeVersion[]) {
  t.test(`claude -p against the fake API (${version})`, async (t) => {
    const sb = await makeSandbox(api)
    t.teardown(() => sb.cleanup())
    const ancestry = await installAncestryHook(sb.cwd, sb.home)

    const run = await runClaude(sb, ['-p', 'say hi', '--output-format', 'json'], { version })
    t.equal(run.code, 0, run.stderr)
    const res = parseJsonResult(run)
    t.equal(res.result, DEFAULT_TEXT)
    t.match(res.session_id, /^[0-9a-f-]{36}$/)
    t.comment(`${version}: one claude -p run took ${run.ms} ms`)

    const turns = api.mainTurnRequests()
    t.equal(turns.length, 1, 'one main turn')
    t.equal(api.messageRequests().length, 1, 'no side request in -p mode')
    t.match(turns[0]!.body, { stream: true, tools: Array })

    const rows = await readTranscript(transcriptPathFor(sb, res.session_id), (r) => r.some((x) => x.type === 'assistant'))
    const answer = rows.find((x) => x.type === 'assistant') as { message?: { content?: { text?: string }[] } } | undefined
    t.equal(answer?.message?.content?.[0]?.text, DEFAULT_TEXT, 'transcript holds the answer')

    // hooks run as claude -> /bin/sh -c <command> -> hook
    const chain = (await readFile(ancestry, 'utf8')).trim().split('\n').map((l) => l.trim().split(/\s+/))
    const claudeAt = chain.findIndex(([pid]) => Number(pid) === run.pid)
    t.ok(claudeAt === 1 || claudeAt === 2, `the hook's parent or grandparent is the claude process: ${JSON.stringify(chain.slice(0, 4))}`)
  })

  t.test(`limit, then --resume (${version})`, async (t) => {
    const sb = await makeSandbox(api)
    t.teardown(() => sb.cleanup())
    const id = randomUUID()
    api.enqueue({ kind: 'limit', resetEpoch: RESET })
    const limited = await runClaude(sb, ['--session-id', id, '-p', 'say hi'], { version })
    t.match(limited.stdout, BANNER)
    t.equal(limited.code, 1, 'claude -p exits 1 on a limit')
    t.comment(`${version}: a limited claude -p run took ${limited.ms} ms`)
    t.equal(api.pending(), 0, 'the main turn took the queued limit')

    const path = transcriptPathFor(sb, id)
    const rows = await readTranscript(path, (r) => r.some((x) => x.isApiErrorMessage === true))
    const row = rows.find((x) => x.isApiErrorMessage === true)
    t.match(row, { error: 'rate_limit', sessionId: id })
    if (version === 'current') {
      t.match(row, { quotaLimits: { status: 'rejected', resetsAt: RESET, rateLimitType: 'five_hour' }, apiErrorStatus: 429 })
    } else {
      t.notOk(row && 'quotaLimits' in row, '2.1.77 has no quotaLimits')
    }

    const resumed = await runClaude(sb, ['--resume', id, '-p', 'continue', '--output-format', 'json'], { version })
    t.equal(resumed.code, 0, resumed.stderr)
    const res = parseJsonResult(resumed)
    t.equal(res.session_id, id, 'same session id')
    t.equal(res.result, DEFAULT_TEXT)
    const after = await readTranscript(path, (r) => r.filter((x) => x.type === 'assistant').length >= 2)
    t.ok(after.some((x: Row) => x.type === 'user' && JSON.stringify(x).includes('continue')), 'resume appended to the same transcript')
    t.equal(api.mainTurnRequests().length, 2)
  })
}

t.test('runClaude kills a run that outlives its timeout', async (t) => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  await t.rejects(runClaude(sb, ['-p', 'say hi'], { timeoutMs: 50 }), /timed out after 50 ms/)
})

t.test('API-key auth: a 429 is an API error, not a plan banner', async (t) => {
  const sb = await makeSandbox(api, { auth: 'apikey' })
  t.teardown(() => sb.cleanup())
  // with API-key auth a 429 with a short retry-after is retried: make it long
  api.enqueue({ kind: 'limit', resetEpoch: RESET, retryAfter: 3600 })
  const run = await runClaude(sb, ['-p', 'say hi'])
  t.match(run.stdout, /^API Error: Request rejected \(429\)/)
  t.equal(api.mainTurnRequests().length, 1)
  t.notMatch(run.stdout, /resets/)
  t.equal(api.requests[0]?.headers['x-api-key'], sb.env.ANTHROPIC_API_KEY)
})

t.test('overloaded: retried CLAUDE_CODE_MAX_RETRIES times, then an API error', async (t) => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  t.equal(sb.env.CLAUDE_CODE_MAX_RETRIES, String(DEFAULT_MAX_RETRIES))
  api.setDefault({ kind: 'overloaded' })
  api.enqueue({ kind: 'overloaded' })
  const run = await runClaude(sb, ['-p', 'say hi'])
  t.match(run.stdout, /^API Error: 529 Overloaded/)
  t.equal(run.code, 1)
  t.same(api.mainTurnRequests().map((r) => r.replied), ['overloaded', 'overloaded', 'overloaded'], 'retries are main turns too')
})

t.test('interactive TUI under tmux, with the status line', async (t) => {
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const now = Math.floor(Date.now() / 1000)
  api.setDefault({ kind: 'text', text: 'Hello from the TUI test', usage: { fiveHour: 0.42, fiveHourReset: now + 3600, sevenDay: 0.1, sevenDayReset: now + 86400 } })
  const statusLine = join(sb.home, 'statusline.sh')
  await writeFile(statusLine, '#!/bin/sh\n{ cat; echo; } >> "$0.jsonl"\necho STATUSLINE-OK\n')
  await chmod(statusLine, 0o755)
  await writeFile(join(sb.home, '.claude', 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command: statusLine } }))

  const tui = await startClaudeTui(sb)
  t.teardown(() => tui.kill())
  await tui.waitFor('❯', 30_000)
  await tui.submit('say hi')
  const screen = await tui.waitFor('Hello from the TUI test')
  t.match(screen, /❯ say hi/)
  await tui.waitFor('STATUSLINE-OK')
  t.ok(await tui.alive())

  const rows = await readTranscript(`${statusLine}.jsonl`, (r) => r.some((x) => 'rate_limits' in x), 10_000)
  const withLimits = rows.find((x) => 'rate_limits' in x)
  t.match(withLimits, { rate_limits: { five_hour: { used_percentage: 42, resets_at: now + 3600 }, seven_day: { used_percentage: 10 } } })
})
