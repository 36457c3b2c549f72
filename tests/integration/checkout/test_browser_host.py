from phantom.checkout.browser import proxy_settings
from phantom.checkout.pages import PageKind, classify


class TestProxySettings:
    def test_credentials_go_in_their_own_fields(self) -> None:
        assert proxy_settings("http://user:p%40ss@10.0.0.5:3128") == {
            "server": "http://10.0.0.5:3128",
            "username": "user",
            "password": "p@ss",
        }

    def test_plain_proxy(self) -> None:
        assert proxy_settings("socks5://127.0.0.1:1080") == {"server": "socks5://127.0.0.1:1080"}


class TestClassify:
    def test_queue_url_is_a_challenge_even_without_markers(self) -> None:
        info = classify("https://shop.example/throttle/queue?x=1", 200, "<html><body>wait</body></html>")
        assert info.kind is PageKind.CHALLENGE

    def test_thank_you_text_gives_the_order_name(self) -> None:
        info = classify("https://shop.example/123/orders/abc", 200, "<p>Order #A-1042 confirmed</p>")
        assert (info.kind, info.order_name) == (PageKind.THANK_YOU, "#A-1042")

    def test_sold_out_permalink(self) -> None:
        body = "<p id=\"cart-error\">The product 'X - 9' is already sold out.</p>"
        assert classify("https://shop.example/cart/1:1", 422, body).kind is PageKind.STOCK_PROBLEMS

    def test_unknown_variant_is_an_error(self) -> None:
        body = '<p id="cart-error">Cannot find variant 1.</p>'
        assert classify("https://shop.example/cart/1:1", 404, body).kind is PageKind.ERROR
