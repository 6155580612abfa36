// The quarantine: bounded in files and bytes, one bad-lines file capped, prompts removed.
import t from 'tap'
import { readFileSync, readdirSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import {
  appendToQuarantine, keepInQuarantine, pruneQuarantine, PROMPT_FIELDS, QUARANTINE_FILE_MAX_BYTES, QUARANTINE_MAX_BYTES, QUARANTINE_MAX_FILES, withoutPrompts,
} from '../../src/journal/quarantine.js'

t.test('caps are pinned', async t => {
  t.equal(QUARANTINE_MAX_FILES, 500)
  t.equal(QUARANTINE_MAX_BYTES, 32 * 1024 * 1024)
  t.equal(QUARANTINE_FILE_MAX_BYTES, 1024 * 1024)
  t.same(PROMPT_FIELDS, ['prompt'])
})

t.test('withoutPrompts: parsed, or by pattern when cut or malformed', async t => {
  const header = 'ssr1 1 2 %3 \n'
  const parsed = withoutPrompts(header + JSON.stringify({ session_id: '../x', prompt: 'my secret plan', cwd: '/w' }))
  t.equal(parsed, header + JSON.stringify({ session_id: '../x', prompt: '[removed: 14 characters]', cwd: '/w' }))
  t.equal(withoutPrompts(header + '{"prompt": "my secret \\"quoted\\" plan", "cwd": "/w"'), header + '{"prompt":"[removed]", "cwd": "/w"')
  t.equal(withoutPrompts(header + '{"session_id": "x", "prompt": "my secret plan, cut sho'), header + '{"session_id": "x", "prompt":"[removed]"')
  t.equal(withoutPrompts('no header, "prompt":"secret"'), 'no header, "prompt":"[removed]"')
  t.equal(withoutPrompts(header + '[1,2]'), header + '[1,2]', 'nothing to remove')
})

t.test('keepInQuarantine never overwrites; pruning keeps the newest within the caps', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  const first = keepInQuarantine(paths, 'a.event', 'one')
  const second = keepInQuarantine(paths, 'a.event', 'two')
  t.not(first, second)
  t.same(readdirSync(paths.quarantineDir).sort(), ['a.event', 'a.event.1'])
  for (let i = 0; i < QUARANTINE_MAX_FILES + 10; i++) {
    const file = join(paths.quarantineDir, `old-${String(i).padStart(4, '0')}`)
    writeFileSync(file, 'x')
    utimesSync(file, 1_000_000 + i, 1_000_000 + i)
  }
  keepInQuarantine(paths, 'newest.event', 'new')
  const names = readdirSync(paths.quarantineDir)
  t.equal(names.length, QUARANTINE_MAX_FILES)
  t.ok(names.includes('newest.event'))
  t.notOk(names.includes('old-0000'), 'the oldest went first')
  t.equal(pruneQuarantine(paths), 0, 'nothing more to remove')
})

t.test('a bad-lines file stops growing at QUARANTINE_FILE_MAX_BYTES', async t => {
  const paths = homePaths(join(t.testdir(), 'home'))
  mkdirSync(paths.quarantineDir, { recursive: true })
  const line = 'y'.repeat(100 * 1024) + '\n'
  const kept = Array.from({ length: 12 }, () => appendToQuarantine(paths, 's.bad-lines.jsonl', line))
  t.same(kept, [...Array(10).fill(true), false, false])
  t.equal(readFileSync(join(paths.quarantineDir, 's.bad-lines.jsonl'), 'utf8').length, 10 * line.length)
})
