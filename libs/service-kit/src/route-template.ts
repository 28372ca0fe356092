/**
 * The route template a request would be served by, found without running it: walks the app's router
 * (and mounted routers) as Express would. Used to label responses that middleware sent before routing,
 * such as injected faults, with the same route their unfaulted twin gets.
 */
import type { Request } from 'express';

interface RouteLike {
  path?: unknown;
  _handlesMethod?(method: string): boolean;
}

interface LayerLike {
  route?: RouteLike;
  handle?: { stack?: LayerLike[] };
  match?(path: string): false | true | { path?: string };
  path?: string;
}

function search(stack: LayerLike[], method: string, path: string, base: string): string | undefined {
  for (const layer of stack) {
    if (typeof layer.match !== 'function') continue;
    const matched = layer.match(path);
    if (!matched) continue;
    const route = layer.route;
    if (route) {
      if (typeof route.path === 'string' && (route._handlesMethod?.(method) ?? true)) return `${base}${route.path}` || '/';
      continue;
    }
    const inner = layer.handle?.stack;
    if (!Array.isArray(inner)) continue;
    const prefix = (typeof matched === 'object' ? matched.path : layer.path) ?? '';
    const rest = path.slice(prefix.length) || '/';
    const found = search(inner, method, rest.startsWith('/') ? rest : `/${rest}`, `${base}${prefix}`);
    if (found) return found;
  }
  return undefined;
}

/** e.g. "/:id" for GET /11 on a service with `app.get('/:id', ...)`; undefined when no route matches. */
export function routeTemplateFor(req: Request): string | undefined {
  const router = (req.app as unknown as { router?: { stack?: LayerLike[] } } | undefined)?.router;
  if (!Array.isArray(router?.stack)) return undefined;
  try {
    return search(router.stack, req.method, req.path, '');
  } catch {
    return undefined; // a path Express cannot decode (%E0%A4%A) matches no route
  }
}
