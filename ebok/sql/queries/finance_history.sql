-- Every ledger entry of one premises ($premises_id) with the balance after it.
-- amount in zł: > 0 a charge, < 0 a payment or credit. balance_after in zł with the
-- resident's sign: positive = overpayment, negative = arrears.
WITH entries AS (
    SELECT
        entry_id, kind, entry_date, due_date, document_no, description, amount,
        -sum(amount) OVER (
            ORDER BY entry_date, entry_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS balance_after
    FROM ledger
    WHERE premises_id = $premises_id
)
SELECT entry_id, kind, entry_date, due_date, document_no, description, amount, balance_after
FROM entries
ORDER BY entry_date, entry_id
