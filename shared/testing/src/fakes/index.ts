// The fakes of external services alone (no database or NATS helpers), for what runs them
// outside tests too: the sandbox of `pnpm start` (@packflow/testing/fakes).
export * from './fake-http.server.js';
export * from './fake-copr.server.js';
export * from './fake-testing-farm.server.js';
export * from './callback-receiver.server.js';
