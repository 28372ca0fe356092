/** The store page: one HTML document; its style and script are served beside it (/app.css, /app.js). */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Contoso Pet Store</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/app.css">
  <script src="/app.js" defer></script>
</head>
<body>
  <header>
    <h1>Contoso Pet Store</h1>
    <p class="tagline">Toys for pets, and one gadget for their platform engineers.</p>
  </header>
  <main>
    <section aria-labelledby="products-title">
      <h2 id="products-title">Products</h2>
      <p id="products-status" role="status">Loading products…</p>
      <p id="products-error" class="error" role="alert" hidden></p>
      <ul id="products" class="products"></ul>
    </section>
    <aside aria-labelledby="cart-title" class="cart">
      <h2 id="cart-title">Cart</h2>
      <p id="cart-empty">Your cart is empty.</p>
      <ul id="cart-items"></ul>
      <p class="total">Total: <span id="cart-total">$0.00</span></p>
      <label for="customer-id">Customer id</label>
      <input id="customer-id" name="customerId" value="guest" autocomplete="off">
      <button id="place-order" type="button" disabled>Place order</button>
      <p id="confirmation" class="confirmation" role="status" hidden>Order placed. Order id: <strong id="order-id"></strong></p>
      <p id="order-error" class="error" role="alert" hidden></p>
    </aside>
  </main>
</body>
</html>
`;
