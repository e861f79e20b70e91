-- The one-time registration code of customer $customer_id as the warehouse keeps it: the SHA-256
-- (hex) of the code without spaces and hyphens, upper case; NULL when the export carries none.
SELECT registration_code FROM customers WHERE customer_id = $customer_id
