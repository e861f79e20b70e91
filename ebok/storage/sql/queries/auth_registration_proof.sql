-- The customer's ($customer_id) last 3 documents a resident can read from paper: invoices and
-- charges with a document number, newest first. amount is the gross amount in zł (> 0 = charge).
SELECT l.document_no, l.amount, l.entry_date, l.premises_id
FROM ledger l
JOIN premises p ON p.premises_id = l.premises_id
WHERE p.customer_id = $customer_id
  AND l.kind IN ('invoice', 'charge')
  AND l.amount > 0
  AND l.document_no IS NOT NULL
  AND trim(l.document_no) <> ''
ORDER BY l.entry_date DESC, l.entry_id DESC
LIMIT 3
