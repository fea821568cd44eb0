"""Receipt pipeline: media sniffing, preprocessing, OCR, parsing, categorisation and expiry estimation."""
