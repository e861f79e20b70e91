-- Charges and invoices of one premises ($premises_id) with what remains to pay (zł),
-- payments allocated FIFO to the oldest due date (view v_open_items).
WITH items AS (
    SELECT
        entry_id, kind, entry_date, coalesce(due_date, entry_date) AS due_date,
        document_no, description,
        amount,     -- zł charged
        remaining   -- zł still unpaid
    FROM v_open_items
    WHERE premises_id = $premises_id
)
SELECT entry_id, kind, entry_date, due_date, document_no, description, amount, remaining
FROM items
ORDER BY due_date, entry_date, entry_id
