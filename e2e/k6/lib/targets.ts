/**
 * Where the scripts send traffic: the lab's services, usually through `kubectl port-forward` (see
 * docs/kubernetes.md). Each URL can be overridden with an environment variable (k6 run -e NAME=value).
 */
export const STORE_URL = __ENV.STORE_URL || 'http://localhost:8080';
export const FRONT_END_URL = __ENV.FRONT_END_URL || 'http://localhost:8081';
export const RETRY_CLIENT_URL = __ENV.RETRY_CLIENT_URL || 'http://localhost:8082';

/** The whole request budget of one k6 run stays small unless asked for more (k6 run -e SCALE=5). */
export const SCALE = Math.max(1, Number(__ENV.SCALE || '1'));
