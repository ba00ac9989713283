"""Mail: the customer's receipt of a payment, sent over SMTP with a PDF attached, and the
demo's built-in mailbox.

    owed.owe_receipt(connection, ...)           # by gateway.events, in the event's transaction
    sending.handlers(engine, clock, transport)  # the outbox job that sends it
    mailbox.serve(host, port, store) -> stop    # the demo's SMTP server

``facts`` reads what a receipt shows from the gateway's records, ``receipts`` renders it
as a PDF (WeasyPrint), ``message`` builds the e-mail (text, HTML and the PDF),
``transport`` sends it (smtplib, or nowhere). See docs/adr/0017-dashboard-and-receipts.md.
"""
