// Worker Deployments: which build of the worker takes new rollouts. A rollout is pinned to the build
// it started on, so a new build made current takes only new rollouts; running ones finish, or
// compensate, on their own build, whose worker keeps running until they are done.
import type { NativeConnection } from '@temporalio/worker';

/**
 * A worker version: with one, the worker polls as that version of a Worker Deployment, and every rollout it starts
 * stays pinned to it. */
export interface DeploymentVersion {
  deploymentName: string;
  buildId: string;
}

type WorkflowService = NativeConnection['workflowService'];
// gRPC status codes (google.rpc.Code).
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const UNAVAILABLE = 14;
/** A client or worker connection: both carry the workflow service. */
export interface HasWorkflowService {
  workflowService: WorkflowService;
}

function grpcCode(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** The build id new rollouts of the deployment go to; null before any version was made current. */
export async function currentBuildId(
  connection: HasWorkflowService,
  namespace: string,
  deploymentName: string,
): Promise<string | null> {
  try {
    const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({
      namespace,
      deploymentName,
    });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || null;
  } catch (err) {
    if (grpcCode(err) === NOT_FOUND) return null;
    throw err;
  }
}

/**
 * Makes a version current. The server knows a version only once its worker has polled, so a
 * "not found" or "no pollers" answer is retried until `timeoutMs`.
 */
export async function setCurrentVersion(
  connection: HasWorkflowService,
  namespace: string,
  version: DeploymentVersion,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: `governed-rollout ${version.buildId}`,
      });
      return;
    } catch (err) {
      const code = grpcCode(err);
      const retryable = code === NOT_FOUND || code === FAILED_PRECONDITION || code === UNAVAILABLE;
      if (!retryable || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export type Routing = { made: 'current' } | { made: 'nothing'; current: string };

/**
 * What a starting worker does about routing: it becomes current when the deployment has no current
 * version (a first deploy), or when told to (`rollout worker --make-current`); otherwise it leaves
 * the current version alone, so restarting an older build never takes new rollouts back to it.
 */
export async function routeNewRollouts(
  connection: HasWorkflowService,
  namespace: string,
  version: DeploymentVersion,
  makeCurrent: boolean,
): Promise<Routing> {
  const current = await currentBuildId(connection, namespace, version.deploymentName);
  if (current === version.buildId) return { made: 'current' };
  if (current !== null && !makeCurrent) return { made: 'nothing', current };
  await setCurrentVersion(connection, namespace, version);
  return { made: 'current' };
}
