// A step's refusal, typed from the one list (shared/errors.ts), with no Temporal in it: the activity adapter
// turns it into a non-retryable ApplicationFailure of the same type (src/activities/failures.ts).
import type { ErrorType } from '../shared/errors';

export class Refusal extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export const guardRefused = (message: string): Refusal => new Refusal('GuardRefused', message);
export const compensationRefused = (message: string): Refusal => new Refusal('CompensationRefused', message);
