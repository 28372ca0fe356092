/**
 * The store page's script, plain browser JavaScript kept as a string so the bundle carries it: loads the
 * catalog, keeps the cart, places the order, and shows the confirmation or an error naming what failed.
 * Product text is inserted with textContent only.
 */
export const APP_JS = `'use strict';
(function () {
  var products = [];
  var cart = new Map();
  var byId = function (id) { return document.getElementById(id); };
  var money = function (n) { return '$' + n.toFixed(2); };

  function show(id, text) { var el = byId(id); el.textContent = text; el.hidden = false; }
  function hide(id) { byId(id).hidden = true; }

  /** Reads a JSON error answer into one readable sentence naming what failed. */
  function describe(status, body, what) {
    if (body && typeof body === 'object' && typeof body.message === 'string' && body.message) return body.message;
    if (body && typeof body === 'object' && body.error) return what + ' answered ' + status + ' ' + body.error;
    return what + ' answered HTTP ' + status;
  }

  function call(url, init, what) {
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var body;
        try { body = JSON.parse(text); } catch (e) { body = text; }
        if (!res.ok) throw new Error(describe(res.status, body, what));
        return body;
      });
    }, function (error) {
      throw new Error('store-front unreachable: ' + error.message);
    });
  }

  function renderProducts() {
    var list = byId('products');
    list.replaceChildren();
    products.forEach(function (p) {
      var item = document.createElement('li');
      item.className = 'product';
      item.dataset.productId = String(p.id);
      var name = document.createElement('h3'); name.textContent = p.name;
      var description = document.createElement('p'); description.textContent = p.description || '';
      var price = document.createElement('span'); price.className = 'price'; price.textContent = money(p.price);
      var add = document.createElement('button');
      add.type = 'button';
      add.textContent = 'Add to cart';
      add.setAttribute('aria-label', 'Add ' + p.name + ' to cart');
      add.addEventListener('click', function () { addToCart(p); });
      item.append(name, description, price, add);
      list.append(item);
    });
  }

  function renderCart() {
    var list = byId('cart-items');
    list.replaceChildren();
    var total = 0;
    cart.forEach(function (line) {
      total += line.product.price * line.quantity;
      var item = document.createElement('li');
      item.dataset.productId = String(line.product.id);
      var label = document.createElement('span');
      label.textContent = line.product.name + ' × ' + line.quantity;
      var remove = document.createElement('button');
      remove.type = 'button'; remove.className = 'remove'; remove.textContent = '✕';
      remove.setAttribute('aria-label', 'Remove ' + line.product.name);
      remove.addEventListener('click', function () { cart.delete(line.product.id); renderCart(); });
      item.append(label, remove);
      list.append(item);
    });
    byId('cart-total').textContent = money(total);
    byId('cart-empty').hidden = cart.size > 0;
    byId('place-order').disabled = cart.size === 0;
  }

  function addToCart(product) {
    var line = cart.get(product.id) || { product: product, quantity: 0 };
    line.quantity += 1;
    cart.set(product.id, line);
    hide('confirmation');
    renderCart();
  }

  function placeOrder() {
    var button = byId('place-order');
    var customerId = byId('customer-id').value.trim() || 'guest';
    var items = Array.from(cart.values()).map(function (line) {
      return { productId: line.product.id, quantity: line.quantity, price: line.product.price };
    });
    button.disabled = true;
    hide('confirmation');
    hide('order-error');
    call('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: customerId, items: items })
    }, 'order-service').then(function (body) {
      byId('order-id').textContent = body.orderId;
      byId('confirmation').hidden = false;
      cart.clear();
      renderCart();
    }, function (error) {
      show('order-error', 'Could not place the order: ' + error.message);
      button.disabled = cart.size === 0;
    });
  }

  function loadProducts() {
    call('/api/products', { headers: { accept: 'application/json' } }, 'product-service').then(function (body) {
      products = Array.isArray(body) ? body : [];
      hide('products-status');
      renderProducts();
    }, function (error) {
      hide('products-status');
      show('products-error', 'Could not load the products: ' + error.message);
    });
  }

  byId('place-order').addEventListener('click', placeOrder);
  renderCart();
  loadProducts();
})();
`;
