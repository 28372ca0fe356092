/** Fault switches: named faults set from FAULTS at start-up and through the admin API at run time. */
export { bearerAuth, createAdminRouter } from './admin';
export { faultMiddleware, isNeverFaulted, NEVER_FAULTED } from './middleware';
export {
  BUILT_IN_FAULTS,
  parseFaultSpec,
  parseFaultsVariable,
  routeMatches,
  type BuiltInFaults,
  type CrashFault,
  type ErrorFault,
  type FaultSpec,
  type FaultValidator,
  type HangFault,
  type LatencyFault,
  type ParseResult,
} from './spec';
export { FaultSwitches, type FaultSwitchesOptions } from './switches';
