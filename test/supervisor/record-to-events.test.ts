// Journal records to machine events, table-driven. Transcript rows are verbatim shapes from
// Claude Code 2.1.331 (docs/claude-code.md#transcript-limit-rows); banners from docs/limit-texts.md.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JournalRecord } from '../../src/journal/event-record.js'
import { BANNER_PRECISION_MS, LIVE_TRANSCRIPT_RETRIES, TRANSCRIPT_FLUSH_MS, recordToEvents, transcriptRetriesFor, translateOptionsFor } from '../../src/supervisor/record-to-events.js'

const TS = '2026-11-25T03:01:16.000Z'
const AT = Date.parse(TS)
const opts = { timeZone: 'UTC', transcriptRetries: 0 }
const rec = (event: string, extra: Partial<JournalRecord> = {}): JournalRecord => ({ v: 1, id: 'i', ts: TS, event, sessionId: 's', origin: 'hook', ...extra })

const limitRow = (extra: object = {}) =>
  JSON.stringify({
    type: 'assistant', uuid: 'c1dd', timestamp: '2026-11-25T03:01:15.959Z', sessionId: 's', isSidechain: false,
    message: { model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 4:01am (UTC)" }] },
    apiError: 'usage_limit_reached',
    apiErrorParams: { rate_limit_info: { status: 'rejected', resetsAt: 1795579275, rateLimitType: 'five_hour', isUsingOverage: false } },
    quotaLimits: { status: 'rejected', resetsAt: 1795579275, unifiedRateLimitFallbackAvailable: false, rateLimitType: 'five_hour', isUsingOverage: false },
    error: 'rate_limit', isApiErrorMessage: true, apiErrorStatus: 429, apiErrorType: 'rate_limit_error', version: '2.1.331',
    ...extra,
  })

t.test('plain hook events', async t => {
  const cases: [JournalRecord, object[]][] = [
    [rec('SessionStart', { source: 'resume', cwd: '/p', transcriptPath: '/t.jsonl', claudePid: 7 }), [{ type: 'session.started', at: AT, source: 'resume', cwd: '/p', transcriptPath: '/t.jsonl', claudePid: 7 }]],
    [rec('SessionStart'), [{ type: 'session.started', at: AT, source: 'startup' }]],
    [rec('UserPromptSubmit'), [{ type: 'prompt.submitted', at: AT }]],
    [rec('Stop', { lastAssistantMessage: 'Done. All tests pass.' }), [{ type: 'turn.completed', at: AT }]],
    [rec('Stop', { lastAssistantMessage: 'When you hit your usage limit you can run /upgrade.' }), [{ type: 'turn.completed', at: AT }]],
    [rec('SessionEnd', { reason: 'prompt_input_exit' }), [{ type: 'session.ended', at: AT, reason: 'prompt_input_exit' }]],
    [rec('Notification', { message: 'Claude needs your permission' }), []],
    [rec('Notification', { notificationType: 'permission_prompt', message: 'Claude needs your permission' }), []],
    [rec('Notification', { notificationType: 'quota_auto_resume_fired', claudePid: 9 }), [{ type: 'owner.autoResume', at: AT, result: 'fired', claudePid: 9 }]],
    [rec('Notification', { notificationType: 'quota_auto_resume_stale', message: 'Press Enter to continue' }), [{ type: 'owner.autoResume', at: AT, result: 'stale', message: 'Press Enter to continue' }]],
    [rec('Notification', { notificationType: 'quota_auto_resume_disabled', runAttempt: 2 }), [{ type: 'owner.autoResume', at: AT, result: 'disabled', runAttempt: 2 }]],
    [rec('Notification', { notificationType: 'quota_auto_resume_later' }), []],
    [rec('Notification', { notificationType: 'quota_auto_resume_fired', agentId: 'sub-1' }), []],
    [rec('StopFailure', { error: 'rate_limit', agentId: 'sub-1' }), []],
    [rec('StopFailure', { error: 'authentication_failed' }), [{ type: 'turn.failed', at: AT, error: 'authentication_failed' }]],
    [rec('StopFailure', { error: 'overloaded' }), [{ type: 'limit.detected', at: AT, kind: 'overloaded', resetAt: null, transient: true }]],
    [rec('StopFailure', { error: 'server_error' }), [{ type: 'limit.detected', at: AT, kind: 'server_throttle', transient: true }]],
    [rec('StopFailure', { error: 'rate_limit' }), [{ type: 'limit.detected', at: AT, kind: 'unknown', resetAt: null, transient: false }]],
    [
      rec('StopFailure', { error: 'rate_limit', lastAssistantMessage: 'Usage is paused for your organization. For help, please contact support.' }),
      [{ type: 'turn.failed', at: AT, error: 'a limit no reset clears: Usage is paused for your organization. For help, please contact support.' }],
    ],
    [rec('ResumeRequested', { origin: 'cli' }), [{ type: 'resume.requested', at: AT }]],
    [rec('ScheduleCancelled', { origin: 'cli' }), [{ type: 'schedule.cancelled', at: AT }]],
    [rec('ResumeStarted', { attempt: 2, mode: 'owner' }), [{ type: 'resume.started', at: AT, attempt: 2, mode: 'owner' }]],
    [rec('ResumeExited', { attempt: 2, exitCode: 1, limited: true }), [{ type: 'resume.exited', at: AT, attempt: 2, exitCode: 1, limited: true }]],
    [rec('OwnerTimeout'), [{ type: 'owner.timeout', at: AT }]],
    [rec('ScheduleStaggered', { notBefore: AT + 5 }), [{ type: 'schedule.staggered', at: AT, notBefore: AT + 5 }]],
    [rec('ScheduleStaggered'), []],
    [rec('SomethingNew'), []],
  ]
  for (const [record, expected] of cases) {
    const got = await recordToEvents(record, opts)
    t.equal(got.length, expected.length, `${record.event} gives ${expected.length} event(s)`)
    expected.forEach((e, i) => t.match(got[i], e, record.event))
  }
})

t.test('a StopFailure takes the exact reset from its transcript row', async t => {
  const transcript = join(t.testdir(), 't.jsonl')
  writeFileSync(transcript, `{"type":"user"}\n${limitRow()}\n`)
  const [event] = await recordToEvents(rec('StopFailure', { error: 'rate_limit', transcriptPath: transcript, lastAssistantMessage: "You've hit your 5-hour limit · resets 4:01am (UTC)" }), opts)
  t.match(event, { type: 'limit.detected', kind: 'five_hour', resetAt: 1795579275_000, source: 'transcript', transient: false })
})

t.test('a row from another time is not taken for this event; the banner is, to the end of its minute', async t => {
  const transcript = join(t.testdir(), 't.jsonl')
  writeFileSync(transcript, `${limitRow({ timestamp: '2026-11-24T20:00:00.000Z' })}\n`)
  const [event] = await recordToEvents(rec('StopFailure', { error: 'rate_limit', transcriptPath: transcript, lastAssistantMessage: "You've hit your 5-hour limit · resets 4:01am (UTC)" }), opts)
  t.match(event, { type: 'limit.detected', kind: 'five_hour', source: 'banner', resetAt: Date.parse('2026-11-25T04:01:00Z') + BANNER_PRECISION_MS })
})

t.test('Claude Code before 2.1.78: the banner arrives in a plain Stop', async t => {
  const [event] = await recordToEvents(rec('Stop', { lastAssistantMessage: "You've hit your session limit · resets 4:17am (UTC)" }), opts)
  t.match(event, { type: 'limit.detected', kind: 'five_hour', source: 'banner', resetAt: Date.parse('2026-11-25T04:17:00Z') + BANNER_PRECISION_MS })
  const [warning] = await recordToEvents(rec('Stop', { lastAssistantMessage: "You've used 98% of your session limit · resets 8:40pm (Europe/Berlin)" }), opts)
  t.match(warning, { type: 'turn.completed' }, 'a warning is not a limit')
})

t.test("a Stop whose answer quotes a subagent's banner is no limit; Claude Code's own banner row is", async t => {
  const quote = "The helper agent stopped early: You've hit your 5-hour limit · resets 4:01am (UTC). I wrote the parser myself."
  const answer = (text: string, extra: object = {}) =>
    JSON.stringify({ type: 'assistant', isSidechain: false, timestamp: TS, message: { model: 'claude-sonnet-5-5', role: 'assistant', content: [{ type: 'text', text }] }, ...extra })
  const subagentRow = limitRow({ isSidechain: true, agentId: 'a3eee6bb6ec21aa07' })
  const dir = t.testdir()
  const modelSaidIt = join(dir, 'model.jsonl')
  writeFileSync(modelSaidIt, `${subagentRow}\n${answer(quote)}\n{"type":"system","subtype":"stop_hook_summary"}\n`)
  t.same(await recordToEvents(rec('Stop', { lastAssistantMessage: quote, transcriptPath: modelSaidIt }), opts), [{ type: 'turn.completed', at: AT }], 'the main agent said it')

  // Claude Code before 2.1.78: its own error row ends the turn, with the banner as the Stop's message.
  const banner = "You've hit your session limit · resets 4:17am (UTC)"
  const errorRow = answer(banner, { message: { model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: banner }] }, error: 'rate_limit', isApiErrorMessage: true })
  const claudeSaidIt = join(dir, 'claude.jsonl')
  writeFileSync(claudeSaidIt, `${answer('Earlier answer.')}\n${errorRow}\n`)
  t.match(await recordToEvents(rec('Stop', { lastAssistantMessage: banner, transcriptPath: claudeSaidIt }), opts), [{ type: 'limit.detected', kind: 'five_hour' }], "Claude Code's row")

  const notFlushed = join(dir, 'late.jsonl')
  writeFileSync(notFlushed, `${answer('Earlier answer.')}\n`)
  t.match(await recordToEvents(rec('Stop', { lastAssistantMessage: banner, transcriptPath: notFlushed }), opts), [{ type: 'limit.detected', kind: 'five_hour' }], 'the row not written yet: the banner decides, as before')
  t.match(await recordToEvents(rec('Stop', { lastAssistantMessage: quote, transcriptPath: join(dir, 'gone.jsonl') }), opts), [{ type: 'limit.detected' }], 'no transcript: the banner decides')
})

t.test('a limit reported over HTTP', async t => {
  const [withReset] = await recordToEvents(rec('LimitReported', { origin: 'http', resetAt: AT + 3_600_000 }), opts)
  t.match(withReset, { type: 'limit.detected', resetAt: AT + 3_600_000, source: 'http', kind: 'unknown' })
  const [withText] = await recordToEvents(rec('LimitReported', { origin: 'http', message: "You've hit your limit · resets 5am (UTC)" }), opts)
  t.match(withText, { type: 'limit.detected', resetAt: Date.parse('2026-11-25T05:00:00Z') + BANNER_PRECISION_MS, source: 'banner' })
  const [bare] = await recordToEvents(rec('LimitReported', { origin: 'http' }), opts)
  t.match(bare, { type: 'limit.detected', resetAt: null, kind: 'unknown' })
})

t.test('a limit reported over HTTP carries the folder of a session first heard of that way', async t => {
  const [event] = await recordToEvents(rec('LimitReported', { origin: 'http', resetAt: AT + 1000, cwd: '/work/app', transcriptPath: '/t/x.jsonl' }), opts)
  t.match(event, { type: 'limit.detected', cwd: '/work/app', transcriptPath: '/t/x.jsonl' })
})

t.test('the usage recorded with a limit reaches the policy', async t => {
  const [event] = await recordToEvents(rec('StopFailure', { error: 'rate_limit', usedPercentage: 97 }), opts)
  t.match(event, { type: 'limit.detected', usedPercentage: 97 })
  const [turn] = await recordToEvents(rec('Stop', { lastAssistantMessage: 'done', usedPercentage: 40 }), opts)
  t.same(turn, { type: 'turn.completed', at: AT }, 'a normal turn carries nothing')
})

t.test('transcript reads retry for a live record only; a replayed one reads once', async t => {
  t.equal(TRANSCRIPT_FLUSH_MS, 60_000)
  t.equal(LIVE_TRANSCRIPT_RETRIES, 3)
  t.equal(transcriptRetriesFor(rec('StopFailure'), AT + 1_000), 3, 'a second old: the row may not be flushed yet')
  t.equal(transcriptRetriesFor(rec('StopFailure'), AT - 5_000), 3, 'a clock behind the record: still live')
  t.equal(transcriptRetriesFor(rec('StopFailure'), AT + TRANSCRIPT_FLUSH_MS), 0, 'a minute old: read once')
  t.equal(transcriptRetriesFor(rec('StopFailure'), AT + 86_400_000), 0, 'a replay: read once')
})

t.test('a missing transcript with no retries is read once and gives the limit from the hook', async t => {
  const missing = join(t.testdir(), 'gone.jsonl')
  const events = await recordToEvents(rec('StopFailure', { error: 'rate_limit', transcriptPath: missing }), { timeZone: 'UTC', transcriptRetries: 0 })
  t.match(events, [{ type: 'limit.detected', kind: 'unknown', resetAt: null, source: 'hook' }])
})

t.test('an auto-continue notification keeps only a short message of its own', async t => {
  const [event] = await recordToEvents(rec('Notification', { notificationType: 'quota_auto_resume_disabled', message: `  ${'x'.repeat(1000)}  ` }), opts)
  t.equal(event?.type, 'owner.autoResume')
  t.equal((event as { message?: string }).message?.length, 300)
  const [blank] = await recordToEvents(rec('Notification', { notificationType: 'quota_auto_resume_disabled', message: '   ' }), opts)
  t.notOk(blank && 'message' in blank, 'a blank message is left out')
})

t.test('translate options: made once, the zone asked for only by a banner that names no zone', async t => {
  let asked = 0
  const optionsFor = translateOptionsFor(() => {
    asked++
    return 'Europe/Paris'
  })
  const old = optionsFor(rec('Stop'), AT + TRANSCRIPT_FLUSH_MS)
  const live = optionsFor(rec('Stop'), AT + 1000)
  t.equal(old.transcriptRetries, 0)
  t.equal(live.transcriptRetries, LIVE_TRANSCRIPT_RETRIES)
  t.equal(optionsFor(rec('UserPromptSubmit'), AT + TRANSCRIPT_FLUSH_MS), old, 'the same object for every old record')
  for (const r of [rec('SessionStart'), rec('UserPromptSubmit'), rec('Stop', { lastAssistantMessage: 'Done. All tests pass.' })]) recordToEvents(r, old)
  await recordToEvents(rec('StopFailure', { error: 'rate_limit', lastAssistantMessage: "You've hit your session limit · resets 4:01am (UTC)" }), old)
  t.equal(asked, 0, 'no banner without a zone yet: the zone was never read')
  const [event] = await recordToEvents(rec('StopFailure', { error: 'rate_limit', lastAssistantMessage: "You've hit your session limit · resets 5am" }), old)
  t.ok(asked > 0, 'a banner without a zone reads it')
  // 5am in Paris (UTC+1 in November) is 04:00 UTC, and a banner waits for the end of its minute.
  t.equal((event as { resetAt: number }).resetAt, Date.parse('2026-11-25T04:00:00.000Z') + BANNER_PRECISION_MS)
})
