// Request bodies over real sockets: the JSON content type, whether a body is announced, the size limit, a client that leaves.
import t from 'tap'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError } from '../../src/http/respond.js'
import { checkJsonContentType, ClientGoneError, hasBody, MAX_BODY_BYTES, parseJsonBody, readBody } from '../../src/http/read-body.js'
import { helperServer, rawRequest } from '../helpers/raw-http.js'
import { waitFor } from '../helpers/wait-for.js'

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() }
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, message: error.message }
    throw error
  }
}

/** A server that answers each request with what `decide` made of it, and also hands that to the test. */
async function server(t: { teardown(fn: () => void | Promise<void>): void }, decide: (req: IncomingMessage) => unknown | Promise<unknown>) {
  const seen: unknown[] = []
  const port = await helperServer(t, async (req: IncomingMessage, res: ServerResponse) => {
    const result = await decide(req)
    seen.push(result)
    res.end(JSON.stringify(result))
  })
  const ask = async (head: string[], body = '') => {
    const res = await rawRequest(port, ['POST /x HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close', ...head], body)
    return JSON.parse(res.body) as unknown
  }
  return { ask, seen }
}

const SEND_JSON = 'send application/json'
const accepted = { value: 'accepted' }
const contentTypes: [string[], unknown][] = [
  [['Content-Type: application/json'], accepted],
  [['Content-Type: Application/JSON; charset=UTF-8'], accepted],
  [['Content-Type: application/json; charset="utf-8"'], accepted],
  [['Content-Type: application/json; boundary=x'], accepted],
  [[], { status: 415, message: `Content-Type is missing; ${SEND_JSON}` }],
  [['Content-Type:   '], { status: 415, message: `Content-Type is missing; ${SEND_JSON}` }],
  [['Content-Type: text/plain; charset=utf-8'], { status: 415, message: `Content-Type "text/plain" is not accepted; ${SEND_JSON}` }],
  [['Content-Type: application/jsonp'], { status: 415, message: `Content-Type "application/jsonp" is not accepted; ${SEND_JSON}` }],
  [['Content-Type: application/json; charset=latin1'], { status: 415, message: 'charset "latin1" is not accepted; send utf-8' }],
]

t.test('checkJsonContentType: application/json, utf-8 if a charset is named', async t => {
  const { ask } = await server(t, req => outcome(() => (checkJsonContentType(req), 'accepted')))
  for (const [head, expected] of contentTypes) t.same(await ask(head), expected, head[0] ?? '(none)')
})

t.test('hasBody: a non-zero Content-Length or a transfer encoding', async t => {
  const { ask } = await server(t, req => hasBody(req))
  const cases: [string[], string, boolean][] = [
    [[], '', false],
    [['Content-Length: 0'], '', false],
    [['Content-Length: 2'], '{}', true],
    [['Transfer-Encoding: chunked'], '0\r\n\r\n', true],
  ]
  for (const [head, body, announced] of cases) t.equal(await ask(head, body), announced, head[0] ?? '(none)')
})

const chunked = (...parts: string[]) => parts.map(p => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n'
const LIMIT = 2048
const tooLarge = { status: 413, message: 'the request body is larger than 2 KiB' }

t.test('readBody: the whole body, or 413 past the limit', async t => {
  t.equal(MAX_BODY_BYTES, 64 * 1024)
  const { ask } = await server(t, req => readBody(req, LIMIT).then(body => ({ value: body.toString('utf8') }), error => outcome(() => { throw error })))
  const cases: [string, string[], string, unknown][] = [
    ['with a length', ['Content-Length: 14'], '{"a":"héllo"}', { value: '{"a":"héllo"}' }],
    ['chunked', ['Transfer-Encoding: chunked'], chunked('{"a":', '1}'), { value: '{"a":1}' }],
    ['exactly the limit', [`Content-Length: ${LIMIT}`], 'x'.repeat(LIMIT), { value: 'x'.repeat(LIMIT) }],
    ['a declared length past the limit: refused before reading', [`Content-Length: ${LIMIT + 1}`], '', tooLarge],
    ['chunked past the limit: cut as it passes', ['Transfer-Encoding: chunked'], chunked('x'.repeat(1500), 'x'.repeat(1500)), tooLarge],
    ['no body', [], '', { value: '' }],
  ]
  for (const [name, head, body, expected] of cases) t.same(await ask(head, body), expected, name)
})

t.test('readBody: a client that leaves mid-body is ClientGoneError, not a hang', async t => {
  const { ask, seen } = await server(t, req => readBody(req).then(() => 'read', error => (error instanceof ClientGoneError ? error.message : 'other')))
  await ask(['Content-Length: 100'], 'only ten b').catch(() => null)
  await waitFor(() => seen.length > 0, { timeoutMs: 30_000, what: 'the server to give up on the body' })
  t.same(seen, ['client closed the connection before the request body was complete'])
})

t.test('parseJsonBody: any JSON value in UTF-8, 400 with the reason otherwise', async t => {
  const bodies: [string, Buffer, unknown][] = [
    ['an object', Buffer.from('{"a":1}'), { value: { a: 1 } }],
    ['an array', Buffer.from('[1,"é"]'), { value: [1, 'é'] }],
    ['a byte-order mark is dropped', Buffer.from('\ufeff{"a":1}'), { value: { a: 1 } }],
    ['empty', Buffer.alloc(0), { status: 400, message: 'the request body is empty; send a JSON object' }],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), { status: 400, message: 'the request body is not valid UTF-8' }],
  ]
  for (const [name, body, expected] of bodies) t.same(outcome(() => parseJsonBody(body)), expected, name)
  t.match(outcome(() => parseJsonBody(Buffer.from('{bad'))), { status: 400, message: /^the request body is not valid JSON \(.+\)$/ }, 'not JSON')
})
