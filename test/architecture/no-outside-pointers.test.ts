// The repository explains itself: no comment, doc or string points at a document that is not in
// it (the design notes, the Claude Code facts, the style guide or library notes a contributor once
// had), and every link into docs/ lands on a file that exists and, with an #anchor, on one of its
// headings. What Claude Code does is in docs/claude-code.md; the file formats in
// docs/journal-and-state.md.
import t from 'tap'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const self = relative(root, fileURLToPath(import.meta.url))

const SCANNED = ['src', 'state', 'hooks', 'scripts', 'test', 'bench', 'docs', 'commands', 'README.md']

/** References to documents outside the repository, as they were written before docs/ existed. */
export const OUTSIDE_POINTERS: readonly RegExp[] = [
  /facts §/,
  /facts,? sections?\b/,
  /DESIGN/,
  /STYLE #/,
  /STYLE\.md/,
  /library.notes/,
  /claude-code-facts/,
  /shared\//,
]

/** A mention of a page in docs/, with an optional #anchor. */
const DOCS_MENTION = /(?<![\w./-])docs\/([\w.-]+\.md)(?:#([\w-]+))?/g
/** A relative Markdown link target: [text](target). */
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g

function filesUnder(path: string): string[] {
  const full = join(root, path)
  if (!existsSync(full)) return []
  if (statSync(full).isFile()) return [path]
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(root, join(entry.parentPath, entry.name)))
}

function textOf(file: string): string | null {
  const bytes = readFileSync(join(root, file))
  return bytes.includes(0) ? null : bytes.toString('utf8')
}

const files = SCANNED.flatMap(filesUnder).filter(file => file !== self)

export function pointersIn(text: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = []
  text.split('\n').forEach((line, index) => {
    if (OUTSIDE_POINTERS.some(pattern => pattern.test(line))) found.push({ line: index + 1, text: line.trim().slice(0, 160) })
  })
  return found
}

/** GitHub's heading anchor: lower case, punctuation dropped (not `-` or `_`), each space a hyphen. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
  return text.replace(/[^\p{L}\p{M}\p{N} _-]/gu, '').replace(/ /g, '-')
}

/** The anchors of a Markdown page: its headings outside fenced code, repeats numbered as GitHub does. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const slug = githubSlug(heading[1]!)
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** Why a link to `target` (a path from the repository root, maybe with #anchor) does not resolve, or null. */
function brokenLink(target: string): string | null {
  const [path, anchor] = target.split('#') as [string, string | undefined]
  const full = join(root, path)
  if (!existsSync(full)) return 'no such file'
  if (anchor === undefined || anchor === '') return null
  if (!path.endsWith('.md')) return null
  return anchorsOf(readFileSync(full, 'utf8')).has(anchor) ? null : `no heading with anchor #${anchor}`
}

/** Every docs/ mention in any file, and every relative Markdown link in a Markdown file. */
export function linksIn(file: string, text: string): string[] {
  const targets: string[] = []
  for (const match of text.matchAll(DOCS_MENTION)) targets.push(`docs/${match[1]}${match[2] ? `#${match[2]}` : ''}`)
  if (file.endsWith('.md')) {
    for (const match of text.matchAll(MARKDOWN_LINK)) {
      const target = match[1]!
      if (/^[a-z]+:/i.test(target)) continue
      targets.push(target.startsWith('#') ? `${file}${target}` : relative(root, join(root, dirname(file), target)).replace(/\\/g, '/'))
    }
  }
  return targets
}

t.test('the scan sees the tree', async t => {
  t.ok(files.length > 100, `${files.length} files scanned`)
  for (const expected of ['docs/claude-code.md', 'docs/journal-and-state.md', 'src/journal/event-record.ts', 'hooks/record-event.sh', 'README.md']) {
    t.ok(files.includes(expected), `${expected} is scanned`)
  }
  t.notOk(files.includes(self), 'this file is not')
})

t.test('the patterns catch every kind of outside pointer, and nothing else', async t => {
  const pointers = [
    '// the tail (facts §3)',
    '// (facts, section 8; measured)',
    '// (facts sections 4 and 5)',
    '// the public contract (DESIGN: "Session state")',
    '// (DESIGN.md)',
    '// an expected failure is a value (STYLE #12)',
    'see STYLE.md',
    '// drop claims (library notes, section 2)',
    '// see library-notes.md',
    '// /work/shared/claude-code-facts.md',
    'see claude-code-facts.md',
  ]
  for (const line of pointers) t.equal(pointersIn(line).length, 1, line)
  const fine = [
    '// the tail (docs/claude-code.md#transcript-limit-rows)',
    '// the design of the machine',
    '// facts the payload lacks',
    '// a shared quota',
  ]
  for (const line of fine) t.same(pointersIn(line), [], line)
})

t.test('anchors follow GitHub’s rules', async t => {
  t.equal(githubSlug('Older CLIs without StopFailure'), 'older-clis-without-stopfailure')
  t.equal(githubSlug('Background sessions (`claude --bg`)'), 'background-sessions-claude---bg')
  t.equal(githubSlug('Safety: what it will never do'), 'safety-what-it-will-never-do')
  t.equal(githubSlug('The journal format (schema 1)'), 'the-journal-format-schema-1')
  t.equal(githubSlug('current_session.json'), 'current_sessionjson')
  t.equal(githubSlug('Where is…'), 'where-is')
  const anchors = anchorsOf('# Title\n## Notes\n```sh\n# not a heading\n```\n## Notes\n### Why *this*?\n')
  t.same([...anchors], ['title', 'notes', 'notes-1', 'why-this'])
})

t.test('no file points at a document outside the repository', async t => {
  const found: string[] = []
  for (const file of files) {
    const text = textOf(file)
    if (text === null) continue
    for (const hit of pointersIn(text)) found.push(`${file}:${hit.line}: ${hit.text}`)
  }
  t.same(found, [], 'point at docs/ instead, or say the reason in the comment itself')
})

t.test('every link into docs/ and between Markdown pages resolves', async t => {
  const broken: string[] = []
  let checked = 0
  for (const file of files) {
    const text = textOf(file)
    if (text === null) continue
    for (const target of linksIn(file, text)) {
      checked++
      const why = brokenLink(target)
      if (why) broken.push(`${file}: ${target}: ${why}`)
    }
  }
  t.ok(checked > 50, `${checked} links checked`)
  t.same(broken, [])
})

t.test('a wrong link is caught', async t => {
  t.same(linksIn('src/x.ts', '// see docs/claude-code.md#no-such-heading and docs/nope.md'), ['docs/claude-code.md#no-such-heading', 'docs/nope.md'])
  t.equal(brokenLink('docs/claude-code.md#no-such-heading'), 'no heading with anchor #no-such-heading')
  t.equal(brokenLink('docs/nope.md'), 'no such file')
  t.equal(brokenLink('docs/claude-code.md#hook-timing'), null)
  t.same(linksIn('docs/a.md', 'see [b](b.md#x), [top](#y), [web](https://example.com/z.md)'), ['docs/b.md#x', 'docs/a.md#y'])
})
