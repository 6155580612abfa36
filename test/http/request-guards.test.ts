// Who may talk to the API, over real sockets: loopback Host and Origin, the header count, the bearer token.
import t from 'tap'
import type { IncomingMessage } from 'node:http'
import { HttpError } from '../../src/http/respond.js'
import { checkBearer, checkLoopback, isLoopbackHost, MAX_REQUEST_HEADERS, tokenMatches } from '../../src/http/request-guards.js'
import { helperServer, rawRequest } from '../helpers/raw-http.js'

const TOKEN = 'k3y-0f-the-h0me'

/** Runs a guard on the request and answers what it decided as JSON (200 either way). */
function answer(guard: (req: IncomingMessage) => void) {
  return (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    let outcome: object = { ok: true }
    try {
      guard(req)
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      outcome = { status: error.status, message: error.message, headers: error.headers }
    }
    res.end(JSON.stringify(outcome))
  }
}

async function decide(port: number, headers: string[]): Promise<unknown> {
  const res = await rawRequest(port, ['GET /x HTTP/1.1', ...headers, 'Connection: close'])
  return JSON.parse(res.body)
}

const ok = { ok: true }
const refused = (status: number, message: string) => ({ status, message, headers: {} })
const NAMES = 'only 127.0.0.1, localhost and [::1] are accepted'
const extra = (n: number) => Array.from({ length: n }, (_, i) => `X-Filler-${i}: ${i}`)

const loopback: [string, string[], unknown][] = [
  ['127.0.0.1 with a port', ['Host: 127.0.0.1:7777'], ok],
  ['localhost, any case', ['Host: LocalHost'], ok],
  ['[::1] with a port', ['Host: [::1]:80'], ok],
  ['no Host', [], refused(403, `the Host header is missing; ${NAMES}`)],
  ['an empty Host', ['Host: '], refused(403, `the Host header is missing; ${NAMES}`)],
  ['a DNS-rebinding name', ['Host: evil.example:7777'], refused(403, `Host "evil.example:7777" is not a loopback name; ${NAMES}`)],
  ['a name that starts like loopback', ['Host: 127.0.0.1.evil.example'], refused(403, `Host "127.0.0.1.evil.example" is not a loopback name; ${NAMES}`)],
  ['a port of six digits', ['Host: localhost:123456'], refused(403, `Host "localhost:123456" is not a loopback name; ${NAMES}`)],
  ['a long Host is cut in the message', [`Host: ${'a'.repeat(100)}`], refused(403, `Host "${'a'.repeat(80)}…" is not a loopback name; ${NAMES}`)],
  ['a loopback Origin', ['Host: 127.0.0.1:7777', 'Origin: http://127.0.0.1:7777'], ok],
  ['an https localhost Origin', ['Host: localhost', 'Origin: https://localhost'], ok],
  ['a cross-site Origin', ['Host: 127.0.0.1', 'Origin: https://evil.example'], refused(403, 'Origin "https://evil.example" is not allowed; the API does not serve web pages')],
  ['Origin null (a sandboxed page)', ['Host: 127.0.0.1', 'Origin: null'], refused(403, 'Origin "null" is not allowed; the API does not serve web pages')],
  ['an Origin that starts like loopback', ['Host: 127.0.0.1', 'Origin: http://localhost.evil.example'], refused(403, 'Origin "http://localhost.evil.example" is not allowed; the API does not serve web pages')],
  [`${MAX_REQUEST_HEADERS} headers`, ['Host: 127.0.0.1', ...extra(MAX_REQUEST_HEADERS - 2)], ok],
  [`${MAX_REQUEST_HEADERS + 1} headers`, ['Host: 127.0.0.1', ...extra(MAX_REQUEST_HEADERS - 1)], refused(431, `the request has more than ${MAX_REQUEST_HEADERS} headers`)],
  ['a hostile Origin after 80 headers is not dropped unseen', ['Host: 127.0.0.1', ...extra(80), 'Origin: https://evil.example'], refused(431, `the request has more than ${MAX_REQUEST_HEADERS} headers`)],
]

t.test('checkLoopback: Host and Origin name the loopback interface', async t => {
  t.equal(MAX_REQUEST_HEADERS, 64)
  const port = await helperServer(t, answer(checkLoopback))
  // Connection: close is one of the headers counted.
  for (const [name, headers, expected] of loopback) t.same(await decide(port, headers), expected, name)
})

const challenge = { 'WWW-Authenticate': 'Bearer realm="session-retry"' }
const bearer: [string, string[], unknown][] = [
  ['the token', [`Authorization: Bearer ${TOKEN}`], ok],
  ['any case, extra spaces', [`Authorization: bearer   ${TOKEN}  `], ok],
  ['no Authorization', [], { status: 401, message: 'this request needs Authorization: Bearer <token> (the token is in the api-token file in the home folder)', headers: challenge }],
  ['another scheme', ['Authorization: Basic dXNlcjpwYXNz'], { status: 401, message: 'the Authorization header must be "Bearer <token>"', headers: challenge }],
  ['Bearer and nothing', ['Authorization: Bearer'], { status: 401, message: 'the Authorization header must be "Bearer <token>"', headers: challenge }],
  ['two words after Bearer', [`Authorization: Bearer ${TOKEN} more`], { status: 401, message: 'the Authorization header must be "Bearer <token>"', headers: challenge }],
  ['another token', ['Authorization: Bearer not-the-token'], refused(403, 'the bearer token is not the one in the api-token file')],
  ['the token and one more character', [`Authorization: Bearer ${TOKEN}x`], refused(403, 'the bearer token is not the one in the api-token file')],
]

t.test('checkBearer: 401 without a bearer token, 403 with another one', async t => {
  const port = await helperServer(t, answer(req => checkBearer(req, TOKEN)))
  for (const [name, headers, expected] of bearer) t.same(await decide(port, ['Host: 127.0.0.1', ...headers]), expected, name)
})

t.test('tokenMatches and isLoopbackHost', async t => {
  const tokens: [string, string, boolean][] = [
    [TOKEN, TOKEN, true],
    [TOKEN.toUpperCase(), TOKEN, false],
    ['short', TOKEN, false],
    ['é', 'e', false],
    ['é', 'é', true],
  ]
  for (const [given, expected, same] of tokens) t.equal(tokenMatches(given, expected), same, `${given} vs ${expected}`)
  const hosts: [string | undefined, boolean][] = [['127.0.0.1', true], ['localhost:1', true], ['[::1]', true], ['::1', false], ['127.0.0.2', false], [undefined, false]]
  for (const [host, loop] of hosts) t.equal(isLoopbackHost(host), loop, String(host))
})
