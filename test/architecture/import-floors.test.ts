// The folders are floors: a file may import from its own folder or from a floor below it, never
// from above, so there is no circle between folders. The table is the one in docs/architecture.md;
// a new folder must be placed in both.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Lowest first. Folders on one floor may not import each other. */
export const FLOORS: readonly (readonly string[])[] = [
  ['state'],
  ['src/os'],
  ['src/home'],
  ['src/journal', 'src/limits'],
  ['src/usage'],
  ['src/config'],
  ['src/hook'],
  ['src/supervisor'],
  ['src/http', 'src/integrations', 'src/install'],
  ['src/app'],
  ['src/cli'],
  ['hooks'],
]

function floorOf(folder: string): number {
  const top = folder.startsWith('src/') ? folder.split('/').slice(0, 2).join('/') : folder.split('/')[0]!
  return FLOORS.findIndex(floor => floor.includes(top))
}

function topFolder(file: string): string {
  const parts = file.split('/')
  return parts[0] === 'src' ? `${parts[0]}/${parts[1]}` : parts[0]!
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map(entry => relative(root, join(entry.parentPath, entry.name)))
}

/** Relative import specifiers of a file, static and dynamic, types included. */
export function importsOf(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(match[1]!)
  return found
}

const files = ['state', 'src', 'hooks'].flatMap(sources)

t.test('every top folder has a floor', async t => {
  const unplaced = [...new Set(files.map(topFolder))].filter(folder => floorOf(folder) === -1)
  t.same(unplaced, [], 'folders missing from FLOORS')
})

t.test('no import goes up a floor or sideways', async t => {
  const wrong: string[] = []
  for (const file of files) {
    const from = topFolder(file)
    for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
      const target = relative(root, resolve(root, dirname(file), spec))
      const to = topFolder(target)
      if (to === from) continue
      if (floorOf(to) >= floorOf(from)) wrong.push(`${file} imports ${target} (${from} → ${to})`)
    }
  }
  t.same(wrong, [], 'imports against the floors')
  t.ok(files.length > 50, `${files.length} source files read`)
})

t.test('the parser of imports finds what it should', async t => {
  t.same(importsOf("import { a } from './a.js'\nimport type { B } from '../b/b.js'\nconst c = await import('../c.js')\nimport './side.js'\nimport x from 'node:fs'"), ['./a.js', '../b/b.js', '../c.js', './side.js'])
})
