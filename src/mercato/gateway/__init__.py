"""The payment gateway: merchants and their keys, and the v1 API's conventions (ids, errors,
parameters, idempotency, lists) that every resource shares."""
