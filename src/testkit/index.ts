/**
 * `tunnelforge/testkit`: test plugins in the real agent (`startTestAgent`: real HTTP, WebSocket,
 * PTYs and auth) or in a bare kernel with a simulated platform and fake core services
 * (`startTestKernel`). See "Testing your plugin" in docs/plugins.md.
 * @packageDocumentation
 */
export { startTestAgent, type TestAgent, type TestAgentOptions, type TestAgentConnectOptions, type TestPrincipal } from './start-test-agent';
export { createTestHttpClient, type TestHttpClient, type TestRequestOptions, type TestResponse } from './test-http-client';
export { TestWsClient, WsUpgradeRefused, type AttachedMessage, type ServerMessage, type TestWsConnectOptions } from './test-ws-client';
export { startTestKernel, type TestKernel, type TestKernelOptions } from './start-test-kernel';
export { FakeClock } from './fake-clock';
export { FakeProcessRunner, FakeManagedProcess, type RunScript } from './fake-process-runner';
export { SimulatedPlatform, type SimulatedPlatformOptions } from './simulated-platform';
export { MemoryLogger, type LogEntry } from '../kernel/logger/memory-logger';
export { BootError, type BootProblem, type PluginReport } from '../kernel/kernel';
export { describePowerManagerContract, type PowerManagerSubject } from './contracts/power-manager-contract';
export { describeTunnelProviderContract, type TunnelProviderSubject } from './contracts/tunnel-provider-contract';
export { describeMonitorContract, assertMonitorSample, type MonitorSubject } from './contracts/monitor-contract';
