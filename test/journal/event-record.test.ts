import t from 'tap'
import { MAX_TEXT_CHARS, parseJournalLine, recordFromHookPayload, serializeRecord } from '../../src/journal/event-record.js'
import { describeBadSessionId, isValidSessionId } from '../../src/home/session-id.js'
import { homePaths, resolveHome, sessionFile } from '../../src/home/home-paths.js'

const meta = { id: 'e1', ts: '2026-11-25T03:01:15.959Z' }

t.test('session ids', async t => {
  const good = ['0a38aaaa-1111-2222-3333-444455556666', 'abc', 'A_b-9']
  const bad: unknown[] = ['', '../x', '/etc/passwd', 'a/b', 'a\u0000b', '.hidden', '-rf', 'a'.repeat(129), 'a.b', 42, null, undefined]
  for (const id of good) t.ok(isValidSessionId(id), `${id} is valid`)
  for (const id of bad) t.notOk(isValidSessionId(id), `${JSON.stringify(id)} is refused`)
  t.match(describeBadSessionId(undefined), /missing/)
  t.match(describeBadSessionId(7), /number/)
  t.match(describeBadSessionId(''), /empty/)
  t.match(describeBadSessionId('a'.repeat(200)), /200 characters/)
  t.match(describeBadSessionId('../x'), /letters, digits/)
})

t.test('paths never take an invalid id', async t => {
  const paths = homePaths('/h')
  t.equal(sessionFile(paths, 'abc', 'journal'), '/h/sessions/events/abc.jsonl')
  t.equal(sessionFile(paths, 'abc', 'state'), '/h/sessions/abc.json')
  t.throws(() => sessionFile(paths, '../abc', 'state'), /invalid session id/)
  t.equal(resolveHome({ SESSION_RETRY_HOME: 'rel' }, '/cwd'), '/cwd/rel')
  t.equal(resolveHome({ SESSION_RETRY_HOME: '/abs' }, '/cwd'), '/abs')
  t.equal(resolveHome({ HOME: '/home/u' }, '/cwd'), '/home/u/.devflow')
})

t.test('hook payload to record', async t => {
  const result = recordFromHookPayload(
    { session_id: 's1', hook_event_name: 'StopFailure', cwd: '/p', transcript_path: '/t.jsonl', error: 'rate_limit', last_assistant_message: 'x'.repeat(MAX_TEXT_CHARS + 10) + 'END', prompt: 'secret', agent_id: 'a' },
    { ...meta, claudePid: 5, tmuxPane: '%1' },
  )
  t.ok(result.ok)
  if (!result.ok) return
  t.match(result.value, { v: 1, id: 'e1', event: 'StopFailure', sessionId: 's1', origin: 'hook', cwd: '/p', transcriptPath: '/t.jsonl', error: 'rate_limit', agentId: 'a', claudePid: 5, tmuxPane: '%1', promptLength: 6, truncated: ['last_assistant_message'] })
  t.equal(result.value.lastAssistantMessage!.length, MAX_TEXT_CHARS)
  t.ok(result.value.lastAssistantMessage!.endsWith('END'))
  t.notMatch(serializeRecord(result.value), /secret/)
  t.ok(serializeRecord(result.value).endsWith('}\n'))
})

t.test('hook payloads that are refused', async t => {
  const cases: [unknown, RegExp][] = [
    [null, /not a JSON object/],
    [[1], /not a JSON object/],
    ['str', /not a JSON object/],
    [{ hook_event_name: 'Stop' }, /session_id is missing/],
    [{ session_id: '../x', hook_event_name: 'Stop' }, /may hold only/],
    [{ session_id: 's' }, /hook_event_name/],
    [{ session_id: 's', hook_event_name: 'Stop; rm -rf /' }, /hook_event_name/],
  ]
  for (const [payload, error] of cases) t.match(recordFromHookPayload(payload, meta), { ok: false, error }, JSON.stringify(payload))
})

t.test('journal lines read back', async t => {
  const good = { v: 1, id: 'a', ts: meta.ts, event: 'Stop', sessionId: 's', origin: 'hook' }
  t.match(parseJournalLine(JSON.stringify(good)), { ok: true, value: good, at: Date.parse(meta.ts) }, 'with its ts as epoch ms')
  const cases: [string, RegExp][] = [
    ['{', /not JSON/],
    ['[]', /not an object/],
    [JSON.stringify({ ...good, v: 2 }), /schema version 2/],
    [JSON.stringify({ ...good, id: '' }), /missing id/],
    [JSON.stringify({ ...good, ts: 'yesterday' }), /invalid ts/],
    [JSON.stringify({ ...good, event: 3 }), /missing event/],
    [JSON.stringify({ ...good, sessionId: '/etc/passwd' }), /may hold only/],
    [JSON.stringify({ ...good, ts: '+275760-09-13T00:00:00.000Z' }), /ts .* is out of range \(2000 to 2100\)/],
    [JSON.stringify({ ...good, ts: '1970-01-01T00:00:00.000Z' }), /out of range/],
    [JSON.stringify({ ...good, ts: '2200-01-01T00:00:00.000Z' }), /out of range/],
    [JSON.stringify({ ...good, event: 'LimitReported', resetAt: 1e17 }), /resetAt 100000000000000000 is not a time within a year of ts/],
    [JSON.stringify({ ...good, event: 'LimitReported', resetAt: 'tomorrow' }), /resetAt "tomorrow" is not a time/],
    [JSON.stringify({ ...good, event: 'LimitReported', resetAt: Date.parse(meta.ts) / 1000 }), /resetAt .* is not a time/],
    [JSON.stringify({ ...good, event: 'ScheduleStaggered', notBefore: 8.64e15 + 1 }), /notBefore .* is not a time/],
    [JSON.stringify({ ...good, event: 'ScheduleStaggered', notBefore: null }), /notBefore null is not a time/],
  ]
  for (const [line, error] of cases) t.match(parseJournalLine(line), { ok: false, error }, line)
  const inRange = { ...good, event: 'LimitReported', resetAt: Date.parse(meta.ts) + 5 * 3_600_000 }
  t.match(parseJournalLine(JSON.stringify(inRange)), { ok: true, value: inRange }, 'a reset within a year is kept')
})
