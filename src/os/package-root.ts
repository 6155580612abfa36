// The folder this package is installed in (where hooks/record-event.sh and dist/ live), found by
// walking up from this module: src/os/ from sources, dist/src/… when built.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from))
  for (;;) {
    if (existsSync(join(dir, 'hooks', 'record-event.sh')) && existsSync(join(dir, 'package.json'))) return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the package folder (hooks/record-event.sh)')
    dir = parent
  }
}
