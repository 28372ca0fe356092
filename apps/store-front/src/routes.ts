/**
 * store-front's routes: the page (with its style, script and icon), and the API paths aks-store-demo's nginx sends on:
 *   /api/products and /api/products/*  →  product-service (the path after /api/products)
 *   POST /api/orders                   →  order-service /
 */
import type { Express, Request, Response } from 'express';
import { HttpError } from '@faultline/service-kit';
import type { Logger } from '@faultline/tracer';
import { forward, type Upstream } from './proxy';
import { PAGE_HTML } from './ui/page';
import { FAVICON_SVG } from './ui/favicon';
import { APP_JS } from './ui/script';
import { STYLES_CSS } from './ui/styles';

export interface StoreRoutesDeps {
  products: Upstream;
  orders: Upstream;
  log: Logger;
}

const PRODUCTS_PREFIX = '/api/products';

/** The product path after the prefix; refuses dot segments that would climb out of it. */
function productPath(req: Request): string {
  const rest = req.path.slice(PRODUCTS_PREFIX.length) || '/';
  const segments = rest.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  if (segments.some((segment) => segment === '..' || segment === '.' || segment.includes('/') || segment.includes('\\'))) {
    throw new HttpError(400, 'bad_path', `path ${req.path} is not a product path`);
  }
  return rest;
}

const send = (type: string, body: string) => (_req: Request, res: Response) => {
  res.set('Content-Type', type).set('Cache-Control', 'no-cache').send(body);
};

export function mountStoreRoutes(app: Express, deps: StoreRoutesDeps): void {
  app.get('/', (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data:");
    send('text/html; charset=utf-8', PAGE_HTML)(_req, res);
  });
  app.get('/app.js', send('text/javascript; charset=utf-8', APP_JS));
  app.get('/app.css', send('text/css; charset=utf-8', STYLES_CSS));
  // Browsers ask for /favicon.ico on their own; the page links /favicon.svg.
  app.get('/favicon.svg', send('image/svg+xml', FAVICON_SVG));
  app.get('/favicon.ico', send('image/svg+xml', FAVICON_SVG));

  const products = (req: Request, res: Response) => forward(deps.products, productPath(req), req, res, deps.log);
  app.all(PRODUCTS_PREFIX, products);
  app.all(`${PRODUCTS_PREFIX}/{*rest}`, products);
  app.post('/api/orders', (req, res) => forward(deps.orders, '/', req, res, deps.log));
}
