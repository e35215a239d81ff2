// The rollout's activities by name (src/activities), each answering at once with a small object: a run of
// the floor workflow then costs only what Temporal costs.
const done = () => Promise.resolve({ ok: true });

export const noOpActivities = {
  readGate: done,
  otherRollouts: done,
  preflight: done,
  notify: done,
  applyStep: done,
  recordEvidence: done,
};

export type FloorActivities = typeof noOpActivities;
