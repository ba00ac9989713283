"""The v1 HTTP API: thin routes that turn requests into use cases and errors into Stripe-style
error objects."""
