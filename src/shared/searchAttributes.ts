// Temporal visibility: what `temporal workflow list --query` and the UI filter on, with no worker running.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/** The rollout's own state (WAITING_FOR_GATE, RUNNING, ... COMPENSATED), upserted on every change. */
export const RolloutStateAttribute = defineSearchAttributeKey('RolloutState', SearchAttributeType.KEYWORD);
/** The database the rollout writes to, by name (never with credentials). */
export const RolloutTargetAttribute = defineSearchAttributeKey('RolloutTarget', SearchAttributeType.KEYWORD);
/** The APR that ratifies it. */
export const RolloutAprAttribute = defineSearchAttributeKey('RolloutApr', SearchAttributeType.KEYWORD);

/** The database by its own identity (system identifier / database oid): one running rollout per database. */
export const RolloutDatabaseAttribute = defineSearchAttributeKey('RolloutDatabase', SearchAttributeType.KEYWORD);

export const ROLLOUT_SEARCH_ATTRIBUTES = [
  RolloutStateAttribute,
  RolloutTargetAttribute,
  RolloutAprAttribute,
  RolloutDatabaseAttribute,
] as const;

/** The memo field holding the rollout's current details (the UI's "Current Details"), for readers without a worker. */
export const DETAILS_MEMO = 'details';
