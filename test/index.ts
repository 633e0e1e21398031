export { startUpstreamStack, buildAndTestConfig, type UpstreamStack } from './support/stack.js';
