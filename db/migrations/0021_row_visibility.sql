-- Row visibility: rows tied to a deal follow the deal (filled in by the security work).
SELECT 1;
