/**
 * The demo page's icon: a small SVG (a stopwatch: slow or fast), served at /favicon.svg, which the page
 * links, and at /favicon.ico, which browsers ask for on their own.
 */
import type { Express, Request, Response } from 'express';

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<circle cx="16" cy="18" r="12" fill="#fff" stroke="#1d2330" stroke-width="3"/>
<rect x="13" y="1" width="6" height="4" rx="1" fill="#1d2330"/>
<path d="M16 18 L16 10" stroke="#b3461f" stroke-width="3" stroke-linecap="round"/>
<path d="M16 18 L22 21" stroke="#21794b" stroke-width="3" stroke-linecap="round"/>
</svg>
`;

export const FAVICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';

export function mountFavicon(app: Express): void {
  const send = (_req: Request, res: Response) =>
    void res.set('Content-Type', 'image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON_SVG);
  app.get('/favicon.svg', send);
  app.get('/favicon.ico', send);
}
