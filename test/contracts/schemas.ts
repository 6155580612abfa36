// The published schemas (schemas/*.schema.json), compiled with ajv (draft 2020-12, formats
// checked), and a walk that compares a schema's properties with the keys of a record.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { repoRoot } from '../helpers/hook-process.js'

// ajv-formats is CommonJS with a default export: ESM sees the module object or the function.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020

export const SCHEMA_FILES = {
  journalLine: 'journal-line.schema.json',
  sessionState: 'session-state.schema.json',
  currentSession: 'current-session.schema.json',
  resumeSchedule: 'resume-schedule.schema.json',
  usage: 'usage.schema.json',
} as const
export type SchemaName = keyof typeof SCHEMA_FILES

export type JsonSchema = {
  $id?: string
  $ref?: string
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  anyOf?: JsonSchema[]
  $defs?: Record<string, JsonSchema>
  enum?: unknown[]
  const?: unknown
  required?: string[]
  [key: string]: unknown
}

export function readSchema(name: SchemaName): JsonSchema {
  return JSON.parse(readFileSync(join(repoRoot, 'schemas', SCHEMA_FILES[name]), 'utf8')) as JsonSchema
}

export function allSchemas(): Record<SchemaName, JsonSchema> {
  return Object.fromEntries(Object.keys(SCHEMA_FILES).map(name => [name, readSchema(name as SchemaName)])) as Record<SchemaName, JsonSchema>
}

/**
 * Every schema added to one ajv (they refer to each other by `$id`), strict, formats checked.
 * strictRequired is off because current_session.json's `then` requires fields that its parent
 * defines, which plain draft 2020-12 allows.
 */
export function compileSchemas(): Record<SchemaName, ValidateFunction> {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true })
  addFormats(ajv)
  const schemas = allSchemas()
  for (const schema of Object.values(schemas)) ajv.addSchema(schema)
  return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv.getSchema(schema.$id!)!])) as Record<SchemaName, ValidateFunction>
}

/** ajv's errors as short lines, for a failing assertion's message. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ')
}

/** Follows `$ref`s (within a schema or to another by `$id`) and picks the object branch of an anyOf. */
function resolve(node: JsonSchema, root: JsonSchema, all: JsonSchema[]): { node: JsonSchema; root: JsonSchema } {
  for (let depth = 0; node.$ref && depth < 10; depth++) {
    const [id, pointer = ''] = node.$ref.split('#')
    const target = id ? all.find(s => s.$id === id) : root
    if (!target) throw new Error(`unresolved $ref ${node.$ref}`)
    root = target
    node = pointer.split('/').filter(Boolean).reduce<JsonSchema>((at, key) => (at as Record<string, JsonSchema>)[key]!, target)
  }
  const objectBranch = node.anyOf?.find(branch => branch.properties || branch.$ref)
  return objectBranch ? resolve(objectBranch, root, all) : { node, root }
}

/**
 * Where a record's keys and a schema's properties differ, walking nested objects and the first
 * item of arrays: `+path` is a key the record has and the schema lacks, `-path` the reverse. A
 * schema node without `properties` (an opaque value such as the machine snapshot) is not entered.
 */
export function keyDrift(record: unknown, schema: JsonSchema, all: JsonSchema[], path = '', root: JsonSchema = schema): string[] {
  const { node, root: at } = resolve(schema, root, all)
  if (Array.isArray(record)) return record.length > 0 && node.items ? keyDrift(record[0], node.items, all, `${path.replace(/\.$/, '')}[].`, at) : []
  if (record === null || typeof record !== 'object' || !node.properties) return []
  const properties = node.properties
  const keys = Object.keys(record)
  const drift = [
    ...keys.filter(k => !(k in properties)).map(k => `+${path}${k}`),
    ...Object.keys(properties).filter(k => !keys.includes(k)).map(k => `-${path}${k}`),
  ]
  for (const key of keys) {
    if (key in properties) drift.push(...keyDrift((record as Record<string, unknown>)[key], properties[key]!, all, `${path}${key}.`, at))
  }
  return drift
}
