// The supervisor's log: JSON lines, never a throw, never through a link, capped at LOG_MAX_BYTES.
import t from 'tap'
import { lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths, LOG_MAX_BYTES } from '../../src/home/home-paths.js'
import { createFileLogger } from '../../src/home/logger.js'

t.test('the cap is pinned', async t => {
  t.equal(LOG_MAX_BYTES, 8 * 1024 * 1024)
})

t.test('JSON lines at or above the level; the folder is created', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  const log = createFileLogger(paths.supervisorLog, 'info', () => Date.parse('2026-11-25T12:00:00Z'))
  log.debug('hidden')
  log.info('shown', { n: 1 })
  const lines = readFileSync(paths.supervisorLog, 'utf8').trim().split('\n').map(l => JSON.parse(l))
  t.same(lines, [{ ts: '2026-11-25T12:00:00.000Z', level: 'info', msg: 'shown', n: 1 }])
  t.equal(statSync(paths.supervisorLog).mode & 0o777, 0o600)
})

t.test('a log past LOG_MAX_BYTES is renamed to .1: two generations at most', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  const log = createFileLogger(paths.supervisorLog, 'info')
  const big = 'x'.repeat(1024 * 1024)
  for (let i = 0; i < 20; i++) log.info(big, { i })
  t.same(readdirSync(paths.logsDir).sort(), ['session-retry.log', 'session-retry.log.1'])
  t.ok(statSync(paths.supervisorLog).size <= LOG_MAX_BYTES)
  t.ok(statSync(`${paths.supervisorLog}.1`).size <= LOG_MAX_BYTES)
  const last = readFileSync(paths.supervisorLog, 'utf8').trim().split('\n').at(-1)!
  t.equal(JSON.parse(last).i, 19, 'the newest line is kept')
})

t.test('a log that is a link, or a clock gone wrong, never makes it throw or write outside', async t => {
  const dir = t.testdir({ target: 'precious\n' })
  const paths = homePaths(join(dir, 'home'))
  mkdirSync(paths.logsDir, { recursive: true })
  symlinkSync(join(dir, 'target'), paths.supervisorLog)
  const log = createFileLogger(paths.supervisorLog, 'debug', () => 1e300)
  t.doesNotThrow(() => log.error('through a link?'))
  t.equal(readFileSync(join(dir, 'target'), 'utf8'), 'precious\n')
  t.ok(lstatSync(paths.supervisorLog).isSymbolicLink())
  writeFileSync(join(dir, 'plain'), '')
  const broken = createFileLogger(join(dir, 'plain', 'logs', 'x.log'), 'info')
  t.doesNotThrow(() => broken.info('a folder that cannot exist'))
})
