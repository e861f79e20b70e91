-- Media settlements without a PDF whose period ended on or after $since (those with one are announced
-- with their document). result = advances - cost in zł (> 0 overpayment).
SELECT settlement_id, premises_id, medium, period_from, period_to, advances - cost AS result
FROM settlements
WHERE document_id IS NULL AND period_to >= $since
ORDER BY premises_id, period_to, settlement_id
