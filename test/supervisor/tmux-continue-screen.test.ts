// Reading Claude Code's input line off a captured pane (screens as 2.1.331 draws them).
import t from 'tap'
import { continueInPane, inputLineText } from '../../src/supervisor/tmux-continue.js'

const RULE = '─'.repeat(60)
const box = (line: string) => ['some output', '', `${RULE}`, line, `${RULE}`, '  ⏵⏵ auto mode on (shift+tab to cycle)', ''].join('\n')
const MENU = [
  '❯ build the thing',
  '  ⎿  You\'ve hit your 5-hour limit · resets 9:12am (UTC)',
  '▔'.repeat(60),
  '  What do you want to do?',
  '',
  '  ❯ 1. Stop and wait for limit to reset',
  '    2. Wait here, then continue automatically shortly',
  '',
  '  Enter to confirm · Esc to cancel',
].join('\n')

t.test('the input line, empty or not, and no input line under a question', async t => {
  t.equal(inputLineText(box('❯ \u00a0')), '')
  t.equal(inputLineText(box('❯ hello there ')), 'hello there')
  t.equal(inputLineText(MENU), null, 'a menu\'s ❯ is not the input line')
  t.equal(inputLineText(''), null)
  t.equal(inputLineText([RULE, '❯ first line', 'second line', RULE].join('\n')), 'first line second line', 'a wrapped input')
})

t.test('a bad pane id or a pane running something else: nothing is sent', async t => {
  const sent: string[][] = []
  const tmux = async (args: string[]) => {
    sent.push(args)
    if (args[0] === 'display-message') return '100\n'
    return box('❯ ')
  }
  t.match(await continueInPane({ pane: '%1;rm', ownerPid: 5, keys: 'enter', tmux }), { sent: false, detail: /not a tmux pane id/ })
  t.same(sent, [], 'tmux was not even asked')
  t.match(await continueInPane({ pane: '%1', ownerPid: 5, keys: 'enter', tmux, runsIn: () => false }), { sent: false, detail: /no longer runs Claude Code process 5/ })
  t.notOk(sent.some(a => a[0] === 'send-keys'))
  t.match(await continueInPane({ pane: '%1', ownerPid: 5, keys: 'enter', tmux, runsIn: () => true }), { sent: true, detail: /pressed Enter/ })
  t.same(sent.at(-1), ['send-keys', '-t', '%1', 'Enter'])
  const failing = async () => { throw new Error('no server running') }
  t.match(await continueInPane({ pane: '%1', ownerPid: 5, keys: 'enter', tmux: failing }), { sent: false, detail: /tmux failed: no server running/ })
})
