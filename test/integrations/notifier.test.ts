// Notifications: which transitions are worth one and what they say (a table), the header and time
// formatting, and the ntfy-style webhook against a real local receiver.
import t from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { initialSessionContext, type SessionContext, type SessionStateValue } from '../../state/session-context.js'
import type { Logger } from '../../src/home/logger.js'
import type { TransitionListener } from '../../src/supervisor/supervisor.js'
import { formatTime, headerValue, messageFor, Notifier, webhookItem, type NotifiableTransition } from '../../src/integrations/notifier.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} }
const ID = '3f2a9c1e-0000-4000-8000-000000000001'
const AT = '2026-03-04T12:00:00.000Z' // a Wednesday
const ms = (iso: string) => Date.parse(iso)
const limit = (kind: string, resetAt: number | null) =>
  ({ kind, resetAt, source: 'banner', transient: false, usedPercentage: null, at: ms(AT) }) as SessionContext['limit']
const run = (attempt: number) => ({ attempt, mode: 'spawn' as const, startedAt: ms(AT), exitedAt: null, exitCode: null, turnCompleted: false, outcome: 'running' as const, at: ms(AT), marked: true, permissionMode: null, details: null })

function tr(from: SessionStateValue, to: SessionStateValue, context: Partial<SessionContext> = {}, event = 'e'): NotifiableTransition {
  return { sessionId: ID, at: AT, from, to, event, context: { ...initialSessionContext({ sessionId: ID, cwd: '/home/me/projects/shop' }), ...context } }
}

t.test('messageFor: the transitions worth a notification, and what they say', async t => {
  const cases: [string, NotifiableTransition, { title: string; body: string } | null][] = [
    [
      'limited, scheduled with a known reset',
      tr('limited', 'scheduled', { limit: limit('five_hour', ms('2026-03-04T15:00:00Z')), retryAt: ms('2026-03-04T15:01:30Z') }),
      { title: 'Claude Code session limited', body: 'shop (3f2a9c1e): 5-hour limit, resets 15:00 UTC. Resume at 15:01 UTC.' },
    ],
    [
      'limited again after a resume: the next attempt number',
      tr('limited', 'scheduled', { limit: limit('weekly', ms('2026-03-09T08:00:00Z')), retryAt: ms('2026-03-09T08:01:30Z'), attempts: 1, maxAttempts: 5 }),
      { title: 'Claude Code session limited', body: 'shop (3f2a9c1e): weekly limit, resets Mon 9 Mar 08:00 UTC. Resume attempt 2 of 5 at Mon 9 Mar 08:01 UTC.' },
    ],
    [
      'unknown reset, unknown kind, no folder',
      tr('limited', 'scheduled', { limit: limit('unknown', null), retryAt: ms('2026-03-04T12:30:00Z'), cwd: null }),
      { title: 'Claude Code session limited', body: 'session (3f2a9c1e): usage limit. Resume at 12:30 UTC.' },
    ],
    [
      'transient throttling',
      tr('limited', 'scheduled', { limit: limit('overloaded', null), retryAt: ms('2026-03-04T12:02:00Z') }),
      { title: 'Claude Code session limited', body: 'shop (3f2a9c1e): API overloaded. Resume at 12:02 UTC.' },
    ],
    [
      'scheduled without a time (not expected, still readable)',
      tr('limited', 'scheduled', { limit: null, retryAt: null }),
      { title: 'Claude Code session limited', body: 'shop (3f2a9c1e): usage limit. No resume is scheduled.' },
    ],
    ['active → limited: wait for the schedule (same step)', tr('active', 'limited', { limit: limit('five_hour', ms('2026-03-04T15:00:00Z')) }), null],
    [
      'a resume starts',
      tr('due', 'resuming', { attempts: 1, lastResume: run(1), maxAttempts: 5 }),
      { title: 'Resuming Claude Code session', body: 'shop (3f2a9c1e): resume attempt 1 of 5 started.' },
    ],
    [
      'an owner-mode handover that turns into a spawn',
      tr('awaitingOwner', 'resuming', { attempts: 2, lastResume: run(2), maxAttempts: 5 }),
      { title: 'Resuming Claude Code session', body: 'shop (3f2a9c1e): resume attempt 2 of 5 started.' },
    ],
    [
      'the resume worked',
      tr('resuming', 'active', { attempts: 0, lastResume: { ...run(3), outcome: 'completed' } }),
      { title: 'Claude Code session resumed', body: 'shop (3f2a9c1e): resume attempt 3 worked; the session is working again.' },
    ],
    [
      'resumed, attempt unknown',
      tr('resuming', 'active', { lastResume: null }),
      { title: 'Claude Code session resumed', body: 'shop (3f2a9c1e): the resume worked; the session is working again.' },
    ],
    [
      'gave up',
      tr('resuming', 'exhausted', { attempts: 5 }),
      { title: 'Claude Code session not resumed', body: `shop (3f2a9c1e): gave up after 5 resume attempts. To try again: session-retry resume ${ID}` },
    ],
    [
      'gave up after one',
      tr('limited', 'exhausted', { attempts: 1 }),
      { title: 'Claude Code session not resumed', body: `shop (3f2a9c1e): gave up after 1 resume attempt. To try again: session-retry resume ${ID}` },
    ],
    [
      'the user is needed, with the reason',
      tr('awaitingOwner', 'needsUser', { needsUserReason: 'the session is open in a live Claude Code process (pid 42) and did not continue by itself' }),
      { title: 'Claude Code session needs you', body: 'shop (3f2a9c1e): the session is open in a live Claude Code process (pid 42) and did not continue by itself.' },
    ],
    [
      'needsUser without a reason',
      tr('awaitingOwner', 'needsUser', { needsUserReason: null }),
      { title: 'Claude Code session needs you', body: 'shop (3f2a9c1e): it cannot be resumed without you.' },
    ],
    [
      'a reason that ends with a full stop gets no second one',
      tr('awaitingOwner', 'needsUser', { needsUserReason: 'continue it there. ' }),
      { title: 'Claude Code session needs you', body: 'shop (3f2a9c1e): continue it there.' },
    ],
    ['the user came back', tr('scheduled', 'active'), null],
    ['scheduled → due', tr('scheduled', 'due'), null],
    ['due → awaitingOwner', tr('due', 'awaitingOwner'), null],
    ['awaitingOwner → active', tr('awaitingOwner', 'active'), null],
    ['resume failed → scheduled (backoff)', tr('resuming', 'scheduled', { retryAt: ms('2026-03-04T12:10:00Z') }), null],
    ['cancelled', tr('scheduled', 'cancelled'), null],
    ['ended', tr('active', 'ended'), null],
    ['a root folder keeps its name', tr('resuming', 'active', { cwd: '/' }), { title: 'Claude Code session resumed', body: '/ (3f2a9c1e): the resume worked; the session is working again.' }],
  ]
  for (const [name, transition, expected] of cases) t.same(messageFor(transition, 'UTC'), expected, name)
})

t.test('formatTime: the clock on the same day, the date otherwise, in the given zone', async t => {
  const ref = ms(AT)
  const cases: [string, string, string][] = [
    ['2026-03-04T15:01:30Z', 'UTC', '15:01 UTC'],
    ['2026-03-04T23:59:00Z', 'UTC', '23:59 UTC'],
    ['2026-03-05T00:00:00Z', 'UTC', 'Thu 5 Mar 00:00 UTC'],
    ['2026-03-04T15:01:30Z', 'Europe/Paris', '16:01 CET'],
    ['2026-03-04T23:30:00Z', 'Europe/Paris', 'Thu 5 Mar 00:30 CET'],
  ]
  for (const [at, zone, expected] of cases) t.equal(formatTime(ms(at), ref, zone), expected, `${at} in ${zone}`)
  t.equal(formatTime(ms('2026-03-04T15:00:00Z'), NaN, 'UTC'), 'Wed 4 Mar 15:00 UTC', 'no reference: the date is shown')
})

t.test('headerValue: ASCII as is, anything else as an RFC 2047 word, never a line break', async t => {
  t.equal(headerValue('Claude Code session limited'), 'Claude Code session limited')
  t.equal(headerValue('a\r\nInjected: yes'), 'a Injected: yes')
  const encoded = headerValue('Réunion · limite')
  t.match(encoded, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/)
  t.equal(Buffer.from(encoded.slice(10, -2), 'base64').toString('utf8'), 'Réunion · limite')
  t.same(webhookItem({ title: 'T', body: 'B' }), { body: 'B', headers: { 'Content-Type': 'text/plain; charset=utf-8', Title: 'T', 'User-Agent': 'smart-session-retry' } })
})

async function ntfyReceiver(t: Test) {
  const got: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', c => (body += c))
    req.on('end', () => {
      got.push({ method: req.method, url: req.url, headers: req.headers, body })
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ id: String(got.length), event: 'message' }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => (server.closeAllConnections(), server.close(() => resolve()))))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/session-retry-topic`, got }
}

class FakeSupervisor {
  readonly listeners: TransitionListener[] = []
  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener)
  }
  emit(transition: NotifiableTransition): void {
    for (const listener of this.listeners) listener(transition as Parameters<TransitionListener>[0])
  }
}

t.test('webhook: a real receiver gets ntfy-style posts, with the title header, in order', async t => {
  const r = await ntfyReceiver(t)
  const notifier = new Notifier({ desktop: false, webhookUrl: r.url, log: silent, now: Date.now, timeZone: 'UTC', retryBaseMs: 10 })
  t.teardown(() => notifier.close())
  const supervisor = new FakeSupervisor()
  notifier.attach(supervisor)
  supervisor.emit(tr('active', 'limited', { limit: limit('five_hour', ms('2026-03-04T15:00:00Z')) }))
  supervisor.emit(tr('limited', 'scheduled', { limit: limit('five_hour', ms('2026-03-04T15:00:00Z')), retryAt: ms('2026-03-04T15:01:30Z') }))
  supervisor.emit(tr('scheduled', 'due'))
  supervisor.emit(tr('due', 'resuming', { attempts: 1, lastResume: run(1) }))
  supervisor.emit(tr('resuming', 'active', { lastResume: run(1) }))
  await waitFor(() => r.got.length === 3, { what: 'three notifications' })
  t.same(
    r.got.map(g => [g.method, g.url, g.headers.title, g.body]),
    [
      ['POST', '/session-retry-topic', 'Claude Code session limited', 'shop (3f2a9c1e): 5-hour limit, resets 15:00 UTC. Resume at 15:01 UTC.'],
      ['POST', '/session-retry-topic', 'Resuming Claude Code session', 'shop (3f2a9c1e): resume attempt 1 of 5 started.'],
      ['POST', '/session-retry-topic', 'Claude Code session resumed', 'shop (3f2a9c1e): resume attempt 1 worked; the session is working again.'],
    ],
  )
  t.equal(r.got[0]!.headers['content-type'], 'text/plain; charset=utf-8')
  await waitFor(() => notifier.health().webhook?.queued === 0, { what: 'the sender to see the answers' })
  const health = notifier.health()
  t.match(health, { channels: ['webhook'], notified: 3, desktop: null, webhook: { sent: 3, queued: 0, reachable: true } })
  t.equal(health.webhook!.url, new URL(r.url).origin + '/…', 'the topic (a secret) is not shown')
})

t.test('a notification with a non-ASCII title reaches the receiver RFC 2047-encoded', async t => {
  const r = await ntfyReceiver(t)
  const notifier = new Notifier({ desktop: false, webhookUrl: r.url, log: silent, now: Date.now })
  t.teardown(() => notifier.close())
  notifier.notify({ title: 'Session limitée', body: 'école ✓' })
  await waitFor(() => r.got.length === 1, { what: 'one post' })
  t.equal(r.got[0]!.headers.title, `=?UTF-8?B?${Buffer.from('Session limitée').toString('base64')}?=`)
  t.equal(r.got[0]!.body, 'école ✓')
})

t.test('the listener never throws; a bad transition is logged once', async t => {
  const errors: string[] = []
  const notifier = new Notifier({ desktop: false, webhookUrl: null, log: { ...silent, error: m => void errors.push(m) }, now: Date.now, timeZone: 'UTC' })
  const bad = tr('limited', 'scheduled', { retryAt: ms(AT) })
  ;(bad as any).context = null
  t.doesNotThrow(() => notifier.onTransition(bad))
  t.doesNotThrow(() => notifier.onTransition(bad))
  t.same(errors, ['notifier: could not build a notification'])
  t.match(notifier.health(), { channels: [], notified: 0 })
  await notifier.close()
})
