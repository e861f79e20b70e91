-- One customer by symbol ($customer_id): name and e-mail from the accounting system.
SELECT customer_id, name, email FROM customers WHERE customer_id = $customer_id
