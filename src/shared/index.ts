// The contract between the CLI, the worker and the workflow: names, messages, search attributes, inputs.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { GateClaim, RolloutInputDraft } from './input';
import { PROGRESS_QUERY } from './names';
import type { GateAttempt, RolloutProgress } from './progress';

export * from './input';
export * from './progress';
export * from './footprint';
export * from './metrics';
export * from './errors';
export * from './outcome';
export * from './searchAttributes';
export * from './names';

/** The workflow's signature, for typed handles: clients know it by name, never by its code. */
export type RolloutWorkflow = (raw: RolloutInputDraft) => Promise<RolloutProgress>;

/**
 * A claim that people opened the gate, answered: the workflow checks it against os_proposal_approvals
 * and returns the recorded attempt (accepted or refused, with the ospa it saw). A malformed claim, or
 * one sent when the gate no longer waits, is rejected by the validator and leaves no trace in history.
 */
export const openGateUpdate = defineUpdate<GateAttempt, [GateClaim]>('openGate');
/** The same claim, fire and forget (the design card's name; `temporal workflow signal` users send it). */
export const gateOpenedSignal = defineSignal<[GateClaim]>('gateOpened');
export const progressQuery = defineQuery<RolloutProgress>(PROGRESS_QUERY);
