// Is a session still open in a live Claude Code process? The pid its hooks reported, or Claude
// Code's own registry (<config>/sessions/<pid>.json), each only with a live process behind it.
// Real files; real pids (this process is alive; a child that has exited is not).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { checkOwner } from '../../src/supervisor/owner-liveness.js'

const ID = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'
const OTHER = '0a38aaaa-1111-2222-3333-444455556666'
const LIVE = process.pid
const DEAD = spawnSync(process.execPath, ['-e', '']).pid!

const entry = (pid: unknown, sessionId: string) => JSON.stringify({ pid, sessionId, cwd: '/home/u/app', startedAt: 1 })

t.test('the hooks’ pid, then the registry, each only when alive', async t => {
  // One t.testdir() per test (a second call replaces the first): each config folder under it.
  const root = t.testdir({
    config: {
      sessions: {
        [`${DEAD}.json`]: entry(DEAD, OTHER),
        '1.json': '{ being rewritten',
        'notes.txt': entry(LIVE, ID), // not a registry entry's name
        [`${LIVE}.json`]: entry(LIVE, ID),
      },
    },
    deadOnly: { sessions: { [`${DEAD}.json`]: entry(DEAD, ID) } },
    oddPid: { sessions: { '7.json': entry('7', ID) } },
    empty: {},
  })
  const [config, deadOnly, oddPid, empty] = ['config', 'deadOnly', 'oddPid', 'empty'].map(name => join(root, name)) as [string, string, string, string]
  const cases: [name: string, open: boolean, claudePid: number | null, dir: string, expected: ReturnType<typeof checkOwner>][] = [
    ['open, its hook pid alive', true, LIVE, empty, { open: true, pid: LIVE, reason: `Claude Code process ${LIVE} still has the session open` }],
    ['open, its hook pid dead, the registry names a live one', true, DEAD, config, { open: true, pid: LIVE, reason: `Claude Code process ${LIVE} lists the session in its sessions registry` }],
    ['ended (SessionEnd seen), the hook pid alive but the registry has it', false, LIVE, config, { open: true, pid: LIVE, reason: `Claude Code process ${LIVE} lists the session in its sessions registry` }],
    ['ended, no registry', false, LIVE, empty, { open: false, pid: null, reason: 'no live Claude Code process has the session open' }],
    ['open, no pid reported, the registry entry dead', true, null, deadOnly, { open: false, pid: null, reason: 'no live Claude Code process has the session open' }],
    ['a pid that is not a number is no hint', true, null, oddPid, { open: false, pid: null, reason: 'no live Claude Code process has the session open' }],
  ]
  for (const [name, open, claudePid, claudeConfigDir, expected] of cases) {
    t.same(checkOwner({ sessionId: ID, open, claudePid, claudeConfigDir }), expected, name)
  }
})

t.test('another session in the registry is not this one', async t => {
  const config = t.testdir({ sessions: { [`${LIVE}.json`]: entry(LIVE, OTHER) } })
  t.equal(checkOwner({ sessionId: ID, open: false, claudePid: null, claudeConfigDir: config }).open, false)
})

t.test('the liveness check can be given; it is asked about each hint', async t => {
  const config = t.testdir({ sessions: { '4242.json': entry(4242, ID) } })
  const asked: number[] = []
  const result = checkOwner({ sessionId: ID, open: true, claudePid: 99, claudeConfigDir: config, isAlive: pid => (asked.push(pid), pid === 4242) })
  t.same(asked, [99, 4242])
  t.same(result, { open: true, pid: 4242, reason: 'Claude Code process 4242 lists the session in its sessions registry' })
})
