// The hook as a real process: stage 1 (sh) then stage 2 (the built Node bundle), hostile input included.
import t from 'tap'
import type { Test } from 'tap'
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hookScript, journalLines, runHook, treeSnapshot, waitForSpoolDrained } from '../helpers/hook-process.js'
import { startSupervisor } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'
import { OFF_WORDS } from '../../src/config/hook-switches.js'

const SESSION = '0a38aaaa-1111-2222-3333-444455556666'

function payload(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: SESSION,
    transcript_path: '/home/u/.claude/projects/-home-u-app/x.jsonl',
    cwd: '/home/u/app',
    hook_event_name: 'Stop',
    last_assistant_message: 'Hello',
    ...extra,
  })
}

async function recordOne(home: string, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const run = await runHook(payload(extra), { SESSION_RETRY_HOME: home, ...env })
  await waitForSpoolDrained(home)
  return run
}

t.test('a normal event becomes one journal line with what the supervisor needs', async t => {
  const home = join(processDir(t), 'home')
  const run = await runHook(
    payload({ hook_event_name: 'StopFailure', error: 'rate_limit', last_assistant_message: "You've hit your 5-hour limit · resets 4:01am (UTC)", prompt_id: 'p1', agent_id: 'a1' }),
    { SESSION_RETRY_HOME: home, TMUX_PANE: '%7' },
  )
  t.equal(run.code, 0)
  t.equal(run.stdout, '', 'never prints on stdout')
  t.equal(run.stderr, '')
  const line = await waitFor(() => journalLines(home, SESSION)[0], { what: 'journal line' })
  const record = JSON.parse(line)
  t.match(record, {
    v: 1,
    event: 'StopFailure',
    sessionId: SESSION,
    origin: 'hook',
    cwd: '/home/u/app',
    transcriptPath: '/home/u/.claude/projects/-home-u-app/x.jsonl',
    error: 'rate_limit',
    agentId: 'a1',
    lastAssistantMessage: "You've hit your 5-hour limit · resets 4:01am (UTC)",
    tmuxPane: '%7',
  })
  t.match(record.id, /^[0-9a-f-]{36}$/)
  t.ok(Math.abs(Date.parse(record.ts) - Date.now()) < 60_000, 'ts is the time of the event')
  t.type(record.claudePid, 'number', 'records the Claude Code process id')
})

// Claude Code runs hooks with /bin/sh, which is bash on macOS: bash does not negate a failed
// redirection (`if ! { …; } >file`), which once made stage 1 drop the event that creates the folders.
t.test('with bash as sh (macOS), the first event in a new home creates the folders and is journaled', { skip: !existsSync('/bin/bash') && 'no /bin/bash here' }, async t => {
  const dir = processDir(t, { bin: {} })
  symlinkSync('/bin/bash', join(dir, 'bin', 'sh'))
  const PATH = `${join(dir, 'bin')}:${process.env.PATH}`
  for (const copy of ['cat', 'builtin']) {
    const home = join(dir, `home-${copy}`)
    const run = await runHook(payload(), { SESSION_RETRY_HOME: home, PATH, ssr_copy: copy === 'builtin' ? 'builtin' : undefined })
    t.equal(run.code, 0, copy)
    t.equal(run.stderr, '', copy)
    t.equal(await waitFor(() => journalLines(home, SESSION).length || undefined, { what: `the journal line (${copy})` }), 1, copy)
  }
})

t.test('folders are 0700 and files 0600', async t => {
  const home = join(processDir(t), 'home')
  await recordOne(home)
  for (const dir of [home, join(home, 'sessions'), join(home, 'sessions', 'events'), join(home, 'sessions', 'spool'), join(home, 'logs')]) {
    t.equal(statSync(dir).mode & 0o777, 0o700, dir)
  }
  t.equal(statSync(join(home, 'sessions', 'events', `${SESSION}.jsonl`)).mode & 0o777, 0o600)
})

t.test('prompts are never stored, only their length', async t => {
  const home = join(processDir(t), 'home')
  await recordOne(home, { hook_event_name: 'UserPromptSubmit', prompt: 'my secret plan' })
  const [line] = journalLines(home, SESSION)
  t.notMatch(line!, /secret/)
  t.equal(JSON.parse(line!).promptLength, 'my secret plan'.length)
})

t.test('SESSION_RETRY_ENABLED=false makes the hook a no-op', async t => {
  const dir = processDir(t)
  const home = join(dir, 'home')
  // The hook's own rule (src/config/hook-switches.ts), spelled again in its sh `case`.
  for (const value of [...OFF_WORDS, 'FALSE', 'Off', 'NO']) {
    const run = await runHook(payload(), { SESSION_RETRY_HOME: home, SESSION_RETRY_ENABLED: value })
    t.equal(run.code, 0)
    t.equal(run.stderr, '')
  }
  t.same(readdirSync(dir), [], 'nothing written')
  await recordOne(home, {}, { SESSION_RETRY_ENABLED: 'maybe' })
  t.equal(journalLines(home, SESSION).length, 1, 'an unclear value leaves the hook on')
})

t.test('a long message is kept whole up to the limit, cut to its tail beyond, in one intact line', async t => {
  const home = join(processDir(t), 'home')
  const long = 'x'.repeat(100_000) + ' resets 3pm'
  await recordOne(home, { last_assistant_message: long })
  const record = JSON.parse(journalLines(home, SESSION)[0]!)
  t.equal(record.lastAssistantMessage.length, 8192)
  t.ok(record.lastAssistantMessage.endsWith(' resets 3pm'))
  t.same(record.truncated, ['last_assistant_message'])
})

t.test('32 hooks at once on one session append 32 intact lines', async t => {
  const home = join(processDir(t), 'home')
  const runs = await Promise.all(
    Array.from({ length: 32 }, (_, i) => runHook(payload({ last_assistant_message: `message ${i} ` + 'y'.repeat(3000 + i * 50) }), { SESSION_RETRY_HOME: home })),
  )
  t.same(runs.map(r => r.code), Array(32).fill(0))
  await waitForSpoolDrained(home, 30_000)
  const lines = journalLines(home, SESSION)
  t.equal(lines.length, 32)
  const records = lines.map(l => JSON.parse(l))
  const seen = new Set(records.map(r => Number(/^message (\d+)/.exec(r.lastAssistantMessage)![1])))
  t.equal(seen.size, 32, 'every event once')
  t.equal(new Set(records.map(r => r.id)).size, 32, 'unique ids')
})

const hostile: [string, unknown][] = [
  ['path traversal', '../x'],
  ['absolute path', '/etc/passwd'],
  ['NUL bytes', 'abc\u0000def'],
  ['10 KB long', 'a'.repeat(10_240)],
  ['missing', undefined],
  ['not a string', 42],
]

for (const [name, id] of hostile) {
  t.test(`hostile session_id (${name}) is quarantined and writes nothing outside home`, async t => {
    const dir = processDir(t, { outside: { 'keep.txt': 'untouched' } })
    const home = join(dir, 'home')
    await recordOne(home)
    const before = treeSnapshot(join(dir, 'outside'))
    const run = await runHook(JSON.stringify({ session_id: id, hook_event_name: 'Stop', cwd: '/tmp' }), { SESSION_RETRY_HOME: home })
    t.equal(run.code, 0)
    t.equal(run.stdout, '')
    await waitForSpoolDrained(home)
    t.same(treeSnapshot(join(dir, 'outside')), before, 'nothing outside home changed')
    t.same(readdirSync(join(home, 'sessions', 'events')), [`${SESSION}.jsonl`], 'no journal for the bad id')
    t.equal(journalLines(home, SESSION).length, 1, 'earlier line kept')
    t.equal(readdirSync(join(home, 'sessions', 'quarantine')).length, 1, 'the event is quarantined')
    const log = await waitFor(() => {
      const lines = readFileSync(join(home, 'logs', 'hook.log'), 'utf8').split('\n').filter(Boolean)
      return lines.length > 0 && lines
    }, { what: 'hook.log line' })
    t.equal(log.length, 1, 'one clear line')
    t.match(log[0], /quarantined.*session_id/)
  })
}

t.test('malformed and oversized input is quarantined; earlier lines stay', async t => {
  const home = join(processDir(t), 'home')
  await recordOne(home)
  for (const input of ['{"session_id": "abc", "hook_event', 'not json at all', '[1,2,3]', '']) {
    const run = await runHook(input, { SESSION_RETRY_HOME: home })
    t.equal(run.code, 0)
    t.equal(run.stdout, '')
  }
  const big = Buffer.alloc(3 * 1024 * 1024, 'z')
  const run = await runHook(big, { SESSION_RETRY_HOME: home })
  t.equal(run.code, 0)
  await waitForSpoolDrained(home)
  t.equal(journalLines(home, SESSION).length, 1)
  const quarantined = readdirSync(join(home, 'sessions', 'quarantine'))
  t.equal(quarantined.length, 5)
  const sizes = quarantined.map(name => statSync(join(home, 'sessions', 'quarantine', name)).size)
  t.ok(Math.max(...sizes) <= 64 * 1024, 'only the head of an oversized event is kept')
  const log = await waitFor(() => {
    const text = readFileSync(join(home, 'logs', 'hook.log'), 'utf8')
    return text.trim().split('\n').length >= 5 && text
  }, { what: 'five hook.log lines' })
  // Its own stage 2 knows the whole spool file: the event and stage 1's one header line
  // (`ssr1 <pid> …`). A supervisor promoting it while the hook still writes sees a part.
  const size = /event is (at least )?(\d+) bytes \(at most 1048576\)/.exec(log)
  t.ok(size, 'the oversized event is named with its size')
  const bytes = Number(size?.[2])
  if (size) t.ok(size[1] ? bytes > 1048576 : bytes > big.length && bytes < big.length + 256, `${size[0]}: the size or a lower bound over the cap`)
  t.equal(log.trim().split('\n').length, 5, 'one line per bad event')
})

t.test('an unwritable home: exit 0 and one clear line on stderr', async t => {
  const dir = processDir(t, { 'a-file': 'not a folder' })
  const run = await runHook(payload(), { SESSION_RETRY_HOME: join(dir, 'a-file', 'home') })
  t.equal(run.code, 0)
  t.equal(run.stdout, '')
  t.match(run.stderr, /^session-retry: cannot create .*a-file\/home\/sessions\/spool; event not recorded\n$/)
  t.equal(readFileSync(join(dir, 'a-file'), 'utf8'), 'not a folder')
})

t.test('no HOME and no SESSION_RETRY_HOME: exit 0 and one clear line', async t => {
  const run = await runHook(payload(), { HOME: undefined, SESSION_RETRY_HOME: undefined })
  t.equal(run.code, 0)
  t.match(run.stderr, /^session-retry: neither SESSION_RETRY_HOME nor HOME is set; event not recorded\n$/)
})

t.test('a full disk: exit 0, one clear line, earlier lines intact', async t => {
  // Our own folder, not processDir(t): the mount must be gone before the folder is removed.
  const mount = mkdtempSync(join(tmpdir(), 'ssr-full-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount], { stdio: 'ignore' })
  } catch {
    t.skip('cannot mount a small tmpfs here (needs root): full-disk test not run', () => {})
    return
  }
  t.teardown(() => {
    // Lazy: a detached stage 2 may still hold hook.log open for a moment.
    execFileSync('umount', ['-l', mount])
    rmSync(mount, { recursive: true, force: true })
  })
  const home = join(mount, 'home')
  await recordOne(home)
  const filler = join(mount, 'filler')
  try {
    writeFileSync(filler, Buffer.alloc(1024 * 1024))
  } catch {
    // ENOSPC: the disk is now full, which is the point.
  }
  const run = await runHook(payload({ last_assistant_message: 'z'.repeat(50_000) }), { SESSION_RETRY_HOME: home })
  t.equal(run.code, 0)
  t.equal(run.stdout, '')
  t.match(run.stderr, /^session-retry: cannot write .*\.event \(disk full or read-only\?\); event not recorded\n$/)
  t.equal(journalLines(home, SESSION).length, 1, 'the earlier line is intact')
  t.same(readdirSync(join(home, 'sessions', 'spool')), [], 'no partial spool file left')
})

t.test('SessionStart starts a supervisor when none is alive (SESSION_RETRY_AUTOSTART)', async t => {
  const home = join(processDir(t), 'home')
  const env = { SESSION_RETRY_HOME: home, SESSION_RETRY_AUTOSTART: 'true', SESSION_RETRY_PORT: '0' }
  await runHook(payload({ hook_event_name: 'Stop' }), env)
  await waitForSpoolDrained(home)
  t.throws(() => readFileSync(join(home, 'supervisor.pid')), 'other events start nothing')
  await runHook(payload({ hook_event_name: 'SessionStart', source: 'startup' }), env)
  const pid = await waitFor(() => {
    try {
      const value = Number(readFileSync(join(home, 'supervisor.pid'), 'utf8').split(' ')[0])
      return value > 0 && value
    } catch {
      return undefined
    }
  }, { timeoutMs: 20_000, what: 'a supervisor pid file' })
  t.teardown(() => {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // already gone
    }
  })
  t.doesNotThrow(() => process.kill(pid, 0), 'the supervisor is alive')
  await runHook(payload({ hook_event_name: 'SessionStart', source: 'resume' }), env)
  await waitForSpoolDrained(home)
  t.equal(Number(readFileSync(join(home, 'supervisor.pid'), 'utf8').split(' ')[0]), pid, 'a second SessionStart keeps the running one')
  process.kill(pid, 'SIGTERM')
  await waitFor(() => {
    try {
      process.kill(pid, 0)
      return false
    } catch {
      return true
    }
  }, { what: 'the supervisor to stop' })
})

/** A `node` on PATH that only notes the spool id it was asked to complete, so a test sees every stage 2 started. */
function fakeNode(dir: string): { path: string; started: () => string[] } {
  const bin = join(dir, 'bin')
  const marks = join(dir, 'stage2-started')
  mkdirSync(bin, { recursive: true })
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --complete ] && echo "$2" >>'${marks}'; shift; done\n`, { mode: 0o755 })
  return {
    path: `${bin}:/usr/bin:/bin`,
    started: () => (existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean) : []),
  }
}

const spoolIds = (home: string) => readdirSync(join(home, 'sessions', 'spool')).map(name => name.replace(/\.event$/, ''))

t.test('with a supervisor alive, stage 1 starts no Node: the event waits in the spool for the supervisor', async t => {
  const dir = processDir(t)
  const home = join(dir, 'home')
  const node = fakeNode(dir)
  mkdirSync(home, { recursive: true })
  // This test process stands in for a live supervisor: its pid and start time, as a supervisor writes them.
  writeFileSync(join(home, 'supervisor.pid'), `${process.pid} ${ownStartTime()}\n`)
  t.equal((await runHook(payload(), { SESSION_RETRY_HOME: home, PATH: node.path })).code, 0)
  const [waiting] = spoolIds(home)
  t.ok(waiting, 'the event is in the spool')
  // Then no supervisor: the next hook starts stage 2 (for its own event), the first one never did.
  rmSync(join(home, 'supervisor.pid'))
  t.equal((await runHook(payload(), { SESSION_RETRY_HOME: home, PATH: node.path })).code, 0)
  const second = spoolIds(home).find(id => id !== waiting)!
  await waitFor(() => node.started().includes(second), { what: 'stage 2 for the second event' })
  t.same(node.started(), [second], 'stage 2 ran for the event written without a supervisor only')
})

/** A home whose pid file names this test process, so stage 1 sees a live supervisor and leaves its spool file alone. */
function homeWithLiveSupervisor(t: Test): string {
  const home = join(processDir(t), 'home')
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, 'supervisor.pid'), `${process.pid} ${ownStartTime()}\n`)
  return home
}

function spoolFiles(home: string): Buffer[] {
  const spool = join(home, 'sessions', 'spool')
  return readdirSync(spool).map(name => readFileSync(join(spool, name)))
}

/** The payload of a spool file: everything after its header line. */
function spooledPayload(file: Buffer): Buffer {
  return file.subarray(file.indexOf(0x0a) + 1)
}

// Every byte but NUL (JSON never carries one raw), blanks and backslashes where `read` would eat
// them, lines with and without an end, nothing at all, and more than a pipe buffer.
const awkwardInputs: [string, Buffer][] = [
  ['every byte value 1-255, twice, then a newline', Buffer.concat([Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1)), Buffer.from(Array.from({ length: 255 }, (_, i) => 255 - i)), Buffer.from('\n')])],
  ['blanks, tabs, CR and backslashes at both ends of lines', Buffer.from('  \t lead\\\\ \\n \\\n\r\n\n\n  trail \t  ')],
  ['JSON in UTF-8 without a final newline', Buffer.from(payload({ last_assistant_message: 'résumé · 5-hour limit — “quoted” € \\"x\\" \\u0000' }))],
  ['empty', Buffer.alloc(0)],
  ['a lone newline', Buffer.from('\n')],
  ['100 KB on one line', Buffer.from(payload({ last_assistant_message: 'z'.repeat(100_000) }))],
]

for (const copy of ['cat', 'builtin']) {
  t.test(`the spool file holds the payload byte for byte (copy by ${copy})`, async t => {
    const home = homeWithLiveSupervisor(t)
    for (const [name, input] of awkwardInputs) {
      const run = await runHook(input, { SESSION_RETRY_HOME: home, ssr_copy: copy === 'builtin' ? 'builtin' : undefined })
      t.equal(run.code, 0, name)
      t.equal(run.stderr, '', name)
      const files = spoolFiles(home)
      t.equal(files.length, 1, `${name}: one spool file`)
      t.ok(spooledPayload(files[0]!).equals(input), `${name}: exact`)
      rmSync(join(home, 'sessions', 'spool'), { recursive: true })
    }
  })

  t.test(`a SIGTERM to the hook's process group while it copies cuts nothing (copy by ${copy})`, async t => {
    const home = homeWithLiveSupervisor(t)
    const input = Buffer.from(payload({ hook_event_name: 'StopFailure', error: 'rate_limit', last_assistant_message: 'w'.repeat(20_000) }))
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, SESSION_RETRY_HOME: home, SESSION_RETRY_AUTOSTART: 'false', ...(copy === 'builtin' ? { ssr_copy: 'builtin' } : {}) }
    const hook = spawn('sh', ['-c', `trap '' TERM HUP INT; ssr_root='${join(hookScript, '..', '..')}'; . "$ssr_root/hooks/record-event.sh"`], { env, stdio: ['pipe', 'ignore', 'pipe'], detached: true })
    const exited = new Promise<number | null>(resolve => hook.on('exit', code => resolve(code)))
    hook.stdin.on('error', () => {}) // a hook killed mid-copy closes its stdin: the assertions below say so
    hook.stdin.write(input.subarray(0, 1000))
    // The spool file exists once the header is written: the copy has begun.
    await waitFor(() => existsSync(join(home, 'sessions', 'spool')) && readdirSync(join(home, 'sessions', 'spool')).length === 1, { what: 'the spool file' })
    for (let sent = 0; sent < 5; sent++) process.kill(-hook.pid!, 'SIGTERM')
    hook.stdin.end(input.subarray(1000))
    t.equal(await exited, 0)
    t.ok(spooledPayload(spoolFiles(home)[0]!).equals(input), 'the whole payload')
  })
}

t.test('the header names the parent, and the Claude Code process behind a wrapper shell', { skip: !existsSync('/proc/self/comm') && 'needs /proc' }, async t => {
  const home = homeWithLiveSupervisor(t)
  const header = async (args: string[]) => {
    const child = spawn('sh', args, { env: { PATH: process.env.PATH, SESSION_RETRY_HOME: home, TMUX_PANE: '%4' }, stdio: ['pipe', 'ignore', 'ignore'] })
    child.stdin.end(payload())
    const wrapper = child.pid!
    await new Promise(resolve => child.on('exit', resolve))
    const [file] = spoolFiles(home)
    rmSync(join(home, 'sessions', 'spool'), { recursive: true })
    return { wrapper, line: file!.subarray(0, file!.indexOf(0x0a)).toString() }
  }
  // Sourced by the shell this process started, as Claude Code runs it: this process is both.
  t.equal((await header(['-c', `. '${hookScript}'`])).line, `ssr1 ${process.pid} ${process.pid} %4 `)
  // Run by a shell that a shell started (`; :` keeps it from exec'ing): the parent is the wrapper.
  const wrapped = await header(['-c', `sh '${hookScript}'; :`])
  t.equal(wrapped.line, `ssr1 ${wrapped.wrapper} ${process.pid} %4 `)
})

/** Field 22 of /proc/self/stat: what the supervisor writes after its pid. */
function ownStartTime(): string {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!
}

t.test('a pid file naming a dead process, a zombie, a reused pid or junk does not stop stage 2', async t => {
  const dir = processDir(t)
  const home = join(dir, 'home')
  const node = fakeNode(dir)
  mkdirSync(home, { recursive: true })
  const dead = execFileSync('sh', ['-c', 'sh -c "echo \\$\\$" '], { encoding: 'utf8' }).trim()
  // `sleep 0` exits and its parent, now `sleep 30`, never reaps it: a zombie while the parent lives.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => parent.kill())
  const zombie = await new Promise<string>(resolve => parent.stdout.once('data', d => resolve(String(d).trim())))
  await waitFor(() => /\) Z/.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')), { what: 'a zombie' })
  // A live process whose start time is not the recorded one: the pid was given to another process.
  const reused = `${process.pid} ${Number(ownStartTime()) + 1}\n`
  const contents = [`${dead}\n`, `${zombie} -\n`, reused, 'not-a-pid\n', '\n', '-1\n']
  for (const content of contents) {
    writeFileSync(join(home, 'supervisor.pid'), content)
    await runHook(payload(), { SESSION_RETRY_HOME: home, PATH: node.path })
  }
  await waitFor(() => node.started().length === contents.length, { what: 'a stage 2 start per event' })
  t.same(node.started().sort(), spoolIds(home).sort(), 'one stage 2 per event')
})

t.test('a running supervisor promotes what stage 1 wrote, with the facts of its header', async t => {
  const home = join(processDir(t), 'home')
  // Registered after processDir: teardowns run last-registered first, so the supervisor stops
  // before its folder is removed.
  let stop = async () => {}
  t.teardown(() => stop())
  const supervisor = await startSupervisor({ PATH: process.env.PATH, HOME: process.env.HOME, SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' })
  stop = async () => void (await supervisor.stop())
  // No `node` on PATH: had stage 1 started stage 2, it could not have promoted anything.
  const run = await runHook(payload({ hook_event_name: 'SessionStart', source: 'startup' }), { SESSION_RETRY_HOME: home, TMUX_PANE: '%7', PATH: '/usr/bin:/bin' })
  t.equal(run.code, 0)
  const line = await waitFor(() => journalLines(home, SESSION)[0], { what: 'the line promoted by the supervisor', timeoutMs: 30_000 })
  const record = JSON.parse(line)
  t.match(record, { event: 'SessionStart', sessionId: SESSION, origin: 'hook', tmuxPane: '%7', cwd: '/home/u/app' })
  t.type(record.claudePid, 'number', 'the Claude Code pid from the header')
  t.ok(Math.abs(Date.parse(record.ts) - Date.now()) < 60_000, 'ts is the time of the event')
  await waitForSpoolDrained(home)
  t.notOk(existsSync(join(home, 'logs', 'hook.log')) && readFileSync(join(home, 'logs', 'hook.log'), 'utf8').trim(), 'stage 2 never ran')
})

t.test('a spool, events or logs folder that is a link: nothing is written through it', async t => {
  for (const linked of ['sessions/spool', 'sessions/events', 'logs']) {
    const dir = processDir(t, { outside: { 'keep.txt': 'untouched' } })
    const home = join(dir, 'home')
    mkdirSync(join(home, 'sessions'), { recursive: true, mode: 0o700 })
    mkdirSync(join(home, 'logs'), { recursive: true, mode: 0o700 })
    if (linked !== 'logs') mkdirSync(join(home, 'sessions', linked === 'sessions/spool' ? 'events' : 'spool'), { mode: 0o700 })
    rmSync(join(home, linked), { recursive: true, force: true })
    symlinkSync(join(dir, 'outside'), join(home, linked))
    const before = treeSnapshot(join(dir, 'outside'))
    const run = await runHook(payload({ hook_event_name: 'UserPromptSubmit', prompt: 'my secret plan' }), { SESSION_RETRY_HOME: home })
    t.equal(run.code, 0, linked)
    t.equal(run.stdout, '')
    if (linked === 'sessions/events') {
      // Stage 1 cannot see this one; stage 2 refuses it and says so in hook.log.
      const log = await waitFor(() => {
        try {
          return /events is a symbolic link/.test(readFileSync(join(home, 'logs', 'hook.log'), 'utf8'))
        } catch {
          return false
        }
      }, { what: 'hook.log line' })
      t.ok(log, 'hook.log names the link')
      t.match(readdirSync(join(home, 'sessions', 'spool')), [/\.try1\.event$/], 'the event waits in the spool, its failed try counted')
    } else {
      t.match(run.stderr, new RegExp(`^session-retry: refusing to write under ${home}: ${home}/${linked} is a symbolic link .*SESSION_RETRY_HOME.*; event not recorded\\n$`))
    }
    t.same(treeSnapshot(join(dir, 'outside')), before, `${linked}: nothing written through the link`)
  }
})

t.test('a home or spool folder of another user is refused by stage 1', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async t => {
  for (const foreign of ['', 'sessions/spool']) {
    const home = join(processDir(t), 'home')
    mkdirSync(join(home, 'sessions', 'spool'), { recursive: true, mode: 0o700 })
    chownSync(join(home, foreign), 65534, 65534)
    const run = await runHook(payload(), { SESSION_RETRY_HOME: home })
    t.equal(run.code, 0)
    t.match(run.stderr, /belongs to another user .*; event not recorded\n$/)
    t.same(readdirSync(join(home, 'sessions', 'spool')), [], 'nothing written')
  }
})

t.test('a home others can write to: stage 2 refuses it and says why in hook.log', async t => {
  const home = join(processDir(t), 'home')
  await recordOne(home)
  chmodSync(home, 0o777)
  const run = await runHook(payload({ last_assistant_message: 'second' }), { SESSION_RETRY_HOME: home })
  t.equal(run.code, 0)
  const log = await waitFor(() => {
    const text = readFileSync(join(home, 'logs', 'hook.log'), 'utf8')
    return text.includes('refusing') && text
  }, { what: 'hook.log line' })
  t.match(log, new RegExp(`refusing to use the home folder ${home}: .* is writable by its group and everyone \\(mode 0777\\).*SESSION_RETRY_HOME`))
  t.equal(journalLines(home, SESSION).length, 1, 'nothing more journaled')
})

t.test('a quarantined raw event keeps no prompt text', async t => {
  const home = join(processDir(t), 'home')
  for (const input of [
    JSON.stringify({ session_id: '../bad', hook_event_name: 'UserPromptSubmit', prompt: 'my secret plan', cwd: '/tmp' }),
    '{"session_id": "x", "hook_event_name": "UserPromptSubmit", "prompt": "my secret plan, cut sho',
  ]) {
    await runHook(input, { SESSION_RETRY_HOME: home, SESSION_RETRY_ENABLED: 'true' })
  }
  await waitFor(() => {
    try {
      return readdirSync(join(home, 'sessions', 'quarantine')).length === 2
    } catch {
      return false
    }
  }, { what: 'two quarantined events', timeoutMs: 30_000 })
  for (const name of readdirSync(join(home, 'sessions', 'quarantine'))) {
    const kept = readFileSync(join(home, 'sessions', 'quarantine', name), 'utf8')
    t.notMatch(kept, /secret/, name)
    t.match(kept, /"prompt":\s*"\[removed/, 'the field says it was removed')
  }
})

t.test('without setsid (macOS), stage 2 survives a SIGTERM to the hook\'s process group', async t => {
  const dir = processDir(t, { bin: {} })
  const home = join(dir, 'home')
  const bin = join(dir, 'bin')
  // A PATH with what stage 1 runs (sh, cat, mkdir, rm, node) and perl, and no setsid.
  for (const [name, target] of [['sh', '/bin/sh'], ['cat', '/bin/cat'], ['mkdir', '/bin/mkdir'], ['rm', '/bin/rm'], ['node', process.execPath], ['perl', '/usr/bin/perl']] as const) symlinkSync(target, join(bin, name))
  const hook = spawn('sh', [hookScript], { env: { PATH: bin, HOME: dir, SESSION_RETRY_HOME: home, SESSION_RETRY_AUTOSTART: 'false' }, stdio: ['pipe', 'ignore', 'ignore'], detached: true })
  const exited = new Promise(resolve => hook.on('exit', resolve))
  hook.stdin.end(payload())
  await exited
  // What Claude Code does a few milliseconds after starting a hook: SIGTERM to its process group.
  // Sent again and again for a second, so a stage 2 left in the group is hit after Node has
  // replaced the ignored SIGTERM it inherited with its default.
  for (let sent = 0; sent < 100; sent++) {
    try {
      process.kill(-hook.pid!, 'SIGTERM')
    } catch {
      break // nobody is left in the group
    }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  await waitForSpoolDrained(home)
  t.equal(journalLines(home, SESSION).length, 1, 'stage 2 ran to the end in a process group of its own')
})
