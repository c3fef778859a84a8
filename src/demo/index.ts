export {
  DEMO_SITES,
  sendDemoTraffic,
  startDemoNetwork,
  type DemoNetwork,
  type Progress,
} from './demo-network.js';
export { startDemoBackend } from './demo-backend.js';
export { CLI_ENTRY, startRouterProcess, stopChild, type RouterProcess } from './router-process.js';
export { runRebelBaseScenario, type ScenarioPhase } from './rebel-base-scenario.js';
