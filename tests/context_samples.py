"""Small realistic repositories for the repository-context tests (Flask shop, JS widget)."""

from __future__ import annotations

SHOP_FILES: dict[str, str] = {
    "README.md": "# shop\n\nA small Flask shop: carts, coupons and checkout.\n",
    "pyproject.toml": '[project]\nname = "shop"\nversion = "0.3.0"\ndependencies = ["flask"]\n',
    "app.py": "from shop import create_app\n\napp = create_app()\n",
    "src/shop/__init__.py": (
        "from flask import Flask\n\n\n"
        "def create_app(config=None):\n"
        "    app = Flask(__name__)\n"
        "    app.config.from_mapping(SECRET_KEY='dev', DATABASE='shop.sqlite')\n"
        "    from shop import views, db\n"
        "    db.init_app(app)\n"
        "    app.register_blueprint(views.bp)\n"
        "    return app\n"
    ),
    "src/shop/views.py": (
        "from flask import Blueprint, request, session, render_template\n\n"
        "from shop.cart import Cart\n"
        "from shop.coupons import parse_coupon\n\n"
        "bp = Blueprint('shop', __name__)\n\n\n"
        "@bp.route('/')\n"
        "def index():\n"
        "    return render_template('index.html')\n\n\n"
        "@bp.route('/checkout', methods=['POST'])\n"
        "def checkout():\n"
        "    cart = Cart.from_session(session)\n"
        "    code = request.form.get('coupon', '')\n"
        "    if code:\n"
        "        cart.apply_discount(parse_coupon(code))\n"
        "    return render_template('checkout.html', total=cart.total())\n"
    ),
    "src/shop/cart.py": (
        '"""Shopping cart kept in the session."""\n\n'
        "from decimal import Decimal\n\n\n"
        "class Cart:\n"
        "    def __init__(self, items=None):\n"
        "        self.items = list(items or [])\n"
        "        self.discount = Decimal('0')\n\n"
        "    @classmethod\n"
        "    def from_session(cls, session):\n"
        "        return cls(session.get('cart', []))\n\n"
        "    def add_item(self, sku, price, quantity=1):\n"
        "        self.items.append((sku, Decimal(price), quantity))\n\n"
        "    def apply_discount(self, percent):\n"
        "        self.discount = Decimal(percent)\n\n"
        "    def total(self):\n"
        "        gross = sum(price * quantity for _, price, quantity in self.items)\n"
        "        return gross  # BUG: the discount is never subtracted\n"
    ),
    "src/shop/coupons.py": (
        '"""Coupon codes like SAVE10 or WELCOME-5."""\n\n'
        "import re\n\n"
        "KNOWN = {'SAVE10': 10, 'WELCOME': 5}\n"
        "CODE = re.compile(r'^([A-Z]+)-?(\\d*)$')\n\n\n"
        "def parse_coupon(code):\n"
        "    match = CODE.match(code.strip().upper())\n"
        "    name = match.group(1)\n"
        "    return KNOWN[name]\n\n\n"
        "def describe_coupon(code):\n"
        "    return f'{code}: {parse_coupon(code)}% off'\n"
    ),
    "src/shop/db.py": (
        "import sqlite3\n\nfrom flask import current_app, g\n\n\n"
        "def get_db():\n"
        "    if 'db' not in g:\n"
        "        g.db = sqlite3.connect(current_app.config['DATABASE'])\n"
        "    return g.db\n\n\n"
        "def close_db(e=None):\n"
        "    db = g.pop('db', None)\n"
        "    if db is not None:\n"
        "        db.close()\n\n\n"
        "def init_app(app):\n"
        "    app.teardown_appcontext(close_db)\n"
    ),
    "src/shop/auth.py": (
        "import functools\n\nfrom flask import session, redirect, url_for\n\n\n"
        "def login_required(view):\n"
        "    @functools.wraps(view)\n"
        "    def wrapped(**kwargs):\n"
        "        if session.get('user_id') is None:\n"
        "            return redirect(url_for('auth.login'))\n"
        "        return view(**kwargs)\n"
        "    return wrapped\n"
    ),
    "src/shop/templates/checkout.html": "<h1>Total: {{ total }}</h1>\n",
    "tests/conftest.py": (
        "import pytest\n\nfrom shop import create_app\n\n\n"
        "@pytest.fixture\ndef client():\n    return create_app({'TESTING': True}).test_client()\n"
    ),
    "tests/test_cart.py": (
        "from shop.cart import Cart\n\n\n"
        "def test_total_sums_items():\n"
        "    cart = Cart()\n"
        "    cart.add_item('tea', '2.50', 2)\n"
        "    assert cart.total() == 5\n"
    ),
    "docs/coupons.md": "# Coupons\n\nShoppers enter a coupon code at checkout.\n",
    "node_modules/left-pad/index.js": "module.exports = function leftPad(s) { return s }\n",
    "poetry.lock": "[[package]]\nname = 'flask'\nversion = '3.1.3'\n",
    "static/logo.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "static/app.min.js": "var a=1;" * 50,
    "data/records.idx": "IDX\x00\x01\x02 header",
}

COUPON_TRACEBACK = """Checkout fails with a lowercase coupon code

Entering `save-10` at checkout gives a 500 error.

Traceback (most recent call last):
  File "/home/ann/.venv/lib/python3.11/site-packages/flask/app.py", line 1498, in wsgi_app
    response = self.full_dispatch_request()
  File "/home/ann/work/shop/src/shop/views.py", line 19, in checkout
    cart.apply_discount(parse_coupon(code))
  File "/home/ann/work/shop/src/shop/coupons.py", line 12, in parse_coupon
    return KNOWN[name]
KeyError: 'SAVE'
"""

WIDGET_FILES: dict[str, str] = {
    "package.json": '{"name": "price-widget", "version": "1.4.0", "main": "src/index.js"}\n',
    "README.md": "# price-widget\n\nRenders prices in a cart badge.\n",
    "src/index.js": (
        "import { renderBadge } from './components/CartBadge.js';\n"
        "import { fetchCart } from './api/client.js';\n\n"
        "export async function mount(el) {\n"
        "  const cart = await fetchCart();\n"
        "  el.innerHTML = renderBadge(cart);\n"
        "}\n"
    ),
    "src/api/client.js": (
        "const BASE = '/api';\n\n"
        "export async function fetchJson(path, retries = 2) {\n"
        "  const response = await fetch(BASE + path);\n"
        "  if (!response.ok && retries > 0) return fetchJson(path, retries - 1);\n"
        "  return response.json();\n"
        "}\n\n"
        "export function fetchCart() {\n"
        "  return fetchJson('/cart');\n"
        "}\n"
    ),
    "src/components/CartBadge.js": (
        "import { formatPrice } from '../utils/formatPrice.js';\n\n"
        "export function renderBadge(cart) {\n"
        "  const count = cart.items.length;\n"
        "  const price = formatPrice(cart.total, cart.currency);\n"
        "  return `<span class=\"badge\">${count} · ${price}</span>`;\n"
        "}\n"
    ),
    "src/utils/formatPrice.js": (
        "const SYMBOLS = { EUR: '€', USD: '$' };\n\n"
        "export function formatPrice(amount, currency) {\n"
        "  const symbol = SYMBOLS[currency];\n"
        "  const fixed = (amount / 100).toFixed(3);\n"
        "  return symbol + fixed;\n"
        "}\n"
    ),
    "test/formatPrice.test.js": (
        "import { formatPrice } from '../src/utils/formatPrice.js';\n\n"
        "test('formats euros', () => {\n"
        "  expect(formatPrice(1999, 'EUR')).toBe('€19.99');\n"
        "});\n"
    ),
    "dist/bundle.js": "function formatPrice(a){return a}\n",
}

WIDGET_STACK = """TypeError in the cart badge when the currency is missing

TypeError: Cannot read properties of undefined (reading 'toFixed')
    at formatPrice (webpack:///./src/utils/formatPrice.js:5:27)
    at renderBadge (/Users/bo/code/price-widget/src/components/CartBadge.js:5:17)
    at mount (http://localhost:8080/src/index.js:6:16)
"""
