// readTranscriptLimit on transcripts written by the real Claude Code CLI (2.1.331 native binary)
// against the fake API: the exact reset Claude Code stores, the limit kind, a session that went on
// after its limit, and an API-key 429 that is no plan limit at all.
import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { readTranscriptLimit, type TranscriptLimitResult } from '../../src/limits/read-transcript-limit.js'
import { startFakeApi, type LimitClaim } from '../helpers/fake-anthropic-api.js'
import { makeSandbox, readTranscript, runClaude, transcriptPathFor, type ClaudeSandbox } from '../helpers/claude-cli.js'

type Row = Record<string, unknown>

const api = await startFakeApi()
t.teardown(() => api.close())

/** About two hours ahead with a seconds part of 37: banner times have minutes at best, so only
 *  the stored epoch can give this instant to the second. */
function resetEpoch(hours = 2): number {
  return Math.floor(Date.now() / 60_000) * 60 + hours * 3600 + 37
}

async function sandbox(t: Test, auth: 'oauth' | 'apikey' = 'oauth'): Promise<ClaudeSandbox> {
  // No retries: a 429 without plan headers is then one request, one transcript row.
  const sb = await makeSandbox(api, { auth, env: { CLAUDE_CODE_MAX_RETRIES: '0' } })
  t.teardown(() => sb.cleanup())
  return sb
}

const isLimitRow = (r: Row): boolean => r.isApiErrorMessage === true && r.error === 'rate_limit'

/** Waits until the transcript holds `until` (it is written asynchronously), then reads it. */
async function readLimit(path: string, until: (rows: Row[]) => boolean): Promise<TranscriptLimitResult> {
  await readTranscript(path, until, 10_000)
  return readTranscriptLimit(path, { now: Date.now(), timeZone: 'UTC' })
}

function limitOf(t: Test, result: TranscriptLimitResult) {
  if (!result.ok) throw new Error(`readTranscriptLimit failed: ${result.error.code} ${result.error.message}`)
  if (!result.limit) throw new Error('readTranscriptLimit found no limit row')
  t.pass('a limit row was found')
  return result.limit
}

// The claim decides the kind; different claims give different kinds, so the kind is really read.
const claims: [LimitClaim, string, RegExp][] = [
  ['five_hour', 'five_hour', /You've hit your (5-hour|session) limit · resets /],
  ['seven_day', 'weekly', /You've hit your weekly limit · resets /],
]

for (const [claim, kind, banner] of claims) {
  t.test(`OAuth, ${claim} limit: the exact reset from quotaLimits.resetsAt, kind ${kind}`, async (t) => {
    const sb = await sandbox(t)
    const id = randomUUID()
    const reset = resetEpoch(claim === 'five_hour' ? 2 : 50)
    api.enqueue({ kind: 'limit', resetEpoch: reset, claim })
    const run = await runClaude(sb, ['--session-id', id, '-p', 'work'])
    t.equal(run.code, 1, 'claude -p exits 1 after a limit')
    t.equal(api.pending(), 0, 'the limit reply was used')

    const path = transcriptPathFor(sb, id)
    const limit = limitOf(t, await readLimit(path, (rows) => rows.some(isLimitRow)))
    t.equal(limit.limited, true)
    t.equal(limit.transient, false)
    t.equal(limit.resetAt, reset * 1000, `reset ${new Date(reset * 1000).toISOString()}, to the second`)
    t.equal(limit.source, 'transcript')
    t.equal(limit.field, 'quotaLimits.resetsAt')
    t.equal(limit.rateLimitType, claim)
    t.equal(limit.kind, kind)
    t.equal(limit.stale, false)
    t.equal(limit.continued, false, 'nothing after the limit yet')
    t.equal(limit.continuedBy, null)
    t.match(limit.text, banner)
    t.match(limit.uuid, /^[0-9a-f-]{36}$/)
  })
}

t.test('a normal turn after the limit (--resume <id> -p continue) makes it continued', async (t) => {
  const sb = await sandbox(t)
  const id = randomUUID()
  const reset = resetEpoch()
  api.enqueue({ kind: 'limit', resetEpoch: reset, claim: 'five_hour' })
  await runClaude(sb, ['--session-id', id, '-p', 'work'])
  const path = transcriptPathFor(sb, id)
  const before = limitOf(t, await readLimit(path, (rows) => rows.some(isLimitRow)))
  t.equal(before.continued, false, 'not continued before the resume')

  api.enqueue({ kind: 'text', text: 'Carrying on where we stopped.' })
  const run = await runClaude(sb, ['--resume', id, '-p', 'continue'])
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /Carrying on where we stopped\./)

  const answered = (rows: Row[]): boolean => {
    const at = rows.findIndex(isLimitRow)
    return at >= 0 && rows.slice(at + 1).some((r) => r.type === 'assistant' && r.isApiErrorMessage !== true)
  }
  const after = limitOf(t, await readLimit(path, answered))
  t.equal(after.continued, true, 'continued after the resumed turn')
  t.equal(after.uuid, before.uuid, 'still the same limit row')
  t.equal(after.resetAt, reset * 1000, 'its reset is unchanged')
  t.not(after.continuedBy, null)
  const rows = await readTranscript(path)
  const answer = rows.find((r) => r.uuid === after.continuedBy?.uuid)
  t.ok(answer, 'continuedBy names a row of the transcript')
  t.same((answer?.message as Row | undefined)?.content, [{ type: 'text', text: 'Carrying on where we stopped.' }], 'the resumed answer')
})

t.test('API-key auth, 429 rate limit: a transient API rate limit with no reset', async (t) => {
  const sb = await sandbox(t, 'apikey')
  const id = randomUUID()
  // retry-after 3600 makes 2.1.331 give up at once with API-key auth (fake-anthropic-api.ts)
  api.enqueue({ kind: 'rateLimit', retryAfter: 3600 })
  await runClaude(sb, ['--session-id', id, '-p', 'work'])
  t.equal(api.pending(), 0, 'the 429 reply was used')

  const path = transcriptPathFor(sb, id)
  const rows = await readTranscript(path, (r) => r.some(isLimitRow), 10_000)
  const row = rows.find(isLimitRow)
  t.equal(row?.quotaLimits, undefined, 'API-key rows carry no quotaLimits')

  const limit = limitOf(t, await readTranscriptLimit(path, { now: Date.now(), timeZone: 'UTC' }))
  t.equal(limit.transient, true)
  t.equal(limit.limited, false, 'not a plan limit')
  t.equal(limit.kind, 'api_rate_limit')
  t.equal(limit.resetAt, null, 'no reset')
  t.equal(limit.field, null)
  t.equal(limit.rateLimitType, null)
  t.match(limit.text, /^API Error: Request rejected \(429\)/)
})
