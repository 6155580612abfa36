import t from 'tap'
import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../../src/home/home-paths.js'
import { ensureApiToken, newApiToken, TOKEN_BYTES } from '../../src/http/api-token.js'

t.test('created once, 32 random bytes base64url, mode 0600, in a 0700 home it creates', async t => {
  const home = join(t.testdir({}), 'new-home')
  const paths = homePaths(home)
  const token = await ensureApiToken(paths)
  t.equal(TOKEN_BYTES, 32)
  t.match(token, /^[A-Za-z0-9_-]{43}$/)
  t.equal(Buffer.from(token, 'base64url').length, 32)
  t.equal(readFileSync(paths.tokenFile, 'utf8'), token + '\n')
  t.equal(statSync(paths.tokenFile).mode & 0o777, 0o600)
  t.equal(statSync(home).mode & 0o777, 0o700)
  t.equal(await ensureApiToken(paths), token, 'the second start reads the same token')
  t.not(newApiToken(), newApiToken())
})

t.test('concurrent starters agree on one token', async t => {
  const paths = homePaths(t.testdir({}))
  const tokens = await Promise.all(Array.from({ length: 8 }, () => ensureApiToken(paths)))
  t.equal(new Set(tokens).size, 1)
})

t.test('a token file readable by others is narrowed to 0600', async t => {
  const paths = homePaths(t.testdir({}))
  const token = await ensureApiToken(paths)
  chmodSync(paths.tokenFile, 0o644)
  t.equal(await ensureApiToken(paths), token)
  t.equal(statSync(paths.tokenFile).mode & 0o777, 0o600)
})

t.test('an empty or garbage token file is replaced; a hand-made long token is kept', async t => {
  const paths = homePaths(t.testdir({}))
  for (const content of ['', '\n', 'short', 'has spaces in it and is long enough to pass the length', '🙂'.repeat(40)]) {
    writeFileSync(paths.tokenFile, content, { mode: 0o600 })
    const token = await ensureApiToken(paths)
    t.match(token, /^[A-Za-z0-9_-]{43}$/, `replaced ${JSON.stringify(content.slice(0, 10))}`)
    t.equal(readFileSync(paths.tokenFile, 'utf8').trim(), token)
  }
  const handMade = 'x'.repeat(64)
  writeFileSync(paths.tokenFile, handMade + '\n', { mode: 0o600 })
  t.equal(await ensureApiToken(paths), handMade)
})

t.test('a symlink or a folder in place of the token file is refused', async t => {
  // One testdir per test: a second call would replace the first.
  const dir = t.testdir({ elsewhere: 'y'.repeat(43), home: { 'api-token': {} }, linked: {} })
  await t.rejects(ensureApiToken(homePaths(join(dir, 'home'))), { message: /not a regular file/ })
  const paths = homePaths(join(dir, 'linked'))
  symlinkSync(join(dir, 'elsewhere'), paths.tokenFile)
  await t.rejects(ensureApiToken(paths), { message: /not a regular file/ })
  t.equal(readFileSync(join(dir, 'elsewhere'), 'utf8'), 'y'.repeat(43), 'the link target is untouched')
})
