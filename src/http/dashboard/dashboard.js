// @ts-check
// The dashboard's script, served as /dashboard.js under a CSP that allows only this origin's
// own script: no inline code, no string-to-HTML sinks (Trusted Types), so every value from a
// session (folders, result lines) reaches the page as text, never as markup.
//
// Data: /dashboard.json once and on every (re)connection; then /events (Server-Sent Events)
// sends each changed session with its transitions. While the stream is down the page polls
// /dashboard.json. The API token comes in the URL fragment (#token=…, put there by
// `session-retry dashboard`), is kept in this module's memory only, and is removed from the
// address bar and history at once.

const GROUPS = {
  waiting: { label: 'Waiting', hint: 'for a limit to reset, or for the open session to continue by itself', open: true },
  running: { label: 'Running', hint: 'working now, or being resumed', open: true },
  needsYou: { label: 'Needs you', hint: 'the supervisor will not go on without you', open: true },
  done: { label: 'Done', hint: 'ended or cancelled', open: false },
}
/** @typedef {keyof typeof GROUPS} Group */

const LIMIT_NAMES = /** @type {Record<string, string>} */ ({
  five_hour: '5-hour',
  weekly: 'weekly',
  weekly_opus: 'weekly Opus',
  weekly_sonnet: 'weekly Sonnet',
  extra_usage: 'extra usage',
  api_rate_limit: 'API rate',
  overloaded: 'overloaded',
  server_throttle: 'server throttle',
})

const PAGE_SIZE = 25
const TIMELINE_STEP = 40
/** While the event stream is down. */
const POLL_MS = 3_000
/** Health and usage while the stream is up (transitions do not carry them). */
const HEALTH_MS = 10_000
/** A stream the server refused (too many open) is tried again after this. */
const REOPEN_MS = 15_000

/**
 * @typedef {{
 *   sessionId: string, state: string, group: Group, cwd: string | null,
 *   limit: { kind: string, resetAt: string | null, source: string } | null,
 *   retryAt: string | null, retrySource: string | null, attempts: number, open: boolean,
 *   lastActivityAt: string | null, changedAt: string | null, reasons: string[] | undefined,
 *   needsUserReason: string | null, actions: { resume: boolean, cancel: boolean } | undefined,
 *   permissionMode?: string | null, lastRun?: unknown
 * }} Session
 * @typedef {{ sessionId: string, at: string, from: string, to: string, event: string, group: Group }} Transition
 */

const token = takeToken()
const model = {
  /** @type {Map<string, Session>} */
  sessions: new Map(),
  /** @type {Transition[]} */
  timeline: [],
  /** @type {Record<string, any> | null} */
  health: null,
  timelineWindowMs: 24 * 3_600_000,
  /** Server clock minus this page's clock. */
  clockOffset: 0,
}
const view = {
  filter: '',
  /** @type {Record<string, number>} */
  pages: { waiting: 0, running: 0, needsYou: 0, done: 0 },
  timelineShown: TIMELINE_STEP,
}
/** @type {Record<string, HTMLElement>} */
const groupLists = {}
/** @type {Record<string, HTMLElement>} */
const groupCounts = {}
/** @type {Record<string, HTMLElement>} */
const groupPagers = {}
/** @type {ReturnType<typeof setInterval> | null} */
let pollTimer = null
let renderQueued = false
let live = false

/** The token from `#token=…`, then gone from the address bar and the history entry. */
function takeToken() {
  const match = /^#token=([A-Za-z0-9_-]{32,512})$/.exec(location.hash)
  if (location.hash) history.replaceState(null, '', location.pathname + location.search)
  return match ? match[1] : null
}

/** @param {string} id */
function byId(id) {
  const found = document.getElementById(id)
  if (!found) throw new Error(`the page has no #${id}`)
  return found
}

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string | null} [text]
 */
function el(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined && text !== null) node.textContent = text
  return node
}

function now() {
  return Date.now() + model.clockOffset
}

// ------------------------------------------------------------------ formatting

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })

/** @param {string | null | undefined} iso */
function clock(iso) {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return '—'
  const sameDay = new Date(now()).toDateString() === date.toDateString()
  return (sameDay ? timeFormat : dayTimeFormat).format(date)
}

/** @param {number} ms */
function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000))
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (d > 0) return `${d}d ${h}h`
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`
}

/** "in 1:02:03", "due now", "3:10 ago": the text of a countdown element at this moment. @param {string} iso */
function untilText(iso) {
  const ms = Date.parse(iso) - now()
  if (Number.isNaN(ms)) return '—'
  if (ms > 0) return `in ${duration(ms)}`
  return ms > -5_000 ? 'due now' : `${duration(-ms)} ago`
}

/** @param {string} id */
function shortId(id) {
  return id.length > 12 ? id.slice(0, 8) : id
}

/** @param {string} kind */
function limitName(kind) {
  return LIMIT_NAMES[kind] ?? kind.replace(/_/g, ' ')
}

/** A countdown that tick() keeps moving. @param {string} iso */
function countdown(iso) {
  const node = el('time', 'countdown', untilText(iso))
  node.dataset.until = iso
  node.setAttribute('datetime', iso)
  node.title = new Date(iso).toLocaleString()
  return node
}

// ------------------------------------------------------------------ data

/** @param {string} path @param {RequestInit} [init] */
async function fetchJson(path, init) {
  const response = await fetch(path, { cache: 'no-store', ...init })
  const body = await response.json().catch(() => ({}))
  return { ok: response.ok, status: response.status, body }
}

async function loadAll() {
  try {
    const { ok, body } = await fetchJson('/dashboard.json')
    if (!ok) throw new Error(body.error ?? 'the supervisor refused')
    model.clockOffset = Date.parse(body.now) - Date.now() || 0
    model.sessions = new Map(body.sessions.map((/** @type {Session} */ s) => [s.sessionId, s]))
    model.timeline = body.timeline
    model.health = body.health
    model.timelineWindowMs = body.timelineWindowMs ?? model.timelineWindowMs
    if (!live) setConnection('polling', 'polling every few seconds: the live stream is not connected')
  } catch {
    setConnection('offline', 'the supervisor does not answer; retrying')
  }
  scheduleRender()
}

async function loadHealth() {
  try {
    const { ok, body } = await fetchJson('/health')
    if (ok) model.health = body
  } catch {
    // The stream's own error handling reports a dead supervisor.
  }
  scheduleRender()
}

/** @param {{ sessionId: string, transitions: Transition[], session: Session | null }} message */
function applySession(message) {
  if (message.session) model.sessions.set(message.sessionId, message.session)
  else model.sessions.delete(message.sessionId)
  model.timeline = [...[...message.transitions].reverse(), ...model.timeline]
  scheduleRender()
}

function connect() {
  const stream = new EventSource('/events')
  stream.addEventListener('open', () => {
    live = true
    stopPolling()
    setConnection('live', 'live: changes arrive as they happen')
    void loadAll()
  })
  stream.addEventListener('session', event => applySession(JSON.parse(/** @type {MessageEvent} */ (event).data)))
  stream.addEventListener('resync', () => void loadAll())
  stream.addEventListener('error', () => {
    live = false
    startPolling()
    // CLOSED: refused (e.g. too many streams); CONNECTING: EventSource retries by itself.
    if (stream.readyState === EventSource.CLOSED) {
      stream.close()
      setTimeout(connect, REOPEN_MS)
    }
  })
}

function startPolling() {
  if (pollTimer) return
  setConnection('polling', 'polling every few seconds: the live stream is not connected')
  pollTimer = setInterval(() => void loadAll(), POLL_MS)
  void loadAll()
}

function stopPolling() {
  if (pollTimer) clearInterval(pollTimer)
  pollTimer = null
}

/** @param {'live' | 'polling' | 'offline'} state @param {string} title */
function setConnection(state, title) {
  const node = byId('connection')
  node.dataset.state = state
  node.textContent = state
  node.title = title
}

// ------------------------------------------------------------------ actions

/** @param {string} sessionId @param {'resume' | 'cancel'} action @param {HTMLButtonElement} button */
async function act(sessionId, action, button) {
  if (!token) return
  button.disabled = true
  try {
    const { ok, status, body } = await fetchJson(`/sessions/${encodeURIComponent(sessionId)}/${action}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    })
    toast(ok ? `${action === 'resume' ? 'Resume' : 'Cancel'} requested for ${shortId(sessionId)}` : `Refused (${status}): ${body.error ?? 'no reason given'}`, !ok)
  } catch {
    toast('The supervisor does not answer', true)
  } finally {
    button.disabled = false
  }
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let toastTimer
/** @param {string} text @param {boolean} bad */
function toast(text, bad) {
  const node = byId('toast')
  node.textContent = text
  node.dataset.kind = bad ? 'bad' : 'ok'
  node.hidden = false
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => (node.hidden = true), 5_000)
}

// ------------------------------------------------------------------ rendering

function scheduleRender() {
  if (renderQueued) return
  renderQueued = true
  setTimeout(() => {
    renderQueued = false
    render()
  }, 30)
}

function render() {
  renderOverview()
  renderGroups()
  renderTimeline()
}

function renderOverview() {
  const health = model.health
  const status = byId('health-status')
  const reasons = byId('health-reasons')
  const facts = byId('health-facts')
  reasons.replaceChildren()
  facts.replaceChildren()
  if (!health) {
    status.textContent = '…'
    return
  }
  status.textContent = health.status === 'ok' ? 'OK' : String(health.status ?? 'unknown')
  status.dataset.status = String(health.status)
  for (const reason of Array.isArray(health.reasons) ? health.reasons : []) reasons.append(el('li', '', String(reason)))
  /** @type {[string, string][]} */
  const rows = [
    ['version', String(health.version ?? '—')],
    ['pid', String(health.pid ?? '—')],
    ['up', typeof health.uptime === 'number' ? duration(health.uptime * 1000) : '—'],
    ['resumes running', String(health.running ?? 0)],
    ['journal lag', `${health.journalLag ?? 0} session(s)`],
  ]
  if (health.lastError) rows.push(['last error', `${health.lastError}${health.lastErrorAt ? ` (${clock(health.lastErrorAt)})` : ''}`])
  for (const [name, value] of rows) facts.append(el('dt', '', name), el('dd', '', value))
  renderUsage(health.usage)
  renderNext()
}

/** @param {any} usage */
function renderUsage(usage) {
  const figure = byId('usage-figure')
  const fill = byId('usage-fill')
  const source = byId('usage-source')
  const used = usage && typeof usage.usedPercentage === 'number' ? usage.usedPercentage : null
  figure.textContent = used === null ? 'unknown' : `${Math.round(used)} %`
  // CSSOM, not a style attribute: allowed under style-src 'self'.
  fill.style.width = `${Math.min(100, Math.max(0, used ?? 0))}%`
  fill.dataset.level = used === null ? 'none' : used >= 90 ? 'high' : used >= 70 ? 'mid' : 'low'
  if (!usage) {
    source.textContent = 'no usage source reported'
    return
  }
  const from = usage.source === 'statusline' ? "Claude Code's status line (exact)" : usage.source === 'ccusage' ? 'ccusage (estimate)' : 'no source'
  const parts = [`from ${from}`]
  if (usage.stale) parts.push('stale')
  if (usage.resetsAt) parts.push(`resets ${clock(usage.resetsAt)}`)
  source.textContent = parts.join(' · ')
  source.title = String(usage.reason ?? '')
}

/** The soonest retry among the waiting sessions, from the same data as the list below. */
function renderNext() {
  const when = byId('next-when')
  const what = byId('next-what')
  when.replaceChildren()
  what.replaceChildren()
  /** @type {Session | null} */
  let next = null
  for (const s of model.sessions.values()) {
    if (s.group === 'waiting' && s.retryAt && (!next || s.retryAt < /** @type {string} */ (next.retryAt))) next = s
  }
  if (!next || !next.retryAt) {
    when.textContent = 'nothing scheduled'
    return
  }
  when.append(countdown(next.retryAt))
  what.textContent = `${shortId(next.sessionId)} at ${clock(next.retryAt)}${next.cwd ? ` · ${next.cwd}` : ''}`
}

function buildGroups() {
  const container = byId('groups')
  for (const [group, meta] of Object.entries(GROUPS)) {
    const section = /** @type {HTMLDetailsElement} */ (el('details', 'group'))
    section.open = meta.open
    section.dataset.group = group
    const summary = el('summary')
    const title = el('h2', '', meta.label)
    const count = el('span', 'count', '0')
    summary.append(title, count, el('span', 'hint', meta.hint))
    const list = el('div', 'sessions')
    const pager = el('nav', 'pager')
    pager.setAttribute('aria-label', `${meta.label}: pages`)
    section.append(summary, list, pager)
    container.append(section)
    groupLists[group] = list
    groupCounts[group] = count
    groupPagers[group] = pager
  }
  container.addEventListener('click', event => {
    const target = /** @type {HTMLElement} */ (event.target)
    const button = /** @type {HTMLButtonElement | null} */ (target.closest('button[data-action]'))
    if (button && button.dataset.session) void act(button.dataset.session, button.dataset.action === 'cancel' ? 'cancel' : 'resume', button)
    const page = /** @type {HTMLButtonElement | null} */ (target.closest('button[data-page]'))
    if (page && page.dataset.group) {
      view.pages[page.dataset.group] = Number(page.dataset.page)
      scheduleRender()
    }
  })
}

/** @param {Session} s */
function matchesFilter(s) {
  if (!view.filter) return true
  const text = `${s.sessionId} ${s.cwd ?? ''} ${s.state} ${s.limit?.kind ?? ''}`.toLowerCase()
  return view.filter
    .toLowerCase()
    .split(/\s+/)
    .every(word => text.includes(word))
}

/** Waiting: soonest retry first; the others: most recent change first. @param {Group} group */
function sorter(group) {
  if (group === 'waiting') return (/** @type {Session} */ a, /** @type {Session} */ b) => (a.retryAt ?? '9').localeCompare(b.retryAt ?? '9') || a.sessionId.localeCompare(b.sessionId)
  return (/** @type {Session} */ a, /** @type {Session} */ b) => (b.changedAt ?? '').localeCompare(a.changedAt ?? '') || a.sessionId.localeCompare(b.sessionId)
}

function renderGroups() {
  /** @type {Record<string, Session[]>} */
  const byGroup = { waiting: [], running: [], needsYou: [], done: [] }
  let shown = 0
  for (const s of model.sessions.values()) {
    if (!matchesFilter(s)) continue
    ;(byGroup[s.group] ?? byGroup.needsYou).push(s)
    shown++
  }
  byId('counts').textContent = `${shown} of ${model.sessions.size} session${model.sessions.size === 1 ? '' : 's'}`
  byId('read-only').hidden = token !== null
  for (const group of /** @type {Group[]} */ (Object.keys(GROUPS))) {
    const sessions = byGroup[group].sort(sorter(group))
    const pages = Math.max(1, Math.ceil(sessions.length / PAGE_SIZE))
    const page = Math.min(view.pages[group] ?? 0, pages - 1)
    view.pages[group] = page
    groupCounts[group].textContent = String(sessions.length)
    const rows = sessions.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map(sessionRow)
    if (rows.length === 0) rows.push(el('p', 'empty muted', view.filter ? 'none match the filter' : 'none'))
    groupLists[group].replaceChildren(...rows)
    renderPager(group, page, pages, sessions.length)
  }
}

/** @param {Group} group @param {number} page @param {number} pages @param {number} total */
function renderPager(group, page, pages, total) {
  const pager = groupPagers[group]
  pager.replaceChildren()
  if (pages <= 1) return
  /** @param {string} label @param {number} target @param {boolean} disabled */
  const button = (label, target, disabled) => {
    const b = /** @type {HTMLButtonElement} */ (el('button', 'page', label))
    b.type = 'button'
    b.dataset.group = group
    b.dataset.page = String(target)
    b.disabled = disabled
    return b
  }
  const first = page * PAGE_SIZE + 1
  const last = Math.min(total, (page + 1) * PAGE_SIZE)
  pager.append(button('‹ Previous', page - 1, page === 0), el('span', 'muted', `${first}–${last} of ${total}`), button('Next ›', page + 1, page >= pages - 1))
}

/** @param {Session} s */
function sessionRow(s) {
  const row = el('article', 'session')
  row.dataset.session = s.sessionId
  row.dataset.state = s.state
  const head = el('div', 'session-head')
  head.append(el('span', `badge state-${s.state}`, s.state))
  const id = el('code', 'sid', shortId(s.sessionId))
  id.title = s.sessionId
  head.append(id)
  if (s.open) head.append(el('span', 'tag', 'open'))
  // Long paths are cut at the start (the end names the project); <bdi> keeps the slashes in place.
  const folder = el('span', 'folder')
  folder.append(el('bdi', '', s.cwd ?? 'folder unknown'))
  folder.title = s.cwd ?? ''
  head.append(folder)
  row.append(head, sessionFacts(s))
  const run = lastRunLine(s.lastRun)
  if (run) row.append(run)
  const why = s.group === 'needsYou' ? s.needsUserReason ?? s.reasons?.[0] : s.reasons?.[0]
  if (why) row.append(el('p', 'why', why))
  const actions = actionButtons(s)
  if (actions) row.append(actions)
  return row
}

/** @param {Session} s */
function sessionFacts(s) {
  const facts = el('div', 'facts')
  /** @param {string} name @param {...(string | Node)} value */
  const fact = (name, ...value) => {
    const node = el('span', 'fact')
    node.append(el('span', 'k', name), ...value)
    facts.append(node)
  }
  if (s.limit) fact('limit', `${limitName(s.limit.kind)}${s.limit.resetAt ? ` · resets ${clock(s.limit.resetAt)}` : ' · reset unknown'}`)
  if (s.retryAt && s.group === 'waiting') fact('retry', countdown(s.retryAt), ` (${clock(s.retryAt)})`)
  fact('attempts', String(s.attempts ?? 0))
  if (typeof s.permissionMode === 'string') fact('mode', s.permissionMode)
  const last = s.changedAt ?? s.lastActivityAt
  if (last) fact('changed', clock(last))
  return facts
}

/** The last resumed run, shown only as far as its fields are there and well-formed. @param {unknown} value */
function lastRunLine(value) {
  if (!value || typeof value !== 'object') return null
  const run = /** @type {Record<string, unknown>} */ (value)
  const line = el('div', 'run')
  const outcome = typeof run.outcome === 'string' ? run.outcome : 'unknown'
  line.append(el('span', 'k', `last run${typeof run.attempt === 'number' ? ` #${run.attempt}` : ''}${typeof run.mode === 'string' ? ` (${run.mode})` : ''}`))
  line.append(el('span', `badge outcome-${outcome.replace(/[^a-z-]/g, '')}`, outcome))
  /** @type {string[]} */
  const parts = []
  if (typeof run.turns === 'number') parts.push(`${run.turns} turn${run.turns === 1 ? '' : 's'}`)
  if (typeof run.costUsd === 'number') parts.push(`$${run.costUsd.toFixed(2)}`)
  if (typeof run.exitCode === 'number') parts.push(`exit ${run.exitCode}`)
  if (typeof run.startedAt === 'string') parts.push(`started ${clock(run.startedAt)}`)
  if (typeof run.exitedAt === 'string') parts.push(`ended ${clock(run.exitedAt)}`)
  if (typeof run.startError === 'string') parts.push(`could not start: ${run.startError}`)
  const denied = Array.isArray(run.deniedTools) ? run.deniedTools.filter(t => typeof t === 'string') : []
  if (denied.length > 0) parts.push(`denied: ${denied.join(', ')}`)
  if (parts.length > 0) line.append(el('span', 'muted', parts.join(' · ')))
  if (typeof run.resultLine === 'string' && run.resultLine) {
    const result = el('q', 'result', run.resultLine.split('\n', 1)[0].slice(0, 300))
    result.title = run.resultLine.slice(0, 2000)
    line.append(result)
  }
  if (typeof run.logFile === 'string') line.title = `log: ${run.logFile}`
  return line
}

/** @param {Session} s */
function actionButtons(s) {
  const resume = s.actions?.resume ?? false
  const cancel = s.actions?.cancel ?? false
  if (!resume && !cancel) return null
  const actions = el('div', 'actions')
  /** @param {'resume' | 'cancel'} action @param {string} label */
  const button = (action, label) => {
    const b = /** @type {HTMLButtonElement} */ (el('button', `action action-${action}`, label))
    b.type = 'button'
    b.dataset.action = action
    b.dataset.session = s.sessionId
    b.disabled = token === null
    if (token === null) b.title = 'open the page with session-retry dashboard to use this'
    actions.append(b)
  }
  if (resume) button('resume', 'Resume now')
  if (cancel) button('cancel', 'Cancel')
  return actions
}

function renderTimeline() {
  const since = now() - model.timelineWindowMs
  model.timeline = model.timeline.filter(t => Date.parse(t.at) >= since)
  const strip = byId('strip')
  strip.replaceChildren(
    ...model.timeline.map(t => {
      const mark = el('span', `mark group-${t.group}`)
      mark.title = `${clock(t.at)} ${shortId(t.sessionId)} ${t.from} → ${t.to}`
      mark.style.left = `${(100 * (Date.parse(t.at) - since)) / model.timelineWindowMs}%`
      return mark
    }),
  )
  const list = byId('timeline')
  const entries = model.timeline.slice(0, view.timelineShown).map(t => {
    const item = el('li')
    const at = el('time', '', clock(t.at))
    at.setAttribute('datetime', t.at)
    const id = el('code', 'sid', shortId(t.sessionId))
    id.title = t.sessionId
    item.append(at, id, el('span', `badge state-${t.from}`, t.from), el('span', 'arrow', '→'), el('span', `badge state-${t.to}`, t.to), el('span', 'muted', t.event))
    return item
  })
  if (entries.length === 0) entries.push(el('li', 'empty muted', 'no transitions in the last 24 hours'))
  list.replaceChildren(...entries)
  byId('timeline-more').hidden = model.timeline.length <= view.timelineShown
}

/** Moves every countdown, and the timeline's window, once a second. */
function tick() {
  for (const node of document.querySelectorAll('time[data-until]')) {
    const until = /** @type {HTMLElement} */ (node).dataset.until
    if (until) node.textContent = untilText(until)
  }
}

function start() {
  buildGroups()
  const filter = /** @type {HTMLInputElement} */ (byId('filter'))
  filter.addEventListener('input', () => {
    view.filter = filter.value.trim()
    for (const group of Object.keys(view.pages)) view.pages[group] = 0
    scheduleRender()
  })
  byId('timeline-more').addEventListener('click', () => {
    view.timelineShown += TIMELINE_STEP
    scheduleRender()
  })
  setInterval(tick, 1_000)
  setInterval(() => live && void loadHealth(), HEALTH_MS)
  void loadAll()
  connect()
}

start()
