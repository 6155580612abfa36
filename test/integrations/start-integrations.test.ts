// The integrations' entry point: off by default, config errors surface, every configured channel is
// attached (Cometa, webhook and a fake notify-send, all real), and a real Supervisor's transitions
// reach Cometa.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths } from '../../src/home/home-paths.js'
import type { Logger } from '../../src/home/logger.js'
import { Supervisor, type Transition, type TransitionListener } from '../../src/supervisor/supervisor.js'
import { initialSessionContext } from '../../state/session-context.js'
import { loadIntegrationsConfig } from '../../src/integrations/integrations-config.js'
import { startIntegrations } from '../../src/integrations/start-integrations.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function memoryLog() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields })
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return { log, lines }
}

class FakeSupervisor {
  readonly listeners: TransitionListener[] = []
  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener)
  }
  emit(transition: Transition): void {
    for (const listener of this.listeners) listener(transition)
  }
}

async function receiver(t: Test) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', c => (body += c))
    req.on('end', () => {
      got.push({ headers: req.headers, body })
      res.end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => (server.closeAllConnections(), server.close(() => resolve()))))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got }
}

const RETRY = Date.parse('2026-03-04T15:01:30Z')

function limitedThenScheduled(sessionId: string): Transition[] {
  const context = initialSessionContext({ sessionId, cwd: '/work/shop' })
  const limit = { kind: 'five_hour' as const, resetAt: Date.parse('2026-03-04T15:00:00Z'), source: 'banner', transient: false, usedPercentage: null, at: 0 }
  return [
    { sessionId, at: '2026-03-04T12:00:00.000Z', from: 'active', to: 'limited', event: 'limit.detected', context: { ...context, limit } },
    { sessionId, at: '2026-03-04T12:00:00.000Z', from: 'limited', to: 'scheduled', event: 'limit.detected', context: { ...context, limit, retryAt: RETRY } },
  ]
}

t.test('nothing configured: nothing attached, health says so', async t => {
  const supervisor = new FakeSupervisor()
  const { log, lines } = memoryLog()
  const integrations = startIntegrations({ env: {}, supervisor, log, now: Date.now })
  t.equal(supervisor.listeners.length, 0)
  t.same(integrations.health(), { cometa: null, notify: null })
  t.same(lines, [{ level: 'info', msg: 'integrations', fields: { cometa: null, notify: [] } }])
  await integrations.close()
})

t.test('a bad variable is a ConfigError naming it', async t => {
  const start = (env: Record<string, string>) => () => startIntegrations({ env, supervisor: new FakeSupervisor(), log: memoryLog().log, now: Date.now })
  t.throws(start({ SESSION_RETRY_COMETA_URL: 'cometa:3007' }), /^SESSION_RETRY_COMETA_URL=/)
  t.throws(start({ SESSION_RETRY_NOTIFY: 'webhook' }), /^SESSION_RETRY_NOTIFY_URL is required/)
  try {
    start({ SESSION_RETRY_NOTIFY: 'sms' })()
    t.fail('should throw')
  } catch (error) {
    t.ok(error instanceof ConfigError)
  }
})

t.test('Cometa, webhook and desktop together, all real', async t => {
  const cometa = await receiver(t)
  const ntfy = await receiver(t)
  const bin = t.testdir({})
  writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nprintf '%s\\0' "$@" >> "\${0%/*}/argv.bin"\n`)
  chmodSync(join(bin, 'notify-send'), 0o755)
  const supervisor = new FakeSupervisor()
  const env = {
    PATH: bin,
    SESSION_RETRY_COMETA_URL: `${cometa.base}/api/session-retry/transitions`,
    SESSION_RETRY_NOTIFY: 'desktop,webhook',
    SESSION_RETRY_NOTIFY_URL: `${ntfy.base}/my-secret-topic`,
  }
  const integrations = startIntegrations({ env, supervisor, log: memoryLog().log, now: Date.now, timeZone: 'UTC', platform: 'linux' })
  t.teardown(() => integrations.close())
  t.equal(supervisor.listeners.length, 2, 'one listener each: Cometa, notifier')
  for (const transition of limitedThenScheduled('abcdef12-3456')) supervisor.emit(transition)
  await waitFor(() => cometa.got.length === 2 && ntfy.got.length === 1 && existsSync(join(bin, 'argv.bin')), { what: 'every channel' })
  t.same(
    cometa.got.map(g => JSON.parse(g.body)),
    [
      { sessionId: 'abcdef12-3456', cwd: '/work/shop', from: 'active', to: 'limited', at: '2026-03-04T12:00:00.000Z', resetAt: '2026-03-04T15:00:00.000Z', retryAt: null, attempt: 0, event: 'limit.detected' },
      { sessionId: 'abcdef12-3456', cwd: '/work/shop', from: 'limited', to: 'scheduled', at: '2026-03-04T12:00:00.000Z', resetAt: '2026-03-04T15:00:00.000Z', retryAt: '2026-03-04T15:01:30.000Z', attempt: 0, event: 'limit.detected' },
    ],
  )
  const body = 'shop (abcdef12): 5-hour limit, resets 15:00 UTC. Resume at 15:01 UTC.'
  t.equal(ntfy.got[0]!.headers.title, 'Claude Code session limited')
  t.equal(ntfy.got[0]!.body, body)
  await waitFor(() => readFileSync(join(bin, 'argv.bin'), 'utf8').split('\0').length === 5, { what: 'notify-send argv' })
  t.same(readFileSync(join(bin, 'argv.bin'), 'utf8').split('\0').slice(0, 4), ['--app-name=smart-session-retry', '--', 'Claude Code session limited', body])
  await waitFor(() => integrations.health().cometa?.queued === 0 && integrations.health().notify?.webhook?.queued === 0, { what: 'the senders to see the answers' })
  const health = integrations.health()
  t.match(health, {
    cometa: { url: `${cometa.base}/api/session-retry/transitions`, sent: 2, queued: 0, reachable: true },
    notify: { channels: ['desktop', 'webhook'], notified: 1, webhook: { url: `${ntfy.base}/…`, sent: 1 } },
  })
  t.notMatch(JSON.stringify(health), /my-secret-topic/, 'the ntfy topic stays out of /health')
  await waitFor(() => integrations.health().notify?.desktop?.shown === 1, { what: 'the desktop command to finish' })
  t.equal(integrations.close(), integrations.close(), 'close is idempotent')
  await integrations.close()
})

t.test('a config loaded at the entry point can be passed instead of env', async t => {
  const cometa = await receiver(t)
  const supervisor = new FakeSupervisor()
  const config = loadIntegrationsConfig({ SESSION_RETRY_COMETA_URL: `${cometa.base}/x` })
  const integrations = startIntegrations({ config, supervisor, log: memoryLog().log, now: Date.now })
  supervisor.emit(limitedThenScheduled('s1')[0]!)
  await waitFor(() => cometa.got.length === 1, { what: 'one post' })
  t.same(integrations.health().notify, null)
  await integrations.close()
})

t.test('a webhook URL without webhook in SESSION_RETRY_NOTIFY is pointed out', async t => {
  const { log, lines } = memoryLog()
  const integrations = startIntegrations({ env: { SESSION_RETRY_NOTIFY_URL: 'https://ntfy.sh/t' }, supervisor: new FakeSupervisor(), log, now: Date.now })
  t.ok(lines.some(l => l.level === 'warn' && /SESSION_RETRY_NOTIFY_URL is set but SESSION_RETRY_NOTIFY does not include webhook/.test(l.msg)))
  t.same(integrations.health(), { cometa: null, notify: null })
  await integrations.close()
})

t.test('a real Supervisor: a reported limit reaches Cometa as active → limited → scheduled', async t => {
  const cometa = await receiver(t)
  let stop = async () => {}
  t.teardown(() => stop())
  const home = join(t.testdir({ home: {} }), 'home')
  const config = loadConfig({ SESSION_RETRY_HOME: home, SESSION_RETRY_CLAUDE_INTEGRATION: 'false', SESSION_RETRY_PORT: '0' })
  const paths = homePaths(home)
  const { log } = memoryLog()
  const supervisor = new Supervisor({ config, paths, log, now: Date.now, timeZone: 'UTC' })
  const integrations = startIntegrations({ env: { SESSION_RETRY_COMETA_URL: `${cometa.base}/cometa` }, supervisor, log, now: Date.now })
  stop = async () => {
    await integrations.close()
    await supervisor.stop()
  }
  await supervisor.restoreAll()
  const id = 'sess-' + randomUUID()
  const resetAt = Date.now() + 3 * 3_600_000
  const record = (event: string, fields: Record<string, unknown>) =>
    appendRecord(paths, { v: 1, id: randomUUID(), ts: new Date().toISOString(), event, sessionId: id, origin: 'hook', ...fields })
  record('SessionStart', { cwd: '/work/shop', source: 'startup' })
  record('LimitReported', { message: "You've hit your session limit", resetAt })
  await supervisor.refresh(id)
  await waitFor(() => cometa.got.length >= 2, { what: 'two Cometa posts' })
  const posts = cometa.got.map(g => JSON.parse(g.body))
  t.match(posts, [
    { sessionId: id, cwd: '/work/shop', from: 'active', to: 'limited', event: 'limit.detected', resetAt: new Date(resetAt).toISOString() },
    { sessionId: id, from: 'limited', to: 'scheduled', resetAt: new Date(resetAt).toISOString(), retryAt: String, attempt: 0 },
  ])
  t.ok(Date.parse(posts[1].retryAt) >= resetAt, 'the resume is scheduled after the reset')
  t.equal(supervisor.stats.errors, 0, 'no listener error reached the supervisor')
})
