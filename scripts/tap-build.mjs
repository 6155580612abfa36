// tap runs test files with a Test class it compiles from its plugins. A fresh `npm ci` holds the
// class built with tap's default plugins, not with package.json's list (which drops
// @tapjs/typescript: test/helpers/ts-loader.mjs loads TypeScript). The first `tap` run then
// rebuilds the class itself, but only after it has taken the test processes' loaders from the old
// one: every test file of that run also loads ts-node (about 0.6 s of CPU each). Building it here,
// before that run, when the two differ, spares the suite that; when they agree it costs nothing.
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TapConfig } from '@tapjs/config'
import { signature } from '@tapjs/test'

const config = await TapConfig.load()
if (config.pluginSignature !== signature.trim()) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  execFileSync(join(root, 'node_modules', '.bin', 'tap'), ['build'], { cwd: root, stdio: 'inherit' })
}
