-- Premises ids the office wants to assign ($ids, a list): which exist in the warehouse, and whose
-- customer they belong to (an extra premises of the account's own customer is refused as redundant).
SELECT p.premises_id, p.customer_id
FROM premises p
WHERE list_contains($ids, p.premises_id)
ORDER BY p.premises_id
