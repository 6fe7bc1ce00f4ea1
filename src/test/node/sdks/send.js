// Sends an identify and a track, each twice, through Segment's and RudderStack's Node SDKs, unchanged,
// to the Shiftlens server at SHIFTLENS_URL with the write key SHIFTLENS_WRITE_KEY. Exits non-zero on
// any error the SDKs report.
'use strict';
const { Analytics } = require('@segment/analytics-node');
const RudderAnalytics = require('@rudderstack/rudder-sdk-node');

const url = process.env.SHIFTLENS_URL;
const writeKey = process.env.SHIFTLENS_WRITE_KEY;
const at = new Date(Date.now() - 2 * 3600 * 1000);

async function segment() {
  const errors = [];
  const analytics = new Analytics({ writeKey, host: url, maxEventsInBatch: 100, flushInterval: 60000 });
  analytics.on('error', (e) => errors.push(String(e && (e.reason || e.message || e.code) || e)));
  for (let copy = 0; copy < 2; copy++) {
    analytics.identify({
      userId: 'node-seg-user', anonymousId: 'node-seg-anon', messageId: 'node-seg-identify',
      traits: { email: 'seg@example.com', plan: 'team', address: { country: 'NL' } },
      context: { timezone: 'Europe/Amsterdam' },
    });
    analytics.track({
      userId: 'node-seg-user', event: 'Report Exported', messageId: 'node-seg-track', timestamp: at,
      properties: { format: 'csv' }, context: { timezone: 'Europe/Amsterdam' },
    });
  }
  analytics.track({ anonymousId: 'node-seg-anon', event: 'Report Viewed', messageId: 'node-seg-track-anon' });
  await analytics.closeAndFlush({ timeout: 30000 });
  if (errors.length) throw new Error('analytics-node: ' + errors.join('; '));
}

async function rudderstack() {
  const errors = [];
  const client = new RudderAnalytics(writeKey, {
    dataPlaneUrl: url, flushAt: 100, flushInterval: 60000, retryCount: 0, logLevel: 'error',
    errorHandler: (e) => errors.push(String(e && e.message || e)),
  });
  for (let copy = 0; copy < 2; copy++) {
    client.identify({
      userId: 'node-rs-user', anonymousId: 'node-rs-anon', messageId: 'node-rs-identify',
      traits: { email: 'rs@example.com', country: 'BR' }, context: { timezone: 'America/Sao_Paulo' },
    });
    client.track({
      userId: 'node-rs-user', event: 'Report Exported', messageId: 'node-rs-track', timestamp: at,
      properties: { format: 'pdf' }, context: { timezone: 'America/Sao_Paulo' },
    });
  }
  client.track({ anonymousId: 'node-rs-anon', event: 'Report Viewed', messageId: 'node-rs-track-anon' });
  await client.flush();
  if (errors.length) throw new Error('rudder-sdk-node: ' + errors.join('; '));
}

(async () => {
  const which = process.argv[2] || 'both';
  if (which !== 'rudderstack') await segment();
  if (which !== 'segment') await rudderstack();
  console.log('sent');
})().catch((e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});
