// state/ is pure: no files, processes, network, environment, clock or randomness.
// Time comes in as `now`/`at`, randomness as an argument, so the machine and the policy are tested
// without files or timers (docs/architecture.md#folders-lowest-first, floor 0).
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const stateDir = fileURLToPath(new URL('../../state/', import.meta.url))

/** Modules state/ must never import (a `node:` prefix and subpaths count too). */
const FORBIDDEN_MODULES = new Set([
  'fs',
  'child_process',
  'http',
  'https',
  'http2',
  'net',
  'dgram',
  'os',
  'worker_threads',
])

const FORBIDDEN_CODE: Array<[RegExp, string]> = [
  [/\bprocess\./, 'process.'],
  [/\bDate\.now\s*\(/, 'Date.now('],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() without argument'],
  [/\bnew\s+Date\b(?!\s*\()/, 'new Date without argument'],
  [/\bMath\.random\s*\(/, 'Math.random('],
  [/\bperformance\.now\s*\(/, 'performance.now('],
  [/\bset(?:Timeout|Interval|Immediate)\s*\(/, 'a timer outside the XState clock'],
  [/\brequire\s*\(/, 'require('],
]

const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\bexport\s+\*\s+from\s*)['"]([^'"]+)['"]/gm

/** Every violation in one source text, as "line N: what". */
export function violations(source: string): string[] {
  const found: string[] = []
  const lineOf = (index: number) => source.slice(0, index).split('\n').length
  for (const m of source.matchAll(SPECIFIER)) {
    const spec = m[1] ?? ''
    const root = spec.replace(/^node:/, '').split('/')[0] ?? ''
    if (FORBIDDEN_MODULES.has(root)) found.push(`line ${lineOf(m.index ?? 0)}: imports ${spec}`)
  }
  for (const [re, what] of FORBIDDEN_CODE) {
    const g = new RegExp(re.source, 'g')
    for (const m of source.matchAll(g)) found.push(`line ${lineOf(m.index ?? 0)}: ${what}`)
  }
  return found
}

t.test('the checker catches each forbidden thing', async t => {
  const bad: Array<[string, RegExp]> = [
    [`import { readFileSync } from 'node:fs'`, /imports node:fs/],
    [`import fs from "fs"`, /imports fs/],
    [`import { writeFile } from 'fs/promises'`, /imports fs\/promises/],
    [`import { spawn } from 'node:child_process'`, /imports node:child_process/],
    [`import { spawn } from 'child_process'`, /imports child_process/],
    [`import http from 'node:http'`, /imports node:http/],
    [`import { createServer } from 'http'`, /imports http/],
    [`import net from 'net'`, /imports net/],
    [`const m = await import('node:fs')`, /imports node:fs/],
    [`import 'node:net'`, /imports node:net/],
    [`export * from 'fs'`, /imports fs/],
    [`const home = process.env.HOME`, /process\./],
    [`const t = Date.now()`, /Date\.now\(/],
    [`const d = new Date()`, /new Date\(\) without argument/],
    [`const d = new Date`, /new Date without argument/],
    [`const r = Math.random()`, /Math\.random\(/],
    [`setTimeout(() => {}, 10)`, /timer/],
    [`const fs = require('fs')`, /require\(/],
  ]
  for (const [code, re] of bad) {
    const v = violations(code)
    t.ok(v.some(x => re.test(x)), `caught: ${code} -> ${v.join('; ')}`)
  }
  const good = [
    `import { setup } from 'xstate'`,
    `import { decideRetry } from './retry-policy.js'`,
    `const d = new Date(ms).toISOString()`,
    `// the Claude Code process that had it open`,
    `const netMs = 3; const fsPath = 'x'`,
  ]
  for (const code of good) t.strictSame(violations(code), [], `allowed: ${code}`)
})

t.test('state/*.ts is pure', async t => {
  const files = readdirSync(stateDir).filter(f => f.endsWith('.ts'))
  t.ok(files.length >= 3, `found ${files.join(', ')}`)
  for (const name of ['session-events.ts', 'session.machine.ts', 'retry-policy.ts']) {
    t.ok(files.includes(name), `${name} is checked`)
  }
  for (const f of files) {
    const source = readFileSync(join(stateDir, f), 'utf8')
    t.strictSame(violations(source), [], f)
  }
})
