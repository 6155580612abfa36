// Which file a command name runs, as a shell would find it on PATH: the first executable file.
import t from 'tap'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { delimiter, join, relative } from 'node:path'
import { resolveBin } from '../../src/install/resolve-bin.js'

t.test('the first executable file on PATH, or null', async t => {
  const dir = t.testdir({ a: {}, b: {}, c: {} })
  const a = join(dir, 'a')
  const b = join(dir, 'b')
  const c = join(dir, 'c')
  writeFileSync(join(a, 'claude'), '#!/bin/sh\n') // not executable: passed by
  mkdirSync(join(b, 'claude')) // a folder is not a command, though it is "executable"
  writeFileSync(join(c, 'claude'), '#!/bin/sh\n')
  chmodSync(join(c, 'claude'), 0o755)
  writeFileSync(join(b, 'other'), '#!/bin/sh\n')
  chmodSync(join(b, 'other'), 0o755)
  const cases: [bin: string, path: string, found: string | null][] = [
    ['claude', [a, b, c].join(delimiter), join(c, 'claude')],
    ['claude', ['', a, '', c, ''].join(delimiter), join(c, 'claude')],
    ['other', [a, b, c].join(delimiter), join(b, 'other')],
    ['claude', [a, b].join(delimiter), null],
    ['claude', '', null],
    [join(c, 'claude'), '', join(c, 'claude')],
    [join(a, 'claude'), [c].join(delimiter), null], // a path is taken as it is, never searched for
    [relative(process.cwd(), join(c, 'claude')), a, relative(process.cwd(), join(c, 'claude'))], // with a slash: from the working folder
  ]
  for (const [bin, path, found] of cases) t.equal(resolveBin(bin, path), found, `${bin} on ${path}`)
})
