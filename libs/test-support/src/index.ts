/** Helpers for tests of any project: waiting by polling with a deadline. */
export { pollUntil } from './poll';
