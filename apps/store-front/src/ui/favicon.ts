/** The store's icon: a small SVG (a paw), served at /favicon.svg, which the page links, and at /favicon.ico. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" fill="#0b3d91">
<ellipse cx="16" cy="22" rx="7" ry="6"/>
<circle cx="7" cy="13" r="3"/>
<circle cx="12.5" cy="7.5" r="3"/>
<circle cx="19.5" cy="7.5" r="3"/>
<circle cx="25" cy="13" r="3"/>
</svg>
`;
