// A test folder for tests that start processes (supervisors, hooks that autostart one).
// tap removes a t.testdir() folder before it runs the test's teardowns, so a supervisor stopped in
// a teardown is still running, and writing, while its home is removed: the removal fails
// (ENOTEMPTY), tap skips the remaining teardowns, and the process is left running. This folder is
// removed by a teardown registered before any other, so (teardowns run last-registered first) it
// goes after every process the test stopped in its own teardowns.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Fixture = { [name: string]: string | Fixture }

interface TeardownTarget {
  teardown(fn: () => void | Promise<void>): void
}

export function processDir(t: TeardownTarget, fixture: Fixture = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssr-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }))
  write(dir, fixture)
  return dir
}

function write(dir: string, fixture: Fixture): void {
  for (const [name, value] of Object.entries(fixture)) {
    const path = join(dir, name)
    if (typeof value === 'string') writeFileSync(path, value)
    else {
      mkdirSync(path)
      write(path, value)
    }
  }
}
