// The worker bundles this entry point; it exports workflows only.
export { rolloutWorkflow } from './rollout';
