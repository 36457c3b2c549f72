"""Small HTML pages the sim serves: storefront pages, password page, challenge, queue and block pages."""

from __future__ import annotations

from html import escape


def doc(title: str, body: str, head: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def shop_password(store: str) -> str:
    return doc(
        f"{store} - Opening soon",
        f"""<div class="password-page">
  <header class="password-header"><h1 class="password-title">{escape(store)}</h1>
    <p class="password-message">Opening soon</p></header>
  <p>Be the first to know when we launch.</p>
  <form method="post" action="/password" id="login_form" accept-charset="UTF-8" class="storefront-password-form">
    <input type="hidden" name="form_type" value="storefront_password"><input type="hidden" name="utf8" value="✓">
    <label for="password">Enter store using password:</label>
    <input type="password" name="password" id="password" autocomplete="nope">
    <button type="submit" name="commit">Enter</button>
  </form>
  <footer>Are you the store owner? <a href="/admin">Log in here</a> · Powered by Shopify</footer>
</div>""",
        '<meta name="shopify-checkout-api-token" content="sim">\n',
    )


def shop_product(store: str, title: str, handle: str, price: str, sizes: list[tuple[int, str, bool]]) -> str:
    options = "\n".join(
        f'    <option value="{vid}"{"" if ok else " disabled"}>{escape(size)}{"" if ok else " - Sold out"}</option>'
        for vid, size, ok in sizes
    )
    return doc(
        f"{title} - {store}",
        f"""<main class="product" data-handle="{escape(handle)}">
  <h1 class="product__title">{escape(title)}</h1>
  <span class="price">${escape(price)}</span>
  <form method="post" action="/shop/{escape(store)}/cart/add" id="product-form">
    <select name="id">\n{options}\n    </select>
    <button type="submit" name="add">Add to cart</button>
  </form>
</main>""",
    )


def captcha(store: str) -> str:
    return doc(
        "Please verify you are a human",
        f"""<div id="challenge" data-store="{escape(store)}">
  <h1>Please verify you are a human</h1>
  <p>Complete the CAPTCHA below to continue to the store.</p>
  <form method="post" action="/challenge">
    <div class="g-recaptcha" data-sitekey="6LeoeSkTAAAAAA9rkZs5oS82l69OEYjKRZAiKdaF"></div>
    <div class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"></div>
    <button type="submit">Submit</button>
  </form>
</div>""",
        '<script src="https://www.google.com/recaptcha/api.js" async defer></script>\n'
        '<script src="https://hcaptcha.com/1/api.js" async defer></script>\n',
    )


def shop_queue(store: str) -> str:
    return doc(
        f"{store} - Queue",
        f"""<div class="queue" id="checkpoint-queue">
  <h1>You are now in line</h1>
  <p>Thank you for your patience. Due to high demand, {escape(store)} is using a queue.
     You will be redirected automatically when it is your turn. Do not refresh this page.</p>
  <p class="queue-status">Estimated wait time: more than an hour</p>
</div>""",
        '<meta http-equiv="refresh" content="30">\n',
    )


def fl_queue(store: str) -> str:
    return doc(
        "Queue-it",
        f"""<div id="queue-it_page">
  <h1>You are now in line</h1>
  <p>{escape(store)} is experiencing high demand. You are in the queue and will be redirected
     to the site when it is your turn. Your estimated wait time is 10 minutes.</p>
  <div id="MainPart_divProgressbar" class="progressbar"></div>
</div>""",
        '<script src="//static.queue-it.net/script/queueclient.min.js"></script>\n',
    )


def fl_captcha(store: str) -> str:
    return doc(
        f"{store} - Access blocked",
        f"""<div id="dd-captcha" data-store="{escape(store)}">
  <p>Please enable JS and disable any ad blocker</p>
  <h1>Please verify you are a human</h1>
  <iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=sim" title="DataDome CAPTCHA"></iframe>
  <div class="g-recaptcha" data-sitekey="6LeoeSkTAAAAAA9rkZs5oS82l69OEYjKRZAiKdaF"></div>
</div>""",
    )


def access_denied(path: str) -> str:
    return doc(
        "Access Denied",
        f"""<h1>Access Denied</h1>
You don't have permission to access "{escape(path)}" on this server.<p>
Reference #18.5f2d1002.1700000000.1a2b3c4d</p>""",
    )


def server_error() -> str:
    return doc("Internal Server Error", "<h1>500 Internal Server Error</h1><p>Something went wrong.</p>")


def fl_product(store: str, name: str, sku: str, sizes: list[tuple[str, bool]]) -> str:
    items = "\n".join(
        f'    <li class="size{"" if ok else " sold-out"}" data-in-stock="{str(ok).lower()}">{escape(s)}</li>'
        for s, ok in sizes
    )
    return doc(
        f"{name} | {store}",
        f"""<main class="ProductDetails" data-sku="{escape(sku)}">
  <h1 class="ProductName-primary">{escape(name)}</h1>
  <p class="ProductDetails-form__sku">Product #: {escape(sku)}</p>
  <ul class="SizeSelector">\n{items}\n  </ul>
  <button type="submit" class="ProductDetails-form__action">Add to Cart</button>
</main>""",
    )
