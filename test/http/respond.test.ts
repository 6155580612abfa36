// Every answer is uncached JSON (or text) with an exact length; a request body left unread closes the connection.
import t from 'tap'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BASE_HEADERS, HttpError, JSON_CONTENT_TYPE, rawJsonResponse, sendBody, sendError, sendJson, sendText, shown } from '../../src/http/respond.js'
import { helperServer, rawRequest, type RawResponse } from '../helpers/raw-http.js'

t.test('the shared headers are pinned', async t => {
  t.equal(JSON_CONTENT_TYPE, 'application/json; charset=utf-8')
  t.same(BASE_HEADERS, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  t.same(Object.entries(new HttpError(409, 'taken')), [['status', 409], ['headers', {}]], 'an HttpError carries a status and headers')
  t.equal(new HttpError(409, 'taken').message, 'taken')
})

type Send = (req: IncomingMessage, res: ServerResponse) => void
const cases: [string, Send, Partial<RawResponse> & { headers: Record<string, string> }][] = [
  ['sendJson', (req, res) => sendJson(req, res, 200, { ok: true, name: 'é' }), { status: 200, body: '{"ok":true,"name":"é"}\n', headers: { 'content-type': JSON_CONTENT_TYPE, 'content-length': '24', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } }],
  ['sendJson with extra headers', (req, res) => sendJson(req, res, 201, [1], { Location: '/x' }), { status: 201, body: '[1]\n', headers: { location: '/x', 'content-length': '4' } }],
  ['sendError', (req, res) => sendError(req, res, 404, 'no session "x"'), { status: 404, body: '{"error":"no session \\"x\\""}\n', headers: { 'content-type': JSON_CONTENT_TYPE } }],
  ['sendError with a challenge', (req, res) => sendError(req, res, 401, 'token', { 'WWW-Authenticate': 'Bearer' }), { status: 401, headers: { 'www-authenticate': 'Bearer' } }],
  ['sendText with its own type', (req, res) => sendText(req, res, 200, 'a 1\n', { 'Content-Type': 'text/plain; version=0.0.4' }), { status: 200, body: 'a 1\n', headers: { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' } }],
  ['a caller cannot set a wrong length', (req, res) => sendBody(req, res, 200, Buffer.from('abc'), { 'Content-Length': '99' }), { status: 200, body: 'abc', headers: { 'content-length': '3' } }],
  ['a caller may set its own caching', (req, res) => sendText(req, res, 200, 'x', { 'Cache-Control': 'max-age=60' }), { status: 200, headers: { 'cache-control': 'max-age=60' } }],
]

t.test('what each sender puts on the wire', async t => {
  let send: Send = () => {}
  const port = await helperServer(t, (req, res) => send(req, res))
  for (const [name, sender, expected] of cases) {
    send = sender
    const got = await rawRequest(port, ['GET / HTTP/1.1', 'Host: 127.0.0.1'])
    t.has(got, expected, name)
  }
})

const bodiless = ['GET / HTTP/1.1', 'Host: 127.0.0.1']
const halfSent = ['POST / HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 100']

t.test('a kept-alive connection stays open unless a request body is left unread', async t => {
  const port = await helperServer(t, async (req, res) => {
    await new Promise(resolve => setImmediate(resolve))
    sendError(req, res, 413, 'too large')
  })
  t.equal((await rawRequest(port, bodiless, '', { end: false })).headers.connection, 'keep-alive', 'no body: kept alive')
  const unread = await rawRequest(port, halfSent, '{"half":', { end: false })
  t.equal(unread.status, 413)
  t.equal(unread.headers.connection, 'close', 'an unread body: closed')
})

// Node sets req.complete only after the request event returns: a route that answered at once
// (GET /sessions) closed every kept-alive connection.
t.test('a request with no body answered at once is kept alive too', async t => {
  const port = await helperServer(t, (req, res) => sendJson(req, res, 200, {}))
  t.equal((await rawRequest(port, bodiless, '', { end: false })).headers.connection, 'keep-alive')
})

t.test('rawJsonResponse: a whole response for a socket with no request', async t => {
  const responses: [number, string, string][] = [
    [400, 'bad request line', 'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: 29\r\n\r\n{"error":"bad request line"}\n'],
    [431, 'ünïcode', 'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: 22\r\n\r\n{"error":"ünïcode"}\n'],
    [599, 'x', 'HTTP/1.1 599 Error\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: 14\r\n\r\n{"error":"x"}\n'],
  ]
  for (const [status, message, text] of responses) t.equal(rawJsonResponse(status, message), text, `${status}`)
})

t.test('shown: a caller-supplied value quoted, escaped and cut', async t => {
  const values: [string, number | undefined, string][] = [
    ['evil.example', undefined, '"evil.example"'],
    ['a"b\nc', undefined, '"a\\"b\\nc"'],
    ['x'.repeat(80), undefined, `"${'x'.repeat(80)}"`],
    ['x'.repeat(81), undefined, `"${'x'.repeat(80)}…"`],
    ['abcd', 3, '"abc…"'],
    ['', undefined, '""'],
  ]
  for (const [value, max, text] of values) t.equal(shown(value, max), text, text)
})
