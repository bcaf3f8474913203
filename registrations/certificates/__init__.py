"""Certificates of attendance: who attended (selectors), issuing, withdrawing and mailing them
(services, mail), the PDF (pdf, content) and the pages (views)."""
