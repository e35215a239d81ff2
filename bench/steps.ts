// The steps, called directly (as the activities call them), for the benchmarks.
import { stepNamed } from '../src/steps';

export const seed = stepNamed('seed');
export const scan = stepNamed('scan');
export const cursor = stepNamed('cursor');
