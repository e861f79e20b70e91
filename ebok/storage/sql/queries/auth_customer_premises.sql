-- Premises of one customer ($customer_id) or listed explicitly ($extra, a list of ids assigned by
-- the office), with a short address for the premises selector.
SELECT
    p.premises_id, p.customer_id, p.street, p.building_no, p.unit_no, p.city, p.kind
FROM premises p
WHERE p.customer_id = $customer_id
   OR list_contains($extra, p.premises_id)
ORDER BY p.premises_id
