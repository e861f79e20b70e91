-- The customer a registering resident names with $identifier (upper case): a customer symbol such
-- as L0001, or the number of one of the customer's premises such as B0001/M001 (printed on every
-- bill). A symbol match wins over a premises number.
SELECT c.customer_id, c.name
FROM customers c
LEFT JOIN premises p ON p.customer_id = c.customer_id AND upper(p.premises_id) = $identifier
WHERE upper(c.customer_id) = $identifier OR p.premises_id IS NOT NULL
ORDER BY upper(c.customer_id) = $identifier DESC, c.customer_id
LIMIT 1
