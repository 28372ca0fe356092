/** The store page's style sheet. */
export const STYLES_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1d2430; background: #f4f6fa; }
header { padding: 1.5rem 2rem; background: #0b3d91; color: #fff; }
header h1 { margin: 0; font-size: 1.6rem; }
.tagline { margin: 0.25rem 0 0; opacity: 0.85; }
main { display: grid; grid-template-columns: 1fr 22rem; gap: 2rem; padding: 2rem; max-width: 80rem; margin: 0 auto; }
@media (max-width: 800px) { main { grid-template-columns: 1fr; } }
.products { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
.product { background: #fff; border-radius: 8px; padding: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); display: flex; flex-direction: column; gap: .5rem; }
.product h3 { margin: 0; font-size: 1.05rem; }
.product p { margin: 0; color: #4a5568; font-size: .9rem; flex: 1; }
.price { font-weight: 600; color: #0b3d91; }
button { font: inherit; cursor: pointer; border: 0; border-radius: 6px; padding: .5rem .9rem; background: #0b3d91; color: #fff; }
button:disabled { background: #a0aec0; cursor: not-allowed; }
button.remove { background: transparent; color: #c53030; padding: 0 .4rem; }
.cart { background: #fff; border-radius: 8px; padding: 1rem 1.25rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); align-self: start; }
.cart ul { list-style: none; padding: 0; }
.cart li { display: flex; justify-content: space-between; gap: .5rem; padding: .25rem 0; border-bottom: 1px solid #edf2f7; }
.cart label { display: block; margin-top: 1rem; font-size: .9rem; }
.cart input { width: 100%; padding: .4rem; margin: .25rem 0 1rem; font: inherit; }
.total { font-weight: 600; }
.confirmation { background: #e6ffed; border: 1px solid #38a169; border-radius: 6px; padding: .75rem; }
.error { background: #fff5f5; border: 1px solid #c53030; color: #9b2c2c; border-radius: 6px; padding: .75rem; }
`;
