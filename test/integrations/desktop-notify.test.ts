// Desktop notifications: the AppleScript escaping (pure), the command per platform, and real runs
// of fake `notify-send` / `osascript` scripts found through PATH, which record their argv.
import t from 'tap'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../../src/home/logger.js'
import { appleScriptString, DESKTOP_DEFAULTS, desktopCommand, DesktopNotifier } from '../../src/integrations/desktop-notify.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function memoryLog() {
  const lines: { level: string; msg: string }[] = []
  const at = (level: string) => (msg: string) => void lines.push({ level, msg })
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return { log, lines }
}

/** Reads an AppleScript string literal back (the escapes AppleScript knows: \\ \" \n \t \r). */
function readAppleScriptString(literal: string): string {
  if (!literal.startsWith('"') || !literal.endsWith('"') || literal.length < 2) throw new Error(`not a literal: ${literal}`)
  let out = ''
  for (let i = 1; i < literal.length - 1; i++) {
    const ch = literal[i]!
    if (ch === '"') throw new Error(`unescaped quote at ${i} in ${literal}`)
    if (ch !== '\\') {
      out += ch
      continue
    }
    const next = literal[++i]
    if (next === undefined || i === literal.length - 1) throw new Error(`dangling backslash in ${literal}`)
    out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next
  }
  return out
}

t.test('appleScriptString escapes backslashes and quotes, and reads back to the same text', async t => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\path\\n', '"C:\\\\path\\\\n"'],
    ['ends with \\', '"ends with \\\\"'],
    ['\\"', '"\\\\\\""'],
    ['" & do shell script "touch /tmp/pwned" & "', '"\\" & do shell script \\"touch /tmp/pwned\\" & \\""'],
    ['école · 15:00 ✓', '"école · 15:00 ✓"'],
    ["it's", '"it\'s"'],
    ['two\nlines', '"two\nlines"'],
  ]
  for (const [text, literal] of cases) {
    t.equal(appleScriptString(text), literal, JSON.stringify(text))
    t.equal(readAppleScriptString(appleScriptString(text)), text, `round trip ${JSON.stringify(text)}`)
  }
})

t.test('the command per platform: an argument array, no shell', async t => {
  const n = { title: 'Claude Code session limited', body: '-shop "x": resets 15:00 UTC' }
  t.same(desktopCommand('linux', n), { file: 'notify-send', args: ['--app-name=smart-session-retry', '--', n.title, n.body] })
  t.same(desktopCommand('darwin', n), {
    file: 'osascript',
    args: ['-e', 'display notification "-shop \\"x\\": resets 15:00 UTC" with title "Claude Code session limited"'],
  })
  t.equal(desktopCommand('win32', n), null)
  t.same(DESKTOP_DEFAULTS, { timeoutMs: 10_000, maxInFlight: 4, appName: 'smart-session-retry' })
})

/** A folder holding one executable that records its argv (NUL-separated, one call per line). */
function fakeBin(t: Test, name: string, extra = '') {
  const dir = t.testdir({})
  const script = join(dir, name)
  writeFileSync(script, `#!/bin/sh\n{ printf '%s\\0' "$@"; printf '\\n'; } >> "\${0%/*}/argv.bin"\n${extra}`)
  chmodSync(script, 0o755)
  const calls = () => {
    const file = join(dir, 'argv.bin')
    if (!existsSync(file)) return []
    return readFileSync(file, 'utf8')
      .split('\0\n')
      .filter(Boolean)
      .map(call => call.split('\0'))
  }
  return { dir, calls }
}

t.test('Linux: notify-send from PATH gets the title and body', async t => {
  const bin = fakeBin(t, 'notify-send')
  const { log, lines } = memoryLog()
  const desktop = new DesktopNotifier({ log, env: { PATH: bin.dir }, platform: 'linux' })
  desktop.show({ title: 'Claude Code session limited', body: 'shop (3f2a9c1e): 5-hour limit, resets 15:00 UTC.' })
  desktop.show({ title: 'Claude Code session needs you', body: '-dash "quoted" $HOME `x`' })
  await desktop.idle()
  t.same(
    bin.calls().sort((a, b) => a[2]!.localeCompare(b[2]!)),
    [
      ['--app-name=smart-session-retry', '--', 'Claude Code session limited', 'shop (3f2a9c1e): 5-hour limit, resets 15:00 UTC.'],
      ['--app-name=smart-session-retry', '--', 'Claude Code session needs you', '-dash "quoted" $HOME `x`'],
    ],
    'argv arrives intact: no shell ever saw it',
  )
  t.match(desktop.health(), { command: 'notify-send', shown: 2, failed: 0, lastError: null })
  t.same(lines, [])
})

t.test('macOS: osascript from PATH gets one escaped AppleScript line', async t => {
  const bin = fakeBin(t, 'osascript')
  const desktop = new DesktopNotifier({ log: memoryLog().log, env: { PATH: bin.dir }, platform: 'darwin' })
  desktop.show({ title: 'Say "hi"', body: 'back\\slash' })
  await desktop.idle()
  t.same(bin.calls(), [['-e', 'display notification "back\\\\slash" with title "Say \\"hi\\""']])
  t.match(desktop.health(), { command: 'osascript', shown: 1 })
})

t.test('no notify-send on PATH: one log line, no crash', async t => {
  const empty = t.testdir({})
  const { log, lines } = memoryLog()
  const desktop = new DesktopNotifier({ log, env: { PATH: empty }, platform: 'linux' })
  for (let i = 0; i < 3; i++) desktop.show({ title: 't', body: 'b' })
  await desktop.idle()
  desktop.show({ title: 't', body: 'b' })
  await desktop.idle()
  t.same(lines, [{ level: 'warn', msg: 'notify-send not found on PATH; desktop notifications are skipped (install it, or drop desktop from SESSION_RETRY_NOTIFY)' }])
  t.match(desktop.health(), { shown: 0, failed: 4, lastError: 'notify-send not found on PATH' })
})

t.test('a failing notify-send: one warning, then debug lines', async t => {
  const bin = fakeBin(t, 'notify-send', 'echo "cannot connect to the session bus" >&2\nexit 1\n')
  const { log, lines } = memoryLog()
  const desktop = new DesktopNotifier({ log, env: { PATH: bin.dir }, platform: 'linux' })
  desktop.show({ title: 't', body: 'b' })
  await desktop.idle()
  desktop.show({ title: 't', body: 'b' })
  await desktop.idle()
  t.equal(lines.filter(l => l.level === 'warn').length, 1)
  t.equal(lines.filter(l => l.level === 'debug').length, 1)
  t.match(desktop.health(), { failed: 2, lastError: /^notify-send: Command failed/ })
})

t.test('an unsupported platform: skipped, said once', async t => {
  const { log, lines } = memoryLog()
  const desktop = new DesktopNotifier({ log, platform: 'win32' })
  desktop.show({ title: 't', body: 'b' })
  desktop.show({ title: 't', body: 'b' })
  await desktop.idle()
  t.same(lines, [{ level: 'warn', msg: 'desktop notifications are not supported on win32; skipped' }])
  t.match(desktop.health(), { command: null, skipped: 2 })
})

t.test('at most maxInFlight commands run at once; the rest are skipped', async t => {
  const bin = fakeBin(t, 'notify-send', 'sleep 0.3\n')
  const { log } = memoryLog()
  const desktop = new DesktopNotifier({ log, env: { PATH: `${bin.dir}:/bin:/usr/bin` }, platform: 'linux', maxInFlight: 1 })
  desktop.show({ title: 'first', body: 'b' })
  desktop.show({ title: 'second', body: 'b' })
  await desktop.idle()
  t.same(bin.calls().map(c => c[2]), ['first'])
  t.match(desktop.health(), { shown: 1, skipped: 1 })
})

t.test('a hung command is killed after timeoutMs', async t => {
  const bin = fakeBin(t, 'notify-send', 'exec sleep 5\n')
  const desktop = new DesktopNotifier({ log: memoryLog().log, env: { PATH: `${bin.dir}:/bin:/usr/bin` }, platform: 'linux', timeoutMs: 100 })
  const started = Date.now()
  desktop.show({ title: 't', body: 'b' })
  await desktop.idle()
  t.ok(Date.now() - started < 3000)
  t.match(desktop.health(), { failed: 1 })
})
