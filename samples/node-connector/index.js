'use strict';
// PresenceHub sample connector: dials in, prints presence events, acknowledges them and publishes a status.
// Environment: PRESENCEHUB_ADDRESS (host:port), PRESENCEHUB_TOKEN (connector key or Entra token),
// CONNECTOR_ID, PUBLISH_USER (a platform user id to publish "presenting" for), EXIT_AFTER_EVENTS, PRESENCEHUB_TLS=1.
const path = require('node:path');
const crypto = require('node:crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) { console.error(`${name} is required`); process.exit(2); }
  return value;
};
const address = env('PRESENCEHUB_ADDRESS');
const token = env('PRESENCEHUB_TOKEN');
const connectorId = env('CONNECTOR_ID', 'node-sample');
const publishUser = process.env.PUBLISH_USER;
const exitAfterEvents = Number(env('EXIT_AFTER_EVENTS', '0'));
const protoRoot = env('PRESENCEHUB_PROTOS', path.join(__dirname, '..', '..', 'protos'));

const definition = protoLoader.loadSync('presencehub/v1/connector_service.proto', {
  includeDirs: [protoRoot], longs: String, enums: String, defaults: true, oneofs: true,
});
const { ConnectorService } = grpc.loadPackageDefinition(definition).presencehub.v1;
const credentials = process.env.PRESENCEHUB_TLS === '1' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
const client = new ConnectorService(address, credentials);

const now = () => { const ms = Date.now(); return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 }; };
const seen = new Set(); // event ids already handled: delivery is at least once (bound this in a real connector)
let cursor = '';        // last handled cursor: resume after it on reconnect
let handled = 0;
let published = !publishUser;
let attempt = 0;
let stopping = false;

function connect() {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const stream = client.connect(metadata);
  let heartbeat;
  const stop = () => {
    stopping = true;
    clearInterval(heartbeat);
    stream.write({ stateReport: { state: 'CONNECTOR_STATE_STOPPING' } });
    stream.end();
  };
  const maybeStop = () => { if (exitAfterEvents > 0 && handled >= exitAfterEvents && published) stop(); };

  stream.write({ hello: { connectorId, platform: 'sample', version: '1.0.0', resumeCursor: cursor, clientLibrary: 'grpc-js-sample' } });
  stream.on('data', (response) => {
    switch (response.message) {
      case 'welcome': {
        attempt = 0;
        const interval = Number(response.welcome.heartbeatInterval?.seconds ?? 15) * 1000 + (response.welcome.heartbeatInterval?.nanos ?? 0) / 1e6;
        let sequence = 0;
        heartbeat = setInterval(() => stream.write({ heartbeat: { sequence: String(++sequence), sentAt: now() } }), interval || 15000);
        console.log(`connected session=${response.welcome.sessionId} resume=${response.welcome.resumeOutcome}`);
        stream.write({ stateReport: { state: 'CONNECTOR_STATE_RUNNING' } });
        if (publishUser) {
          stream.write({ publication: {
            publicationId: crypto.randomUUID(), platformUserId: publishUser, observedAt: now(),
            presence: { availability: 'DoNotDisturb', activity: 'Presenting', statusMessage: { content: 'Presenting (sample)' } },
          } });
        }
        break;
      }
      case 'eventBatch': {
        const events = response.eventBatch.events;
        for (const event of events) {
          if (!seen.has(event.eventId)) {
            seen.add(event.eventId);
            handled++;
            if (event.kind === 'EVENT_KIND_PRESENCE') {
              const p = event.presence.presence;
              console.log(`presence ${event.eventId} user=${event.user.teamsUserId} ${p.availability}/${p.activity}`);
            } else {
              console.log(`${event.kind} ${event.eventId} user=${event.user.teamsUserId}`);
            }
          }
          cursor = event.cursor;
        }
        // Acknowledge after handling: the hub resumes after the newest acknowledged cursor.
        if (events.length > 0) stream.write({ ack: { cursor, eventIds: events.map((e) => e.eventId) } });
        maybeStop();
        break;
      }
      case 'publicationResult':
        console.log(`published ${response.publicationResult.publicationId} ${response.publicationResult.outcome}`);
        published = true;
        maybeStop();
        break;
      case 'error':
        console.error(`stream error ${response.error.reason}`);
        break;
      default:
        break; // heartbeat echoes
    }
  });
  stream.on('error', () => {}); // the final status arrives in 'status' below
  stream.on('status', (status) => {
    clearInterval(heartbeat);
    if (stopping) { client.close(); return; }
    if ([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.FAILED_PRECONDITION].includes(status.code)) {
      console.error(`rejected: ${grpc.status[status.code]}`);
      process.exit(3);
    }
    // Exponential backoff with jitter; a welcome resets it.
    const delay = Math.min(30000, 500 * 2 ** attempt++) * (0.5 + Math.random() / 2);
    console.error(`stream ended (${grpc.status[status.code]}), reconnecting in ${Math.round(delay)} ms`);
    setTimeout(connect, delay);
  });
}

process.on('SIGINT', () => process.exit(0));
connect();
