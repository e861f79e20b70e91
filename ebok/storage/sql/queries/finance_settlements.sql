-- Media settlements of one premises ($premises_id): advances charged and actual cost in zł,
-- consumption in the medium's unit; result = advances - cost (zł, > 0 = overpayment).
WITH s AS (
    SELECT
        settlement_id, medium, period_from, period_to,
        advances, consumption, unit, cost,
        advances - cost AS result,
        document_id
    FROM settlements
    WHERE premises_id = $premises_id
)
SELECT s.*, d.title AS document_title
FROM s
LEFT JOIN documents d ON d.document_id = s.document_id AND d.premises_id = $premises_id
ORDER BY s.period_to DESC, s.medium, s.settlement_id
