"""The shop's pages: routes by what they serve (``browse``, ``cart``, ``checkout``, joined
in ``views``), what they share (``visits``), the signed cart cookie and forgery protection
(``cookies``), templates and static files. Thin: each route reads the request, calls one
use case of ``mercato.shop``, and renders a page or redirects."""
