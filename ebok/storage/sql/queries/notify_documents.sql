-- Documents of one premises issued on or after $since (general regulations are not announced);
-- settlement is true for the PDF of a media settlement (announced as a settlement, not a document).
SELECT d.document_id, d.premises_id, d.kind, d.title, d.issued_on, d.document_no,
       (d.kind = 'water_settlement' OR s.settlement_id IS NOT NULL) AS settlement
FROM documents d
LEFT JOIN (SELECT DISTINCT document_id, settlement_id FROM settlements) s USING (document_id)
WHERE d.premises_id IS NOT NULL AND d.issued_on >= $since
ORDER BY d.premises_id, d.issued_on, d.document_id
