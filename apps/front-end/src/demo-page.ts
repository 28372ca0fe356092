/**
 * The /demo-app/ landing page: two buttons that call /slow-page and /fast-page and show the answer, the
 * time it took and the trace id to look up in Zipkin or Jaeger; with a trace URL template the trace id
 * links to the trace viewer. Kept as a string so the bundle carries it.
 */
import { FAVICON_LINK } from './favicon';

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page; `traceUrlTemplate` (with `{traceId}`) makes each trace id a link to that URL. */
export function demoPageHtml(traceUrlTemplate?: string): string {
  const template = traceUrlTemplate ? ` data-trace-url-template="${escapeAttribute(traceUrlTemplate)}"` : '';
  return DEMO_PAGE_HTML.replace('<body>', `<body${template}>`);
}

const DEMO_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>faultline demo app: slow page, fast page</title>
${FAVICON_LINK}
<style>
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.6rem; }
  .buttons { display: flex; gap: 1rem; margin: 1.5rem 0; }
  button { font: inherit; font-size: 1.1rem; padding: .7rem 1.6rem; border: 0; border-radius: .4rem; cursor: pointer; color: #fff; }
  #slow-button { background: #b3461f; }
  #fast-button { background: #21794b; }
  button:disabled { opacity: .6; cursor: wait; }
  .result { border: 1px solid #cfd5e2; border-radius: .4rem; padding: .8rem 1rem; margin-bottom: 1rem; }
  .result h2 { font-size: 1rem; margin: 0 0 .4rem; }
  dl { display: grid; grid-template-columns: 7rem 1fr; gap: .2rem .8rem; margin: 0; }
  dt { color: #5b6477; }
  dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
  .failed dd.answer { color: #b3261e; }
</style>
</head>
<body>
<h1>Slow page or fast page?</h1>
<p>Each button asks the front-end for a page. The slow page waits for business-logic, whose
<code>data_transformation</code> step takes seconds: find its trace id in the trace viewer to see where the time goes.</p>
<div class="buttons">
  <button id="slow-button" type="button" data-page="slow">Slow page</button>
  <button id="fast-button" type="button" data-page="fast">Fast page</button>
</div>
<section class="result" id="slow-result" hidden>
  <h2>Slow page</h2>
  <dl><dt>answer</dt><dd class="answer"></dd><dt>elapsed</dt><dd class="elapsed"></dd><dt>trace id</dt><dd class="trace-id"></dd></dl>
</section>
<section class="result" id="fast-result" hidden>
  <h2>Fast page</h2>
  <dl><dt>answer</dt><dd class="answer"></dd><dt>elapsed</dt><dd class="elapsed"></dd><dt>trace id</dt><dd class="trace-id"></dd></dl>
</section>
<script>
  async function load(page, button) {
    const panel = document.getElementById(page + '-result');
    const show = (cls, text) => { panel.querySelector('.' + cls).textContent = text; };
    const showTraceId = (traceId) => {
      const template = document.body.dataset.traceUrlTemplate;
      if (!template || !/^[0-9a-f]{16,32}$/.test(traceId)) return show('trace-id', traceId);
      const link = document.createElement('a');
      link.href = template.split('{traceId}').join(encodeURIComponent(traceId));
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = traceId;
      panel.querySelector('.trace-id').replaceChildren(link);
    };
    button.disabled = true;
    panel.hidden = false;
    panel.classList.remove('failed');
    show('answer', 'loading…');
    show('elapsed', '');
    show('trace-id', '');
    const started = performance.now();
    try {
      const response = await fetch('/' + page + '-page', { headers: { accept: 'application/json' } });
      const body = await response.json().catch(() => ({}));
      const elapsed = Math.round(performance.now() - started);
      if (!response.ok) panel.classList.add('failed');
      show('answer', response.ok ? body.message : response.status + ' ' + (body.error || '') + ': ' + (body.message || ''));
      show('elapsed', elapsed + ' ms');
      showTraceId(response.headers.get('x-trace-id') || body.traceId || '(tracing off)');
    } catch (error) {
      panel.classList.add('failed');
      show('answer', 'request failed: ' + error.message);
    } finally {
      button.disabled = false;
    }
  }
  for (const button of document.querySelectorAll('button[data-page]')) {
    button.addEventListener('click', () => load(button.dataset.page, button));
  }
</script>
</body>
</html>
`;
