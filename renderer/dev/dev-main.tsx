import { startApp } from '../start-app';
import { createFakeApi } from './fake-api';

// Dev entry only (`vite --config renderer/vite.config.ts`, then open /dev/index.html): the window
// against the in-page fake api, with a few events so the Activity list has something to show.
const userKey = new URLSearchParams(location.search).get('user') === 'jordan' ? 'jordan' : 'sam';
const fake = createFakeApi(userKey);
startApp(fake);
const now = new Date().toISOString();
fake.inject({
  id: 'demo-text-1',
  occurredAt: now,
  kind: 'text',
  lineId: 'line-support',
  from: '+14155552631',
  contactName: 'Ann Lee',
  body: 'Can I move my cleaning to 3pm?',
});
fake.inject({
  id: 'demo-lead-1',
  occurredAt: now,
  kind: 'lead',
  leadId: 'lead-1',
  name: 'Dev Patel',
  score: 42,
  change: 'new',
});
