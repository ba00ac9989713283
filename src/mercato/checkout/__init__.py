"""The gateway's hosted pages: the payment page of a Checkout Session (``/pay/{id}``) and
a payment link's public address (``/b/{id}``). Rendered on the server, with their styles
and script served from here (``/checkout/static``), nothing from elsewhere."""
