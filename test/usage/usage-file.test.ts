import t from 'tap'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  MAX_USAGE_FILE_BYTES, USAGE_SCHEMA_VERSION, WINDOW_WITHOUT_RESET_MS, currentWindows, parseUsageFile, usageFromStatusLine, writeUsageFile, type UsageFile,
} from '../../src/usage/usage-file.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')

t.test('constants are pinned', async t => {
  t.equal(MAX_USAGE_FILE_BYTES, 64 * 1024)
  t.equal(WINDOW_WITHOUT_RESET_MS, 5 * 3600_000)
  t.equal(USAGE_SCHEMA_VERSION, 1, 'changes on purpose only, with schemas/usage.schema.json')
})

t.test('usageFromStatusLine, table-driven', async t => {
  const limits = (five: unknown, seven: unknown) => ({ session_id: 'abc', rate_limits: { five_hour: five, seven_day: seven } })
  const cases: Array<[string, unknown, Partial<UsageFile> | null]> = [
    ['Claude Code 2.1.331 shape', limits({ used_percentage: 42, resets_at: 1795584744 }, { used_percentage: 10, resets_at: 1795667544 }), {
      schema: 1, source: 'statusline', updatedAt: '2026-11-25T12:00:00.000Z', sessionId: 'abc',
      fiveHour: { usedPercentage: 42, resetsAt: '2026-11-25T05:32:24.000Z' },
      sevenDay: { usedPercentage: 10, resetsAt: '2026-11-26T04:32:24.000Z' },
    }],
    ['resets_at in milliseconds', limits({ used_percentage: 1.5, resets_at: 1795584744000 }, null), {
      fiveHour: { usedPercentage: 1.5, resetsAt: '2026-11-25T05:32:24.000Z' }, sevenDay: null,
    }],
    ['no resets_at', limits(null, { used_percentage: 0 }), { fiveHour: null, sevenDay: { usedPercentage: 0, resetsAt: null } }],
    ['bad resets_at', limits({ used_percentage: 5, resets_at: 'soon' }, undefined), { fiveHour: { usedPercentage: 5, resetsAt: null } }],
    ['no rate_limits', { session_id: 'abc' }, null],
    ['neither window usable', limits({ used_percentage: NaN }, { used_percentage: 5000 }), null],
    ['not an object', 'x', null],
  ]
  for (const [name, input, want] of cases) {
    const got = usageFromStatusLine(input, NOW)
    if (want === null) t.equal(got, null, name)
    else t.match(got, want, name)
  }
  t.notOk('sessionId' in usageFromStatusLine({ session_id: '../etc', rate_limits: { five_hour: { used_percentage: 1 } } }, NOW)!,
    'a session id that is not strictly valid is left out')
})

t.test('parseUsageFile', async t => {
  const good: UsageFile = { schema: 1, source: 'statusline', updatedAt: '2026-11-25T12:00:00.000Z', fiveHour: { usedPercentage: 42, resetsAt: null }, sevenDay: null, sessionId: 'abc' }
  t.same(parseUsageFile(JSON.stringify(good)), { ok: true, usage: good })
  t.same(parseUsageFile(JSON.stringify({ ...good, sessionId: 5, sevenDay: undefined })), {
    ok: true, usage: { schema: 1, source: 'statusline', updatedAt: good.updatedAt, fiveHour: good.fiveHour, sevenDay: null },
  }, 'a bad sessionId is dropped, a missing window is null')
  const { schema: _none, ...written01 } = good
  t.same(parseUsageFile(JSON.stringify(written01)), { ok: true, usage: good }, 'a file of version 0.1 (no schema) is read as schema 1')
  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{', /not JSON/],
    ['array', '[]', /not an object/],
    ['wrong source', JSON.stringify({ ...good, source: 'x' }), /source/],
    ['a schema this version does not know', JSON.stringify({ ...good, schema: 2 }), /usage.json has schema 2; this version reads 1/],
    ['no updatedAt', JSON.stringify({ ...good, updatedAt: 'yesterday' }), /updatedAt/],
    ['window not an object', JSON.stringify({ ...good, fiveHour: 42 }), /malformed window/],
    ['percentage missing', JSON.stringify({ ...good, fiveHour: { resetsAt: null } }), /malformed window/],
    ['resetsAt not a date', JSON.stringify({ ...good, fiveHour: { usedPercentage: 1, resetsAt: 'soon' } }), /malformed window/],
  ]
  for (const [name, text, error] of bad) t.match(parseUsageFile(text), { ok: false, error }, name)
  t.match(parseUsageFile(JSON.stringify({ ...good, fiveHour: { usedPercentage: 1, resetsAt: '2026-11-25T13:00:00Z' } })), {
    ok: true, usage: { fiveHour: { resetsAt: '2026-11-25T13:00:00Z' } },
  })
})

t.test('currentWindows drops windows that have reset', async t => {
  const usage = (updatedAgo: number, five: string | null, seven: string | null): UsageFile => ({
    schema: 1, source: 'statusline', updatedAt: new Date(NOW - updatedAgo).toISOString(),
    fiveHour: { usedPercentage: 42, resetsAt: five }, sevenDay: { usedPercentage: 10, resetsAt: seven },
  })
  const later = '2026-11-25T13:00:00.000Z'
  const earlier = '2026-11-25T11:00:00.000Z'
  t.match(currentWindows(usage(0, later, later), NOW), { fiveHour: { usedPercentage: 42 }, sevenDay: { usedPercentage: 10 } })
  t.match(currentWindows(usage(0, earlier, later), NOW), { fiveHour: null, sevenDay: { usedPercentage: 10 } })
  t.equal(currentWindows(usage(0, earlier, earlier), NOW), null)
  t.match(currentWindows(usage(60_000, null, null), NOW), { fiveHour: { usedPercentage: 42 } }, 'no reset time: recent is kept')
  t.equal(currentWindows(usage(WINDOW_WITHOUT_RESET_MS + 1, null, null), NOW), null, 'no reset time: old is dropped')
  t.equal(currentWindows({ ...usage(0, later, later), fiveHour: null, sevenDay: null }, NOW), null)
})

t.test('writeUsageFile creates the home folder and replaces the file', async t => {
  const root = t.testdir()
  const path = join(root, 'deep', 'er', 'usage.json')
  const usage: UsageFile = { schema: 1, source: 'statusline', updatedAt: new Date(NOW).toISOString(), fiveHour: null, sevenDay: { usedPercentage: 1, resetsAt: null } }
  writeUsageFile(path, usage)
  t.same(JSON.parse(readFileSync(path, 'utf8')), usage)
  t.equal(statSync(path).mode & 0o777, 0o600)
  t.equal(statSync(join(root, 'deep')).mode & 0o777, 0o700)
  writeUsageFile(path, { ...usage, sevenDay: null })
  t.equal(JSON.parse(readFileSync(path, 'utf8')).sevenDay, null)
  t.same(readdirSync(join(root, 'deep', 'er')), ['usage.json'], 'no temp file left')
})
