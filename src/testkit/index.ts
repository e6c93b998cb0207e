/**
 * `tunnelforge/testkit`: run plugins in a real kernel with a simulated platform and fake core
 * services. See docs/plugins.md.
 * @packageDocumentation
 */
export { startTestKernel, type TestKernel, type TestKernelOptions } from './start-test-kernel';
export { FakeClock } from './fake-clock';
export { FakeProcessRunner, FakeManagedProcess, type RunScript } from './fake-process-runner';
export { SimulatedPlatform, type SimulatedPlatformOptions } from './simulated-platform';
export { MemoryLogger } from '../kernel/logger/memory-logger';
export { BootError, type BootProblem, type PluginReport } from '../kernel/kernel';
export { describePowerManagerContract, type PowerManagerSubject } from './contracts/power-manager-contract';
export { describeTunnelProviderContract, type TunnelProviderSubject } from './contracts/tunnel-provider-contract';
export { describeMonitorContract, assertMonitorSample, type MonitorSubject } from './contracts/monitor-contract';
