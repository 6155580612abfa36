// Reading and comparing Claude Code versions, and asking a real program for its version.
import t from 'tap'
import { fileURLToPath } from 'node:url'
import { atLeast, claudeVersion, compareVersions, parseClaudeVersion } from '../../src/os/claude-version.js'

const CLAUDE = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url))

t.test('parseClaudeVersion: the first x.y.z in the text', async t => {
  const texts: [string, string | null][] = [
    ['2.1.331 (Claude Code)\n', '2.1.331'],
    ['claude 1.0.128', '1.0.128'],
    ['v2.1.77-beta.3', '2.1.77'],
    ['2.1 (Claude Code)', null],
    ['', null],
    ['command not found', null],
  ]
  for (const [text, version] of texts) t.equal(parseClaudeVersion(text), version, JSON.stringify(text))
})

t.test('compareVersions: numeric by part, missing parts are 0', async t => {
  const pairs: [string, string, '<' | '=' | '>'][] = [
    ['2.1.331', '2.1.77', '>'],
    ['2.1.77', '2.1.331', '<'],
    ['2.1.77', '2.1.77', '='],
    ['10.0.0', '9.9.9', '>'],
    ['2.1', '2.1.0', '='],
    ['2.0.999', '2.1.0', '<'],
  ]
  const sign = (n: number) => (n < 0 ? '<' : n > 0 ? '>' : '=')
  for (const [a, b, order] of pairs) t.equal(sign(compareVersions(a, b)), order, `${a} ${order} ${b}`)
})

t.test('atLeast: the version is known and not older', async t => {
  const cases: [string | null, string, boolean][] = [
    ['2.1.331', '2.1.77', true],
    ['2.1.77', '2.1.77', true],
    ['2.1.76', '2.1.77', false],
    [null, '0.0.0', false],
  ]
  for (const [version, since, ok] of cases) t.equal(atLeast(version, since), ok, `${version} since ${since}`)
})

t.test('claudeVersion runs the program with --version after its args', async t => {
  const runs: [string, string, string[], string | null][] = [
    ['the real Claude Code CLI', CLAUDE, [], '2.1.331'],
    ['a program that prints a version before the flag', '/bin/echo', ['9.8.7 (Claude Code)'], '9.8.7'],
    ['a program that prints no version', '/bin/echo', ['hello'], null],
    ['a program that fails', '/bin/sh', ['-c', 'echo 1.2.3; exit 3', 'sh'], null],
    ['a program that does not exist', '/nonexistent/claude', [], null],
  ]
  for (const [name, bin, args, version] of runs) t.equal(await claudeVersion(bin, args), version, name)
})
