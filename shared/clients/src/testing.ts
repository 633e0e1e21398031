// @packflow/clients/testing: fakes of the Fedora services (Koji hub, Bodhi, lookaside cache,
// release-monitoring.org), local HTTP servers answering as the real ones do, driven through
// the real clients. For tests only. (The Copr and Testing Farm fakes are in @packflow/testing.)
export { FakeKoji, type FakeKojiOptions } from './koji/fake-koji.server.js';
export type { FakeKojiBuild, FakeKojiTask } from './koji/fake-koji.messages.js';
export { FakeBodhi, type FakeBodhiOptions, type FakeBodhiUpdate } from './bodhi/fake-bodhi.server.js';
export { FakeLookaside, type FakeLookasideFile, type FakeLookasideOptions } from './lookaside/fake-lookaside.server.js';
export { FakeReleaseMonitoring, type FakeAnityaProject } from './release-monitoring/fake-release-monitoring.server.js';
