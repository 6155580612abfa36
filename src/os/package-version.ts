// The version in package.json, found by walking up from this module: src/os/ when run from
// sources, dist/src/cli/ when built. Read on demand, never at import time.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_NAME = 'smart-session-retry'

export function packageVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from))
  for (;;) {
    const version = versionIn(join(dir, 'package.json'))
    if (version) return version
    const parent = dirname(dir)
    if (parent === dir) return 'unknown'
    dir = parent
  }
}

function versionIn(file: string): string | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const pkg = JSON.parse(text) as { name?: unknown; version?: unknown }
    return pkg.name === PACKAGE_NAME && typeof pkg.version === 'string' ? pkg.version : null
  } catch {
    return null
  }
}
