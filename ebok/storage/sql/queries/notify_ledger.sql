-- Charges and invoices with a document number entered on or after $since, one row per document
-- (several ledger lines may share a number). Amounts are not sent by e-mail.
SELECT l.premises_id, l.document_no, min(l.entry_date) AS entry_date,
       min(l.due_date) AS due_date, min(l.description) AS description
FROM ledger l
WHERE l.kind IN ('invoice', 'charge') AND l.document_no IS NOT NULL AND l.entry_date >= $since
GROUP BY l.premises_id, l.document_no
ORDER BY l.premises_id, l.document_no
