-- The amounts a registering resident may quote as proof: the last $per_premises charges (charge,
-- invoice) and payments of every premises of customer $customer_id, newest first. amount is in zł
-- and positive (the ledger stores payments negative; a resident reads them as positive sums).
WITH moves AS (
    SELECT l.premises_id, l.entry_id, l.entry_date, l.kind, l.amount
    FROM ledger l
    JOIN premises p ON p.premises_id = l.premises_id
    WHERE p.customer_id = $customer_id
      AND l.kind IN ('charge', 'invoice', 'payment')
)
SELECT premises_id, entry_date, kind, abs(amount) AS amount
FROM moves
QUALIFY row_number() OVER (PARTITION BY premises_id ORDER BY entry_date DESC, entry_id DESC) <= $per_premises
ORDER BY entry_date DESC, premises_id, entry_id DESC
