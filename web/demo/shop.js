// The demo shop's own behaviour: a cart kept in localStorage, and the Juttu page API used
// the way a shop would (tell the agents what is in the cart, who is signed in, open the
// chat from a link). The stub queues calls made before widget.js has loaded.
(function () {
  'use strict';
  window.Juttu = window.Juttu || { q: [] };
  ['open', 'close', 'identify', 'setAttributes', 'on'].forEach(function (m) {
    window.Juttu[m] = window.Juttu[m] || function () {
      window.Juttu.q.push([m].concat([].slice.call(arguments)));
    };
  });

  var CART_KEY = 'demo-shop:cart';

  function loadCart() {
    try { return JSON.parse(localStorage.getItem(CART_KEY) || '[]'); } catch (e) { return []; }
  }

  function saveCart(cart) {
    try { localStorage.setItem(CART_KEY, JSON.stringify(cart)); } catch (e) { /* private mode */ }
  }

  function total(cart) {
    return cart.reduce(function (sum, item) { return sum + item.price; }, 0);
  }

  function euros(value) {
    return value.toLocaleString('en-IE', { style: 'currency', currency: 'EUR' });
  }

  function showCount(cart) {
    var count = document.getElementById('cart-count');
    if (count) count.textContent = String(cart.length);
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var add = target.closest('[data-add]');
    if (add) {
      var cart = loadCart();
      cart.push({ name: add.getAttribute('data-add'), price: Number(add.getAttribute('data-price')) });
      saveCart(cart);
      showCount(cart);
      add.textContent = 'Added ✓';
      setTimeout(function () { add.textContent = 'Add to cart'; }, 1200);
      window.Juttu.setAttributes({ cart_items: String(cart.length), cart_total: total(cart).toFixed(2) + ' EUR' });
      return;
    }
    if (target.closest('[data-open-chat]')) {
      event.preventDefault();
      window.Juttu.open();
      return;
    }
    if (target.closest('[data-sign-in]')) {
      window.Juttu.identify({ name: 'Maija Meikäläinen', email: 'maija@example.com' });
      target.closest('[data-sign-in]').textContent = 'Signed in as Maija';
    }
  });

  var cart = loadCart();
  showCount(cart);
  var list = document.getElementById('cart-items');
  if (list) {
    list.textContent = '';
    if (!cart.length) list.innerHTML = '<li>Your cart is empty.</li>';
    cart.forEach(function (item) {
      var li = document.createElement('li');
      li.textContent = item.name + ' — ' + euros(item.price);
      list.appendChild(li);
    });
    var sum = document.getElementById('cart-total');
    if (sum) sum.textContent = euros(total(cart));
  }
})();
