// The real supervisor process posts each session's transitions, in order, to a Cometa receiver,
// and /health shows how the sync is doing.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths } from '../../src/home/home-paths.js'
import { cliMain, startSupervisor } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'

t.test('transitions reach Cometa in order; /health reports the sync', async t => {
  const posts: Record<string, any>[] = []
  const receiver = createServer((req, res) => {
    let body = ''
    req.on('data', d => (body += d))
    req.on('end', () => {
      posts.push(JSON.parse(body))
      res.writeHead(200).end('{}')
    })
  })
  await new Promise<void>(r => receiver.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>(r => receiver.close(() => r())))
  const home = join(processDir(t), 'home')
  const env = {
    PATH: process.env.PATH,
    HOME: join(home, '..'),
    SESSION_RETRY_HOME: home,
    SESSION_RETRY_PORT: '0',
    SESSION_RETRY_CLAUDE_INTEGRATION: 'false',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_COMETA_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/transitions`,
  }
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.stop())
  const port = Number(/port (\d+)/.exec(supervisor.output())![1])
  const sessionId = 'cometa-session-1'
  appendRecord(homePaths(home), { v: 1, id: 'e1', ts: new Date().toISOString(), event: 'LimitReported', sessionId, origin: 'http', resetAt: Date.now() + 3_600_000, cwd: '/work/app' })
  await waitFor(() => posts.length >= 2, { what: 'two posts' })
  execFileSync(process.execPath, [cliMain, 'resume', sessionId], { env })
  await waitFor(() => posts.some(p => p.to === 'due'), { what: 'the due transition' })
  t.same(posts.map(p => `${p.from}→${p.to}`), ['active→limited', 'limited→scheduled', 'scheduled→due'])
  t.match(posts[1], { sessionId, cwd: '/work/app', resetAt: /Z$/, retryAt: /Z$/ })
  const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json()
  t.match(health.integrations.cometa, { sent: 3, queued: 0, reachable: true })
})
