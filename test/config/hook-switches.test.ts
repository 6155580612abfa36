// The hook's two switches, read by one rule: only a clear off word turns one off.
import t from 'tap'
import { switchIsOff, unclearSwitch } from '../../src/config/hook-switches.js'

t.test('the hook switches belong to the hook: never a configuration error, read by one rule', async t => {
  t.equal(switchIsOff({ SESSION_RETRY_AUTOSTART: 'OFF' }, 'SESSION_RETRY_AUTOSTART'), true)
  t.equal(switchIsOff({ SESSION_RETRY_AUTOSTART: 'maybe' }, 'SESSION_RETRY_AUTOSTART'), false, 'unclear: on')
  t.equal(switchIsOff({}, 'SESSION_RETRY_ENABLED'), false, 'unset: on')
  t.equal(unclearSwitch({ SESSION_RETRY_ENABLED: 'maybe' }, 'SESSION_RETRY_ENABLED'), 'SESSION_RETRY_ENABLED="maybe" is neither true nor false: the hook takes it as true')
  for (const word of ['true', 'FALSE', 'On', '0', '']) t.equal(unclearSwitch({ SESSION_RETRY_ENABLED: word }, 'SESSION_RETRY_ENABLED'), null, `${JSON.stringify(word)} is clear`)
})
