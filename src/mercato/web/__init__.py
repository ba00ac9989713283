"""What every web page and API response of the platform shares at the HTTP level:
security headers (``security``) and the plain-HTTP listener that sends browsers to HTTPS
(``https_redirect``)."""
